package lokitest

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRequests(t *testing.T) {
	s := NewServer(t, Options{Tenants: true})
	hdr := http.Header{orgIDHeader: {"bare"}}
	get(t, s, readyPath, nil, nil)
	get(t, s, queryRangePath, url.Values{"query": {`{job="x"}`}, "limit": {"5"}}, hdr)

	reqs := s.Requests()

	require.Len(t, reqs, 2)
	require.Equal(t, readyPath, reqs[0].Path)
	require.Equal(t, queryRangePath, reqs[1].Path)
	require.Equal(t, http.MethodGet, reqs[1].Method)
	require.Equal(t, "5", reqs[1].Query.Get("limit"))
	require.Equal(t, "bare", reqs[1].Header.Get(orgIDHeader))

	s.ResetRequests()
	require.Empty(t, s.Requests())
}

func TestLatencyCountsInServerTime(t *testing.T) {
	s := NewServer(t, Options{Latency: 20 * time.Millisecond})
	began := time.Now()

	get(t, s, readyPath, nil, nil)

	require.GreaterOrEqual(t, time.Since(began), 20*time.Millisecond)
	require.GreaterOrEqual(t, s.ServerTime(), 20*time.Millisecond)
}

func TestTenantsKeepDataApart(t *testing.T) {
	tests := []struct {
		name   string
		opt    Options
		tenant string
		want   int
	}{
		{name: "answers a tenant its own lines", opt: Options{Tenants: true}, tenant: "a", want: 1},
		{name: "answers another tenant nothing", opt: Options{Tenants: true}, tenant: "b", want: 0},
		{name: "puts everything in one tenant without auth", tenant: "b", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, tt.opt)
			s.Push("a", map[string]string{"job": "syslog"}, Entry{Time: at(time.Second), Line: "x"})
			params := url.Values{
				"query": {`{job="syslog"}`}, "start": {ns(0)}, "end": {ns(time.Hour)},
			}

			status, body := get(t, s, queryRangePath, params, http.Header{orgIDHeader: {tt.tenant}})

			require.Equal(t, http.StatusOK, status, body)
			require.Len(t, decodeAnswer(t, body).Data.Result, tt.want)
		})
	}
}
