package lokitest

import (
	"errors"
	"net/http"
	"sort"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

// errNoMatch is the fake's text for a series request without match[]; Loki's own
// wording was not recorded.
var errNoMatch = errors.New("at least one match[] argument must be provided")

// listResponse is the answer of labels and label values.
type listResponse struct {
	Status string   `json:"status"`
	Data   []string `json:"data"`
}

// seriesResponse is the answer of series: one label set per stream.
type seriesResponse struct {
	Status string              `json:"status"`
	Data   []map[string]string `json:"data"`
}

// scope is what a metadata request reads: a time range and optional selectors, any
// of which a stream may match.
type scope struct {
	start, end time.Time
	queries    []*logQuery
}

func (s *Server) handleLabels(w http.ResponseWriter, r *http.Request) {
	sc, err := parseScope(r.Form["query"], r)
	if err != nil {
		writeBadRequest(w, err)
		return
	}

	names := map[string]bool{}
	for _, ls := range s.streamsIn(r, sc) {
		ls.Range(func(l labels.Label) { names[l.Name] = true })
	}
	writeJSON(w, listResponse{Status: "success", Data: sortedKeys(names)})
}

func (s *Server) handleLabelValues(w http.ResponseWriter, r *http.Request) {
	sc, err := parseScope(r.Form["query"], r)
	if err != nil {
		writeBadRequest(w, err)
		return
	}

	name := r.PathValue("name")
	values := map[string]bool{}
	for _, ls := range s.streamsIn(r, sc) {
		if v := ls.Get(name); v != "" {
			values[v] = true
		}
	}
	writeJSON(w, listResponse{Status: "success", Data: sortedKeys(values)})
}

// handleSeries answers the label sets of matching streams. Loki lists them in no
// useful order (and their keys unsorted); the fake sorts both.
func (s *Server) handleSeries(w http.ResponseWriter, r *http.Request) {
	matches := r.Form["match[]"]
	if len(matches) == 0 {
		writeBadRequest(w, errNoMatch)
		return
	}
	sc, err := parseScope(matches, r)
	if err != nil {
		writeBadRequest(w, err)
		return
	}

	data := []map[string]string{}
	for _, ls := range s.streamsIn(r, sc) {
		data = append(data, ls.Map())
	}
	writeJSON(w, seriesResponse{Status: "success", Data: data})
}

// parseScope reads start, end and since (default: the last 6h) and the selectors.
func parseScope(selectors []string, r *http.Request) (scope, error) {
	start, end, err := parseBounds(r.Form, defaultLabelRange)
	if err != nil {
		return scope{}, err
	}

	sc := scope{start: start, end: end}
	for _, sel := range selectors {
		if sel == "" {
			continue
		}
		q, err := parseLogQuery(sel)
		if err != nil {
			return scope{}, err
		}
		sc.queries = append(sc.queries, q)
	}

	return sc, nil
}

// streamsIn returns the labels of the request tenant's streams that hold an entry
// in the scope's range and match one of its selectors (any, when it has none),
// sorted by their label string.
func (s *Server) streamsIn(r *http.Request, sc scope) []labels.Labels {
	s.mu.Lock()
	defer s.mu.Unlock()

	var out []labels.Labels
	for _, st := range s.tenant(s.requestTenant(r)).streams {
		if sc.matches(st.labels) && st.hasEntryIn(sc.start, sc.end) {
			out = append(out, st.labels)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })

	return out
}

func (sc scope) matches(ls labels.Labels) bool {
	if len(sc.queries) == 0 {
		return true
	}
	for _, q := range sc.queries {
		if q.matchesStream(ls) {
			return true
		}
	}

	return false
}
