package plugin

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strconv"
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
	mux.HandleFunc("/lines", ds.getOnly(ds.serveLines))
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

// legacyLine is a line as the node and edge resources have always answered
// it: strings only, which their callers decode into string maps.
type legacyLine struct {
	Time    string `json:"time"`
	Host    string `json:"host"`
	Program string `json:"program"`
	QueueID string `json:"queue_id"`
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	To      string `json:"to"`
	Line    string `json:"line"`
}

// lineJSON is one line as the panel shows it, with the graph node and edge
// it belongs to; the lines resource answers it.
type lineJSON struct {
	legacyLine
	DSN    string  `json:"dsn"`
	Delay  float64 `json:"delay"` // seconds
	Delays string  `json:"delays"`
	Relay  string  `json:"relay"`
	Reply  string  `json:"reply"`
	Node   string  `json:"node"`
	Edge   string  `json:"edge"`
	Notice string  `json:"notice"` // a notification's queue ID, "" for the message's own
}

func toLine(l line) lineJSON {
	ev := l.ev
	return lineJSON{legacyLine: legacyLine{Time: stamp(ev.Time), Host: ev.Host,
		Program: ev.Program, QueueID: ev.QueueID, Kind: string(ev.Kind), Status: l.status,
		To: ev.To, Line: ev.Line}, DSN: ev.DSN, Delay: ev.Delay, Delays: delays(ev),
		Relay: ev.Relay, Reply: ev.Reply, Node: l.node, Edge: l.edge, Notice: l.notice}
}

// linesFor traces the messageId parameter and lists the lines as the events
// frame of that trace does, with the same nodes and edges.
func (ds *Datasource) linesFor(r *http.Request) ([]line, error) {
	seed, err := linesSeed(r)
	if err != nil {
		return nil, err
	}
	src, err := ds.source()
	if err != nil {
		return nil, err
	}
	res, err := trace.Run(r.Context(), src, seed, trace.Options{})
	if err != nil {
		return nil, err
	}
	return answerLines(res), nil
}

// linesSeed reads the seed of the line resources: the messageId parameter,
// bounded by from and to as a trace query is by its time range. The seed is
// checked here, so that a Message-ID that names nothing ("<>") is the
// caller's 400 and not the trace's 500.
func linesSeed(r *http.Request) (trace.Seed, error) {
	id, err := param(r, "messageId", true)
	if err != nil {
		return trace.Seed{}, err
	}
	since, until, err := timeRange(r)
	if err != nil {
		return trace.Seed{}, err
	}
	s := trace.Seed{MessageID: id, Since: since, Until: until}
	if err := s.Validate(); err != nil {
		return s, fmt.Errorf("parameter messageId: %w: %w", ErrBadQuery, err)
	}
	return s, nil
}

// maxMillisDigits bounds from and to: 15 digits of epoch milliseconds reach
// past the year 30000, and Grafana's time range sends 13 today.
const maxMillisDigits = 15

// timeRange reads the optional from and to parameters, epoch milliseconds as
// Grafana's time range gives them: both or neither, from not after to.
// Without them a trace looks back over the data source's window only.
func timeRange(r *http.Request) (since, until time.Time, err error) {
	since, hasFrom, err := millisParam(r, "from")
	if err != nil {
		return since, until, err
	}
	until, hasTo, err := millisParam(r, "to")
	switch {
	case err != nil:
		return since, until, err
	case hasFrom != hasTo:
		return since, until, fmt.Errorf("parameters from and to: %w: want both or neither",
			ErrBadQuery)
	case until.Before(since):
		return since, until, fmt.Errorf("parameters from=%d and to=%d: %w: want from <= to",
			since.UnixMilli(), until.UnixMilli(), ErrBadQuery)
	}
	return since, until, nil
}

// millisParam reads an optional parameter of epoch milliseconds; ok is false
// when it is absent.
func millisParam(r *http.Request, name string) (t time.Time, ok bool, err error) {
	v, err := param(r, name, false)
	if err != nil || v == "" {
		return t, false, err
	}
	if len(v) > maxMillisDigits {
		return t, false, fmt.Errorf("parameter %s: %w: longer than %d digits", name,
			ErrBadQuery, maxMillisDigits)
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strings.Trim(v, "0123456789") != "" {
		return t, false, fmt.Errorf("parameter %s: value=%q: %w: want epoch milliseconds",
			name, v, ErrBadQuery)
	}
	return time.UnixMilli(ms), true, nil
}

func jsonLines(lines []line, keep func(l line) bool) []lineJSON {
	out := []lineJSON{}
	for _, l := range lines {
		if keep(l) {
			out = append(out, toLine(l))
		}
	}
	return out
}

func legacyLines(lines []lineJSON) []legacyLine {
	out := make([]legacyLine, len(lines))
	for i, l := range lines {
		out[i] = l.legacyLine
	}
	return out
}

// serveLines lists the lines of a message that the events frame marks with
// one node or one edge: the panel's drawer for what was clicked.
func (ds *Datasource) serveLines(w http.ResponseWriter, r *http.Request) error {
	node, err := param(r, "node", false)
	if err != nil {
		return err
	}
	edge, err := param(r, "edge", false)
	if err != nil {
		return err
	}
	if (node == "") == (edge == "") {
		return fmt.Errorf("parameters node=%q and edge=%q: %w: want exactly one of them",
			node, edge, ErrBadQuery)
	}
	lines, err := ds.linesFor(r)
	if err != nil {
		return err
	}
	return writeJSON(w, jsonLines(lines, lineFilter{node: node, edge: edge}.keeps))
}

// serveNode lists the lines one host logged about a message; host is a
// host name or its node id.
func (ds *Datasource) serveNode(w http.ResponseWriter, r *http.Request) error {
	host, err := param(r, "host", true)
	if err != nil {
		return err
	}
	lines, err := ds.linesFor(r)
	if err != nil {
		return err
	}
	id := hostNodeID(strings.TrimPrefix(host, "host:"))
	return writeJSON(w, legacyLines(jsonLines(lines, func(l line) bool {
		return id != "" && l.node == id
	})))
}

// serveEdge lists the lines of a hand-off between two hosts, named by host
// name or node id: the sending host's delivery lines that named the next
// host first, then the receiving host's first lines.
func (ds *Datasource) serveEdge(w http.ResponseWriter, r *http.Request) error {
	source, err := param(r, "source", true)
	if err != nil {
		return err
	}
	target, err := param(r, "target", true)
	if err != nil {
		return err
	}
	lines, err := ds.linesFor(r)
	if err != nil {
		return err
	}
	from := hostNodeID(strings.TrimPrefix(source, "host:"))
	id := from + "->" + hostNodeID(strings.TrimPrefix(target, "host:"))
	slices.SortStableFunc(lines, func(a, b line) int {
		return cmp.Compare(senderRank(a, from), senderRank(b, from))
	})
	return writeJSON(w, legacyLines(jsonLines(lines, func(l line) bool {
		return l.edge == id
	})))
}

// senderRank sorts the lines of the sending host first.
func senderRank(l line, from string) int {
	if l.node == from {
		return 0
	}
	return 1
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
