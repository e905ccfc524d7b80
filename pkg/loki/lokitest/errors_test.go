package lokitest

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestErrors(t *testing.T) {
	const span = "1796293700202716000"
	const spanEnd = "1796294475704456000"
	tests := []struct {
		name   string
		opt    Options
		path   string
		params url.Values
		header http.Header
		status int
		body   string
	}{
		{
			name:   "refuses a limit over max_entries_limit_per_query",
			params: url.Values{"query": {`{job="syslog"}`}, "limit": {"6000"}},
			status: http.StatusBadRequest,
			body: "max entries limit per query exceeded, limit > " +
				"max_entries_limit_per_query (6000 > 5000)",
		},
		{
			name:   "applies a lowered max_entries_limit_per_query",
			opt:    Options{MaxEntries: 10},
			params: url.Values{"query": {`{job="syslog"}`}, "limit": {"11"}},
			status: http.StatusBadRequest,
			body: "max entries limit per query exceeded, limit > " +
				"max_entries_limit_per_query (11 > 10)",
		},
		{
			name: "refuses a range over max_query_length",
			params: url.Values{
				"query": {`{job="syslog"} |= "x"`}, "start": {"1000000000000000000"},
			},
			status: http.StatusBadRequest,
			body: "the query time range exceeds the limit " +
				"(query length: 221192h54m35.704s, limit: 30d1h)",
		},
		{
			name:   "applies a lowered max_query_length",
			opt:    Options{MaxQueryLength: time.Minute},
			params: url.Values{"query": {`{job="syslog"}`}},
			status: http.StatusBadRequest,
			body: "the query time range exceeds the limit " +
				"(query length: 12m55.502s, limit: 1m)",
		},
		{
			name:   "places an unterminated literal",
			params: url.Values{"query": {`{job="syslog"} |= "unterminated`}},
			status: http.StatusBadRequest,
			body:   "parse error at line 1, col 19: literal not terminated",
		},
		{
			name:   "refuses a selector that matches everything",
			params: url.Values{"query": {`{host=~".*"}`}},
			status: http.StatusBadRequest,
			body:   "parse error : " + emptyCompatibleText,
		},
		{
			name:   "refuses an empty selector",
			params: url.Values{"query": {`{}`}},
			status: http.StatusBadRequest,
			body:   "parse error : " + emptyCompatibleText,
		},
		{
			name:   "refuses a metric query it does not evaluate",
			params: url.Values{"query": {`count_over_time({job="syslog"}[5m])`}},
			status: http.StatusBadRequest,
			body: "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER" +
				unsupportedText,
		},
		{
			name:   "refuses a parser stage it does not evaluate",
			params: url.Values{"query": {`{job="syslog"} | json`}},
			status: http.StatusBadRequest,
			body:   "parse error at line 1, col 16: syntax error: unexpected |" + unsupportedText,
		},
		{
			name:   "refuses a filter without its string",
			params: url.Values{"query": {`{job="syslog"} |= "a" or`}},
			status: http.StatusBadRequest,
			body: "parse error at line 1, col 25: syntax error: unexpected $end, " +
				"expecting STRING",
		},
		{
			name:   "refuses a matcher without an operator",
			params: url.Values{"query": {"{job\n \"syslog\"}"}},
			status: http.StatusBadRequest,
			body: "parse error at line 2, col 2: syntax error: unexpected STRING, " +
				"expecting = or != or =~ or !~",
		},
		{
			name:   "refuses a bad regex",
			params: url.Values{"query": {`{job="syslog"} |~ "("`}},
			status: http.StatusBadRequest,
			body:   "parse error at line 1, col 19: error parsing regexp: missing closing ): `(`",
		},
		{
			name:   "refuses a bad escape",
			params: url.Values{"query": {`{job="sys\qlog"}`}},
			status: http.StatusBadRequest,
			body:   "parse error at line 1, col 6: invalid char escape",
		},
		{
			name:   "refuses an unknown direction",
			params: url.Values{"query": {`{job="syslog"}`}, "direction": {"sideways"}},
			status: http.StatusBadRequest,
			body:   "invalid direction 'sideways'",
		},
		{
			name:   "refuses a zero limit",
			params: url.Values{"query": {`{job="syslog"}`}, "limit": {"0"}},
			status: http.StatusBadRequest,
			body:   "limit must be a positive value",
		},
		{
			name:   "refuses an end before the start",
			params: url.Values{"query": {`{job="syslog"}`}, "start": {spanEnd}, "end": {span}},
			status: http.StatusBadRequest,
			body:   "end timestamp must not be before or equal to start time",
		},
		{
			name:   "refuses a timestamp it cannot read",
			params: url.Values{"query": {`{job="syslog"}`}, "start": {"yesterday"}},
			status: http.StatusBadRequest,
			body:   `cannot parse "yesterday" to a valid timestamp`,
		},
		{
			name:   "needs a tenant when tenants are on",
			opt:    Options{Tenants: true},
			params: url.Values{"query": {`{job="syslog"}`}},
			status: http.StatusUnauthorized,
			body:   "no org id",
		},
		{
			name:   "needs a tenant for labels too",
			opt:    Options{Tenants: true},
			path:   labelsPath,
			status: http.StatusUnauthorized,
			body:   "no org id",
		},
		{
			name:   "needs match[] for series",
			path:   seriesPath,
			status: http.StatusBadRequest,
			body:   errNoMatch.Error(),
		},
		{
			name:   "refuses a bad selector for label values",
			path:   "/loki/api/v1/label/host/values",
			params: url.Values{"query": {`{host=~""}`}},
			status: http.StatusBadRequest,
			body:   "parse error : " + emptyCompatibleText,
		},
		{
			name:   "refuses a tail delay over five seconds",
			path:   tailPath,
			params: url.Values{"query": {`{job="syslog"}`}, "delay_for": {"6"}},
			status: http.StatusBadRequest,
			body:   "delay_for can't be greater than 5",
		},
		{
			name:   "answers ready without a tenant",
			opt:    Options{Tenants: true},
			path:   readyPath,
			status: http.StatusOK,
			body:   "ready",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, tt.opt)
			path := tt.path
			if path == "" {
				path = queryRangePath
			}
			params := url.Values{"start": {span}, "end": {spanEnd}}
			for k, v := range tt.params {
				params[k] = v
			}

			status, body := get(t, s, path, params, tt.header)

			require.Equal(t, tt.status, status)
			require.Equal(t, tt.body, body)
		})
	}
}

func TestErrorContentType(t *testing.T) {
	s := NewServer(t, Options{})
	resp, err := http.Get(s.URL + queryRangePath + "?query=%7B%7D")
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()

	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, textContentType, resp.Header.Get("Content-Type"))
}

func TestFailNext(t *testing.T) {
	s := NewServer(t, Options{})
	s.FailNext(2, http.StatusTooManyRequests, "slow down", "3")
	u := s.URL + readyPath

	for range 2 {
		resp, err := http.Get(u)
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.Equal(t, "3", resp.Header.Get("Retry-After"))
		require.Equal(t, textContentType, resp.Header.Get("Content-Type"))
	}
	status, body := get(t, s, readyPath, nil, nil)

	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "ready", body)
	require.Len(t, s.Requests(), 3)
}
