package loki

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fixture is one recording of a real Loki answer, from testdata (a copy
// of shared/fixtures/loki).
type fixture struct {
	Name    string `json:"name"`
	Request struct {
		Path    string            `json:"path"`
		Params  map[string]any    `json:"params"`
		Headers map[string]string `json:"headers"`
	} `json:"request"`
	Response struct {
		Status      int             `json:"status"`
		ContentType string          `json:"content_type"`
		Body        json.RawMessage `json:"body"`
	} `json:"response"`
	Messages []json.RawMessage `json:"messages"`
}

func loadFixture(t testing.TB, name string) fixture {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join("testdata", name+"*.json"))
	require.NoError(t, err)
	require.Len(t, matches, 1, "fixture %s", name)
	raw, err := os.ReadFile(matches[0])
	require.NoError(t, err)
	var f fixture
	require.NoError(t, json.Unmarshal(raw, &f))
	return f
}

// body is the answer as sent on the wire: JSON as is, text unquoted.
func (f fixture) body() []byte {
	var text string
	if json.Unmarshal(f.Response.Body, &text) == nil {
		return []byte(text)
	}
	return f.Response.Body
}

func (f fixture) serve(w http.ResponseWriter) {
	w.Header().Set("Content-Type", f.Response.ContentType)
	w.WriteHeader(f.Response.Status)
	_, _ = w.Write(f.body())
}

// fixtureServer answers every request with one recording.
func fixtureServer(t *testing.T, name string) (*httptest.Server, *recorder) {
	f := loadFixture(t, name)
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		f.serve(w)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

// recorder keeps what requests asked.
type recorder struct {
	mu      sync.Mutex
	params  []url.Values
	headers []http.Header
	paths   []string
}

func (rec *recorder) add(r *http.Request) {
	_ = r.ParseForm()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.params = append(rec.params, r.Form)
	rec.headers = append(rec.headers, r.Header.Clone())
	rec.paths = append(rec.paths, r.URL.Path)
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.params)
}

func (rec *recorder) param(i int, name string) string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.params[i].Get(name)
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.RetryWait == 0 {
		cfg.RetryWait = time.Millisecond
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

// storedLine is one line in the fake Loki.
type storedLine struct {
	labels map[string]string
	ns     int64
	text   string
	meta   map[string]string
}

// fakeLoki answers query_range like Loki 3.7 does, over its stored lines:
// [start, end), forward, the first limit lines over all streams, streams
// listed in no time order, limits and range lengths checked as Loki does,
// errors as plain text.
type fakeLoki struct {
	recorder
	lines      []storedLine
	maxEntries int
	maxLength  time.Duration
	// fail, when set, gives a status to answer request n (from 0) with.
	fail func(n int, params url.Values) int
}

func newFakeLoki(t *testing.T, lines []storedLine) (*fakeLoki, *httptest.Server) {
	f := &fakeLoki{lines: lines, maxEntries: 5000, maxLength: 721 * time.Hour}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeLoki) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.add(r)
	n := f.count() - 1
	if f.fail != nil {
		if status := f.fail(n, r.Form); status != 0 {
			http.Error(w, "injected failure", status)
			return
		}
	}
	limit, _ := strconv.Atoi(r.Form.Get("limit"))
	start, _ := strconv.ParseInt(r.Form.Get("start"), 10, 64)
	end, _ := strconv.ParseInt(r.Form.Get("end"), 10, 64)
	switch {
	case limit > f.maxEntries:
		http.Error(w, fmt.Sprintf("max entries limit per query exceeded, limit > "+
			"max_entries_limit_per_query (%d > %d)", limit, f.maxEntries), 400)
	case time.Duration(end-start) > f.maxLength:
		http.Error(w, "the query time range exceeds the limit", 400)
	case r.Form.Get("direction") != "forward":
		http.Error(w, "test server only answers forward", 400)
	default:
		categorize := r.Header.Get("X-Loki-Response-Encoding-Flags") == "categorize-labels"
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_ = json.NewEncoder(w).Encode(f.answer(start, end, limit, categorize))
	}
}

func (f *fakeLoki) answer(start, end int64, limit int, categorize bool) any {
	var picked []storedLine
	for _, l := range f.lines {
		if l.ns >= start && l.ns < end {
			picked = append(picked, l)
		}
	}
	slices.SortStableFunc(picked, func(a, b storedLine) int { return cmp.Compare(a.ns, b.ns) })
	picked = picked[:min(limit, len(picked))]
	return map[string]any{"status": "success", "data": map[string]any{
		"resultType": "streams", "result": streamsOf(picked, categorize),
	}}
}

// streamsOf groups lines into streams, listed last seen first so that the
// client has to merge them.
func streamsOf(lines []storedLine, categorize bool) []map[string]any {
	var out []map[string]any
	index := map[string]int{}
	for _, l := range lines {
		labels := map[string]string{}
		for k, v := range l.labels {
			labels[k] = v
		}
		value := []any{strconv.FormatInt(l.ns, 10), l.text}
		if categorize {
			value = append(value, map[string]any{"structuredMetadata": l.meta})
		} else {
			for k, v := range l.meta {
				labels[k] = v
			}
		}
		key := fmt.Sprint(labels)
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, map[string]any{"stream": labels, "values": []any{}})
		}
		out[i]["values"] = append(out[i]["values"].([]any), value)
	}
	slices.Reverse(out)
	return out
}
