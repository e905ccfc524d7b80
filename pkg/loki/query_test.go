package loki

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// t0 is the start of the recordings' range.
var t0 = time.Unix(0, 1796293700202716000).UTC()

func requireSorted(t *testing.T, es []Entry) {
	t.Helper()
	for i := 1; i < len(es); i++ {
		require.False(t, es[i].Time.Before(es[i-1].Time), "entry %d out of order", i)
	}
}

func TestQueryRangeReadsRecordedAnswers(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		lines    int
		labels   map[string]string // of the first entry
		metadata map[string]string // of the first entry
	}{
		{
			name: "reads structured metadata folded into the stream labels", fixture: "01",
			lines: 3,
			labels: map[string]string{"app": "postfix-mx1/cleanup", "detected_level": "unknown",
				"host": "mx1.example.net", "job": "syslog", "pid": "1915",
				"service_name": "postfix-mx1/cleanup"},
		},
		{
			name: "reads structured metadata apart from the stream labels", fixture: "02",
			lines: 3,
			labels: map[string]string{"app": "postfix-mx1/cleanup",
				"host": "mx1.example.net", "job": "syslog", "service_name": "postfix-mx1/cleanup"},
			metadata: map[string]string{"detected_level": "unknown", "pid": "1915"},
		},
		{
			name: "merges streams listed out of time order", fixture: "05", lines: 5,
			labels: map[string]string{"app": "postfix-store1/postfix-script",
				"detected_level": "unknown", "host": "store1.example.net", "job": "syslog",
				"service_name": "postfix-store1/postfix-script"},
		},
		{name: "answers a tenant without data with nothing", fixture: "16", lines: 0},
		{name: "answers a query matching nothing with nothing", fixture: "10", lines: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := fixtureServer(t, tt.fixture)
			c := newTestClient(t, Config{URL: srv.URL})

			res, err := c.QueryRange(context.Background(), `{job="syslog"}`,
				t0, t0.Add(time.Hour), 0)
			require.NoError(t, err)
			require.False(t, res.Partial)
			require.Len(t, res.Entries, tt.lines)
			require.Equal(t, 1, res.Requests)
			require.Equal(t, 1, rec.count())
			requireSorted(t, res.Entries)
			if tt.lines > 0 {
				require.Equal(t, tt.labels, res.Entries[0].Labels)
				require.Equal(t, tt.metadata, res.Entries[0].Metadata)
			}
		})
	}
}

func TestQueryRangeSendsWhatLokiNeeds(t *testing.T) {
	srv, rec := fixtureServer(t, "02")
	c := newTestClient(t, Config{URL: srv.URL})

	end := t0.Add(time.Hour)
	_, err := c.QueryRange(context.Background(), `{job="syslog"}`, t0, end, 0)
	require.NoError(t, err)
	require.Equal(t, "/loki/api/v1/query_range", rec.paths[0])
	require.Equal(t, "forward", rec.param(0, "direction"))
	require.Equal(t, "1796293700202716000", rec.param(0, "start"))
	require.Equal(t, strconv.FormatInt(end.UnixNano(), 10), rec.param(0, "end"))
	require.Equal(t, "5000", rec.param(0, "limit"))
	require.Equal(t, "categorize-labels", rec.headers[0].Get("X-Loki-Response-Encoding-Flags"))
}

func TestQueryRangeReportsLokiErrors(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		message string
	}{
		{name: "refuses a limit above Loki's", fixture: "07",
			message: "max entries limit per query exceeded, limit > " +
				"max_entries_limit_per_query (6000 > 5000)"},
		{name: "refuses bad LogQL", fixture: "08",
			message: "parse error at line 1, col 19: literal not terminated"},
		{name: "refuses a selector matching everything", fixture: "09",
			message: "parse error : queries require at least one regexp"},
		{name: "refuses a range above max_query_length", fixture: "11",
			message: "the query time range exceeds the limit (query length: " +
				"221192h54m35.704s, limit: 30d1h)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := fixtureServer(t, tt.fixture)
			c := newTestClient(t, Config{URL: srv.URL, MaxQueryLength: time.Hour})

			_, err := c.QueryRange(context.Background(), `{job="syslog"}`,
				t0, t0.Add(3*time.Hour), 0)
			var lerr *Error
			require.ErrorAs(t, err, &lerr)
			require.Equal(t, 400, lerr.Status)
			require.Equal(t, "query_range", lerr.Op)
			require.Contains(t, lerr.Message, tt.message)
			require.Contains(t, err.Error(), "loki: query_range: status=400: ")
			require.Equal(t, 1, rec.count(), "a 400 is neither retried nor repeated per piece")
		})
	}
}

// pagedLines are 14 lines of two streams, where up to three share one
// nanosecond, so that pages of 4 end inside a nanosecond.
func pagedLines() []storedLine {
	offsets := []int64{1, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7, 7, 8, 9}
	lines := make([]storedLine, len(offsets))
	for i, off := range offsets {
		host := []string{"mx1", "mx2"}[i%2]
		lines[i] = storedLine{
			labels: map[string]string{"job": "syslog", "host": host},
			ns:     t0.UnixNano() + off, text: fmt.Sprintf("line %d", i),
			meta: map[string]string{"pid": strconv.Itoa(100 + i)},
		}
	}
	return lines
}

func TestQueryRangePages(t *testing.T) {
	tests := []struct {
		name     string
		lines    []storedLine
		maxLines int
		want     int    // lines returned
		reason   string // "" = not partial
	}{
		{name: "reads full pages whose last nanosecond goes on in the next",
			lines: pagedLines(), want: 14},
		{name: "stops at the line cap and says so", lines: pagedLines(), maxLines: 5, want: 5,
			reason: "line limit 5 reached at 2026-12-03T10:28:20.202716003Z; " +
				"lines after it were not read"},
		{name: "is complete when the cap equals the lines there are",
			lines: pagedLines(), maxLines: 14, want: 14},
		{name: "is complete when the cap is above the lines there are",
			lines: pagedLines(), maxLines: 100, want: 14},
		{name: "skips a nanosecond holding more lines than a page", lines: sameNanosecond(6),
			want: 4 + 1, reason: "more than 4 lines share the timestamp " +
				"2026-12-03T10:28:20.202716001Z; some of them were not read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeLoki(t, tt.lines)
			c := newTestClient(t, Config{URL: srv.URL, MaxEntries: 4})

			res, err := c.QueryRange(context.Background(), `{job="syslog"}`,
				t0, t0.Add(time.Minute), tt.maxLines)
			require.NoError(t, err)
			require.Len(t, res.Entries, tt.want)
			require.Equal(t, tt.reason != "", res.Partial)
			require.Equal(t, tt.reason, res.Reason)
			requireSorted(t, res.Entries)
			requireDistinct(t, res.Entries)
			require.Equal(t, fake.count(), res.Requests)
			require.Greater(t, res.Requests, 1)
			for i := range fake.count() {
				limit, _ := strconv.Atoi(fake.param(i, "limit"))
				require.LessOrEqual(t, limit, 4, "request %d", i)
			}
		})
	}
}

// sameNanosecond is n lines at t0+1ns and one at t0+2ns.
func sameNanosecond(n int) []storedLine {
	var lines []storedLine
	for i := range n + 1 {
		ns := t0.UnixNano() + 1
		if i == n {
			ns++
		}
		lines = append(lines, storedLine{
			labels: map[string]string{"job": "syslog"}, ns: ns, text: fmt.Sprint("line ", i),
		})
	}
	return lines
}

func requireDistinct(t *testing.T, es []Entry) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range es {
		key := entryKey(e)
		require.False(t, seen[key], "line %q twice", e.Line)
		seen[key] = true
	}
}

func TestQueryRangePagesResumeAtTheLastTimestamp(t *testing.T) {
	fake, srv := newFakeLoki(t, pagedLines())
	c := newTestClient(t, Config{URL: srv.URL, MaxEntries: 4})

	_, err := c.QueryRange(context.Background(), `{job="syslog"}`, t0, t0.Add(time.Minute), 0)
	require.NoError(t, err)
	var starts []int64
	for i := range fake.count() {
		start, _ := strconv.ParseInt(fake.param(i, "start"), 10, 64)
		starts = append(starts, start-t0.UnixNano())
	}
	// Pages: 1 2 3 3 | 3 3 3 4 | 4 5 5 6 | 6 7 7 7 | 7 7 7 8 | 8 9.
	require.Equal(t, []int64{0, 3, 4, 6, 7, 8}, starts)
}

// spreadLines puts one line every 10 minutes over 3h30m.
func spreadLines() []storedLine {
	var lines []storedLine
	for i := range 21 {
		lines = append(lines, storedLine{
			labels: map[string]string{"job": "syslog"},
			ns:     t0.Add(time.Duration(i) * 10 * time.Minute).UnixNano(),
			text:   fmt.Sprint("line ", i),
		})
	}
	return lines
}

func TestQueryRangeSplitsLongRanges(t *testing.T) {
	tests := []struct {
		name   string
		fail   func(n int, params url.Values) int
		want   int
		reason string
		err    bool
	}{
		{name: "reads a long range in pieces no longer than the limit", want: 21},
		{name: "marks the answer partial when one piece fails",
			fail: failPiece(t0.Add(time.Hour)), want: 15,
			reason: "range 2026-12-03T11:28:20.202716Z–2026-12-03T12:28:20.202716Z failed: " +
				"loki: query_range: status=503: injected failure"},
		{name: "fails when every piece fails",
			fail: func(int, url.Values) int { return 503 }, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFakeLoki(t, spreadLines())
			fake.maxLength, fake.fail = time.Hour, tt.fail
			c := newTestClient(t, Config{URL: srv.URL, MaxQueryLength: time.Hour, Retries: -1})

			end := t0.Add(3*time.Hour + 30*time.Minute + 1)
			res, err := c.QueryRange(context.Background(), `{job="syslog"}`, t0, end, 0)
			require.Equal(t, 4, fake.count())
			requirePieces(t, fake, end)
			if tt.err {
				var lerr *Error
				require.ErrorAs(t, err, &lerr)
				require.Equal(t, 503, lerr.Status)
				return
			}
			require.NoError(t, err)
			require.Len(t, res.Entries, tt.want)
			require.Equal(t, tt.reason, res.Reason)
			require.Equal(t, tt.reason != "", res.Partial)
		})
	}
}

func failPiece(start time.Time) func(int, url.Values) int {
	return func(_ int, params url.Values) int {
		if params.Get("start") == strconv.FormatInt(start.UnixNano(), 10) {
			return 503
		}
		return 0
	}
}

// requirePieces checks that the requests cover [t0, end) in order without
// gaps, none longer than an hour.
func requirePieces(t *testing.T, fake *fakeLoki, end time.Time) {
	t.Helper()
	next := t0.UnixNano()
	for i := range fake.count() {
		start, _ := strconv.ParseInt(fake.param(i, "start"), 10, 64)
		stop, _ := strconv.ParseInt(fake.param(i, "end"), 10, 64)
		require.Equal(t, next, start, "piece %d", i)
		require.LessOrEqual(t, time.Duration(stop-start), time.Hour)
		next = stop
	}
	require.Equal(t, end.UnixNano(), next)
}

func TestQueryRangeRefusesBadArguments(t *testing.T) {
	c := newTestClient(t, Config{URL: "http://127.0.0.1:1"})
	tests := []struct {
		name       string
		start, end time.Time
		maxLines   int
	}{
		{name: "refuses a range ending before it starts", start: t0, end: t0.Add(-1)},
		{name: "refuses an empty range", start: t0, end: t0},
		{name: "refuses a negative line cap", start: t0, end: t0.Add(1), maxLines: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.QueryRange(context.Background(), `{a="b"}`, tt.start, tt.end, tt.maxLines)
			require.ErrorIs(t, err, ErrBadRange)
		})
	}
}

func TestQueryRangeRefusesMetricAnswers(t *testing.T) {
	srv, _ := fixtureServer(t, "18")
	c := newTestClient(t, Config{URL: srv.URL})

	_, err := c.QueryRange(context.Background(), `count_over_time({a="b"}[5m])`,
		t0, t0.Add(time.Hour), 0)
	require.ErrorIs(t, err, ErrNotLogQuery)
	require.False(t, errors.Is(err, ErrBadAnswer))
}

func TestQueryRangePostsLongQueries(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		method string
	}{
		{name: "sends a short query with GET", query: `{job="syslog"}`, method: "GET"},
		{name: "sends a long query as a POST form",
			query:  `{job="syslog"} ` + MatchAny(strings.Repeat("E35AD9A2498.", 500)),
			method: "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var method, query string
			ok := loadFixture(t, "02")
			handler := func(w http.ResponseWriter, r *http.Request) {
				method, query = r.Method, r.FormValue("query")
				ok.serve(w)
			}
			srv := httptest.NewServer(http.HandlerFunc(handler))
			t.Cleanup(srv.Close)
			c := newTestClient(t, Config{URL: srv.URL})

			res, err := c.QueryRange(context.Background(), tt.query, t0, t0.Add(time.Hour), 0)
			require.NoError(t, err)
			require.Len(t, res.Entries, 3)
			require.Equal(t, tt.method, method)
			require.Equal(t, tt.query, query)
		})
	}
}
