package lokitest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

// queryResponse is a query_range answer for a log query, fields in Loki's order.
type queryResponse struct {
	Status string    `json:"status"`
	Data   queryData `json:"data"`
}

type queryData struct {
	ResultType    string         `json:"resultType"`
	EncodingFlags []string       `json:"encodingFlags,omitempty"`
	Result        []streamResult `json:"result"`
	Stats         stats          `json:"stats"`
}

// streamResult is one stream of an answer or of a tail message.
type streamResult struct {
	Stream map[string]string `json:"stream"`
	Values []value           `json:"values"`
}

// value is one entry: [ts, line] or, categorized, [ts, line, {"structuredMetadata":…}].
type value struct {
	ts          time.Time
	line        string
	meta        labels.Labels
	categorized bool
}

// categories is the third element of a categorized value; Loki writes {} when an
// entry has no structured metadata.
type categories struct {
	StructuredMetadata map[string]string `json:"structuredMetadata,omitempty"`
}

// MarshalJSON writes the value as Loki's array, the timestamp as a string of ns.
func (v value) MarshalJSON() ([]byte, error) {
	ts := strconv.FormatInt(v.ts.UnixNano(), 10)
	if !v.categorized {
		return json.Marshal([]any{ts, v.line})
	}

	var c categories
	if !v.meta.IsEmpty() {
		c.StructuredMetadata = v.meta.Map()
	}

	return json.Marshal([]any{ts, v.line, c})
}

// hit is one entry selected by a query, with the stream it came from.
type hit struct {
	st *stream
	e  stored
}

func (s *Server) handleQueryRange(w http.ResponseWriter, r *http.Request) {
	began := time.Now()
	q, err := s.parseRangeQuery(r.Form)
	if err != nil {
		writeBadRequest(w, err)
		return
	}

	categorize := wantsCategorized(r.Header)
	s.mu.Lock()
	hits, scan := s.selectHits(s.tenant(s.requestTenant(r)), q)
	s.mu.Unlock()

	data := queryData{ResultType: "streams", Result: group(hits, categorize)}
	if categorize {
		data.EncodingFlags = []string{categorizeFlag}
	}
	data.Stats = newStats(scan, len(hits), time.Since(began))
	writeJSON(w, queryResponse{Status: "success", Data: data})
}

// wantsCategorized reports whether the request asked for categorize-labels.
func wantsCategorized(h http.Header) bool {
	for _, v := range h.Values(categorizeHeader) {
		for _, flag := range strings.Split(v, ",") {
			if strings.TrimSpace(flag) == categorizeFlag {
				return true
			}
		}
	}

	return false
}

// selectHits returns the entries a query answers with: in range, through the
// filters, ordered by direction across all streams, and cut to the limit nearest
// start (forward) or end (backward). s.mu must be held.
func (s *Server) selectHits(t *tenantData, q *rangeQuery) ([]hit, scanned) {
	var hits []hit
	var scan scanned
	for _, st := range t.streams {
		if !q.query.matchesStream(st.labels) {
			continue
		}
		for _, e := range st.entries {
			if !inRange(e.ts, q.start, q.end) {
				continue
			}
			scan.add(e)
			if q.query.keepsEntry(st.labels, e.line, e.meta) {
				scan.kept++
				hits = append(hits, hit{st: st, e: e})
			}
		}
	}
	sortHits(hits, q.forward)

	return hits[:min(len(hits), q.limit)], scan
}

func sortHits(hits []hit, forward bool) {
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i].e, hits[j].e
		if !a.ts.Equal(b.ts) {
			return a.ts.Before(b.ts) == forward
		}
		return (a.seq < b.seq) == forward
	})
}

// group turns ordered hits into streams. Without categorize-labels, structured
// metadata joins the stream labels, so one stream splits per metadata value. Loki
// sorts the streams by their label string, not by time.
func group(hits []hit, categorize bool) []streamResult {
	byKey := map[string]*streamResult{}
	keyOf := map[*streamResult]string{}
	out := []streamResult{}
	var order []*streamResult
	for _, h := range hits {
		ls := answerLabels(h, categorize)
		key := ls.String()
		sr, ok := byKey[key]
		if !ok {
			sr = &streamResult{Stream: ls.Map()}
			byKey[key], keyOf[sr] = sr, key
			order = append(order, sr)
		}
		sr.Values = append(sr.Values, value{
			ts: h.e.ts, line: h.e.line, meta: h.e.meta, categorized: categorize,
		})
	}
	sort.Slice(order, func(i, j int) bool { return keyOf[order[i]] < keyOf[order[j]] })
	for _, sr := range order {
		out = append(out, *sr)
	}

	return out
}

// answerLabels are the labels a hit is grouped under: the stream's, plus its
// structured metadata unless categorized.
func answerLabels(h hit, categorize bool) labels.Labels {
	if categorize || h.e.meta.IsEmpty() {
		return h.st.labels
	}

	b := labels.NewBuilder(h.st.labels)
	h.e.meta.Range(func(l labels.Label) { b.Set(l.Name, l.Value) })

	return b.Labels()
}
