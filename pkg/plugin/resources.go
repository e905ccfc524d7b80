package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/loki"
	"github.com/mailpath/mailpath/pkg/trace"
)

// Resource routes. None takes a path or a URL: what a route reads comes
// from the data source's settings alone, and every parameter is checked.
func (ds *Datasource) routes(mux *http.ServeMux) {
	mux.HandleFunc("/hosts", ds.getOnly(ds.serveHosts))
	mux.HandleFunc("/suggest", ds.getOnly(ds.serveSuggest))
	mux.HandleFunc("/node", ds.getOnly(ds.serveNode))
	mux.HandleFunc("/edge", ds.getOnly(ds.serveEdge))
}

// maxParam bounds every parameter: a Message-ID is at most 998 bytes (RFC
// 5322's line limit).
const maxParam = 998

func (ds *Datasource) getOnly(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "only GET is served", http.StatusMethodNotAllowed)
			return
		}
		if err := h(w, r); err != nil {
			http.Error(w, err.Error(), resourceStatus(err))
		}
	}
}

// resourceStatus answers a bad parameter with 400, a data source that is not
// set up with 503, Loki's or the files' failures with 502, anything else 500.
func resourceStatus(err error) int {
	var lokiErr *loki.Error
	switch {
	case errors.Is(err, ErrBadQuery):
		return http.StatusBadRequest
	case errors.Is(err, ErrBadSettings):
		return http.StatusServiceUnavailable
	case errors.As(err, &lokiErr), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// cleanPaths answers 404 to a path that is not already clean, where Go's
// ServeMux would answer with a redirect to the cleaned path.
func cleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if r.URL.Host != "" || p == "" || strings.Contains(p, "..") ||
			strings.Contains(p, "//") || path.Clean("/"+p) != "/"+strings.TrimPrefix(p, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// param reads a query parameter, refusing control characters and
// overlong values.
func param(r *http.Request, name string, required bool) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" && required {
		return "", fmt.Errorf("parameter %s: %w: missing", name, ErrBadQuery)
	}
	return v, checkValue("parameter "+name, v)
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(v)
}

// recent reads every line of the data source's window (24h unless set), for
// hosts and suggestions.
func (ds *Datasource) recent(r *http.Request) ([]event.Event, error) {
	src, err := ds.source()
	if err != nil {
		return nil, err
	}
	window, _ := ds.settings.window()
	res, err := src.Find(r.Context(), logsource.Query{Terms: []logsource.Term{{}},
		Since: time.Now().Add(-window)})
	return res.Events, err
}

// serveHosts lists the hosts: from Loki, the values of the host label over
// the window; from files, the hosts of the last hour's lines.
func (ds *Datasource) serveHosts(w http.ResponseWriter, r *http.Request) error {
	if ds.settingsErr == nil && ds.settings.Source == SourceLoki {
		client, err := ds.settings.lokiClient()
		if err != nil {
			return err
		}
		window, _ := ds.settings.window()
		hosts, err := client.LabelValues(r.Context(), ds.settings.labels().Host,
			time.Now().Add(-window), time.Now(), "")
		if err != nil {
			return err
		}
		return writeJSON(w, hosts)
	}
	events, err := ds.recent(r)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, ev := range events {
		if ev.Host != "" {
			seen[ev.Host] = true
		}
	}
	return writeJSON(w, sortedKeys(seen))
}

func (ds *Datasource) serveSuggest(w http.ResponseWriter, r *http.Request) error {
	kind, err := param(r, "kind", true)
	if err != nil {
		return err
	}
	if kind != "message_id" && kind != "sender" {
		return fmt.Errorf("parameter kind: value=%q: %w: want message_id or sender", kind,
			ErrBadQuery)
	}
	prefix, err := param(r, "prefix", false)
	if err != nil {
		return err
	}
	events, err := ds.recent(r)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, ev := range events {
		v := ev.MessageID
		if kind == "sender" {
			v = ev.From
		}
		if v != "" && strings.HasPrefix(v, prefix) && len(seen) < 50 {
			seen[v] = true
		}
	}
	return writeJSON(w, sortedKeys(seen))
}

// lineJSON is one line as the panel shows it.
type lineJSON struct {
	Time    string `json:"time"`
	Host    string `json:"host"`
	Program string `json:"program"`
	QueueID string `json:"queue_id"`
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	To      string `json:"to"`
	Line    string `json:"line"`
}

func (ds *Datasource) traceFor(r *http.Request) ([]*trace.Trace, error) {
	id, err := param(r, "messageId", true)
	if err != nil {
		return nil, err
	}
	src, err := ds.source()
	if err != nil {
		return nil, err
	}
	res, err := trace.Run(r.Context(), src, trace.Seed{MessageID: id}, trace.Options{})
	if err != nil {
		return nil, err
	}
	return res.Traces, nil
}

// serveNode lists the lines one host logged about a message.
func (ds *Datasource) serveNode(w http.ResponseWriter, r *http.Request) error {
	host, err := param(r, "host", true)
	if err != nil {
		return err
	}
	traces, err := ds.traceFor(r)
	if err != nil {
		return err
	}
	out := []lineJSON{}
	for _, t := range traces {
		for _, ev := range t.Events {
			if ev.Host == strings.TrimPrefix(host, "host:") {
				out = append(out, toLine(ev))
			}
		}
	}
	return writeJSON(w, out)
}

// serveEdge lists the lines of a hand-off: the sending host's delivery lines
// that named the next host, and the receiving host's first lines.
func (ds *Datasource) serveEdge(w http.ResponseWriter, r *http.Request) error {
	source, err := param(r, "source", true)
	if err != nil {
		return err
	}
	target, err := param(r, "target", true)
	if err != nil {
		return err
	}
	traces, err := ds.traceFor(r)
	if err != nil {
		return err
	}
	from, to := strings.TrimPrefix(source, "host:"), strings.TrimPrefix(target, "host:")
	out := []lineJSON{}
	for _, t := range traces {
		for _, h := range t.Hops {
			if h.Host != to || h.Parent == nil || h.Parent.Host != from {
				continue
			}
			out = append(out, handOffLines(h)...)
		}
	}
	return writeJSON(w, out)
}

func handOffLines(h *trace.Hop) []lineJSON {
	var out []lineJSON
	for _, ev := range h.Parent.Events {
		if ev.Kind == event.KindDelivery && ev.QueuedAs == h.QueueID {
			out = append(out, toLine(ev))
		}
	}
	for _, ev := range h.Events {
		if ev.Kind == event.KindClient || ev.Kind == event.KindMessageID {
			out = append(out, toLine(ev))
		}
	}
	return out
}

func toLine(ev *event.Event) lineJSON {
	return lineJSON{Time: stamp(ev.Time), Host: ev.Host, Program: ev.Program, QueueID: ev.QueueID,
		Kind: string(ev.Kind), Status: statusOf(ev), To: ev.To, Line: ev.Line}
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
