package lokitest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestQueryRange(t *testing.T) {
	s := NewServer(t, Options{})
	pushLab(s, "")

	tests := []struct {
		name   string
		query  string
		params url.Values
		want   []string
	}{
		{
			name:  "selects streams by label equality",
			query: `{host="mx1.example.net"}`,
			want: []string{
				"cron: noise E1", "smtpd: E2: client=b | E1: message-id=<m.1@x> | E1: client=a",
			},
		},
		{
			name:  "anchors regex matchers at both ends",
			query: `{host=~"mx1"}`,
			want:  []string{},
		},
		{
			name:  "matches a regex that covers the whole value",
			query: `{job="syslog", host=~"mx1.*"}`,
			want: []string{
				"qmgr pid=10: E1: from=<a@b>", "qmgr pid=11: E3: removed",
				"smtpd: E2: client=b | E1: message-id=<m.1@x> | E1: client=a",
			},
		},
		{
			name:  "excludes with a negative matcher",
			query: `{job="syslog", host!="mx1.example.net"}`,
			want:  []string{"qmgr pid=10: E1: from=<a@b>", "qmgr pid=11: E3: removed"},
		},
		{
			name:  "excludes with a negative regex matcher",
			query: `{job=~"sys.+", app!~"q.*"}`,
			want:  []string{"smtpd: E2: client=b | E1: message-id=<m.1@x> | E1: client=a"},
		},
		{
			name:  "keeps lines containing a string",
			query: `{job="syslog"} |= "E1"`,
			want: []string{
				"qmgr pid=10: E1: from=<a@b>", "smtpd: E1: message-id=<m.1@x> | E1: client=a",
			},
		},
		{
			name:  "keeps lines containing any alternative of or",
			query: `{job="syslog"} |= "client=a" or "removed"`,
			want:  []string{"qmgr pid=11: E3: removed", "smtpd: E1: client=a"},
		},
		{
			name:  "drops lines containing a string",
			query: `{job="syslog"} != "E1"`,
			want:  []string{"qmgr pid=11: E3: removed", "smtpd: E2: client=b"},
		},
		{
			name:  "drops lines containing any alternative of a negative or",
			query: `{job="syslog"} != "client=a" or "removed"`,
			want: []string{
				"qmgr pid=10: E1: from=<a@b>", "smtpd: E2: client=b | E1: message-id=<m.1@x>",
			},
		},
		{
			name:  "keeps lines matching an unanchored regex",
			query: `{job="syslog"} |~ "E[23]"`,
			want:  []string{"qmgr pid=11: E3: removed", "smtpd: E2: client=b"},
		},
		{
			name:  "keeps lines matching any regex alternative",
			query: "{job=\"syslog\"} |~ `^E3` or `client=b$`",
			want:  []string{"qmgr pid=11: E3: removed", "smtpd: E2: client=b"},
		},
		{
			name:  "drops lines matching a regex",
			query: `{job="syslog"} !~ "^E1"`,
			want:  []string{"qmgr pid=11: E3: removed", "smtpd: E2: client=b"},
		},
		{
			name:  "chains filters",
			query: `{job="syslog"} |= "E1" != "message-id" |~ "client"`,
			want:  []string{"smtpd: E1: client=a"},
		},
		{
			name:  "decodes Go escapes in double-quoted strings",
			query: `{job="syslog"} |~ "m\\.1@x"`,
			want:  []string{"smtpd: E1: message-id=<m.1@x>"},
		},
		{
			name:  "reads multi-line queries",
			query: "{job=\"syslog\",\n host=\"mx1.example.net\"}\n |= \"E2\"",
			want:  []string{"smtpd: E2: client=b"},
		},
		{
			name:   "keeps the earliest lines across streams going forward",
			query:  `{job="syslog"}`,
			params: url.Values{"direction": {"forward"}, "limit": {"2"}},
			want:   []string{"qmgr pid=10: E1: from=<a@b>", "smtpd: E1: client=a"},
		},
		{
			name:   "keeps the latest lines across streams going backward",
			query:  `{job="syslog"}`,
			params: url.Values{"limit": {"2"}},
			want:   []string{"qmgr pid=11: E3: removed", "smtpd: E2: client=b"},
		},
		{
			name:   "includes start and excludes end",
			query:  `{job="syslog"}`,
			params: url.Values{"start": {ns(2 * time.Second)}, "end": {ns(3 * time.Second)}},
			want:   []string{"smtpd: E1: message-id=<m.1@x>"},
		},
		{
			name:  "accepts RFC3339 bounds",
			query: `{job="syslog"}`,
			params: url.Values{
				"start": {at(3 * time.Second).Format(time.RFC3339Nano)},
				"end":   {at(4 * time.Second).Format(time.RFC3339Nano)},
			},
			want: []string{"smtpd: E2: client=b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := url.Values{"query": {tt.query}, "start": {ns(0)}, "end": {ns(time.Minute)}}
			for k, v := range tt.params {
				params[k] = v
			}

			status, body := get(t, s, queryRangePath, params, nil)

			require.Equal(t, http.StatusOK, status, body)
			require.Equal(t, tt.want, decodeAnswer(t, body).summary())
		})
	}
}

func TestQueryRangeLabels(t *testing.T) {
	tests := []struct {
		name       string
		opt        Options
		categorize bool
		wantStream map[string]string
		wantValue  []any
	}{
		{
			name: "folds metadata and Loki's own labels into the stream",
			wantStream: map[string]string{
				"job": "syslog", "host": "mx10.example.net", "app": "qmgr", "pid": "11",
				"service_name": "qmgr", "detected_level": "unknown",
			},
			wantValue: []any{ns(4 * time.Second), "E3: removed"},
		},
		{
			name:       "moves metadata to a third element with categorize-labels",
			categorize: true,
			wantStream: map[string]string{
				"job": "syslog", "host": "mx10.example.net", "app": "qmgr", "service_name": "qmgr",
			},
			wantValue: []any{ns(4 * time.Second), "E3: removed", map[string]any{
				"structuredMetadata": map[string]any{"detected_level": "unknown", "pid": "11"},
			}},
		},
		{
			name: "adds nothing of Loki's own without discovery",
			opt:  Options{NoDiscovery: true},
			wantStream: map[string]string{
				"job": "syslog", "host": "mx10.example.net", "app": "qmgr",
			},
			categorize: true,
			wantValue: []any{ns(4 * time.Second), "E3: removed", map[string]any{
				"structuredMetadata": map[string]any{"pid": "11"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, tt.opt)
			pushLab(s, "")
			hdr := http.Header{}
			if tt.categorize {
				hdr.Set(categorizeHeader, categorizeFlag)
			}
			params := url.Values{
				"query": {`{app="qmgr"}`}, "limit": {"1"},
				"start": {ns(0)}, "end": {ns(time.Minute)},
			}

			status, body := get(t, s, queryRangePath, params, hdr)

			require.Equal(t, http.StatusOK, status, body)
			a := decodeAnswer(t, body)
			require.Len(t, a.Data.Result, 1)
			require.Equal(t, tt.wantStream, a.Data.Result[0].Stream)
			require.Equal(t, [][]any{tt.wantValue}, a.Data.Result[0].Values)
			if tt.categorize {
				require.Equal(t, []string{categorizeFlag}, a.Data.EncodingFlags)
				require.Contains(t, body, `"resultType":"streams","encodingFlags"`)
			} else {
				require.Nil(t, a.Data.EncodingFlags)
			}
			require.Equal(t, 1, a.Data.Stats.Summary.TotalEntriesReturned)
		})
	}
}

func TestQueryRangeEdges(t *testing.T) {
	tests := []struct {
		name  string
		push  func(s *Server)
		query url.Values
		want  string
	}{
		{
			name: "writes an empty result as an empty list",
			push: func(*Server) {},
			want: `"result":[]`,
		},
		{
			name: "drops a line repeated at the same nanosecond",
			push: func(s *Server) {
				e := Entry{Time: at(time.Second), Line: "same"}
				s.Push("", map[string]string{"job": "syslog"}, e, e)
			},
			want: `"values":[["` + ns(time.Second) + `","same"]]`,
		},
		{
			name: "names the service unknown_service without a source label",
			push: func(s *Server) {
				s.Push("", map[string]string{"host": "h"}, Entry{Time: at(time.Second), Line: "x"})
			},
			query: url.Values{"query": {`{host="h"}`}},
			want:  `"service_name":"unknown_service"`,
		},
		{
			name: "detects the level a Postfix line names",
			push: func(s *Server) {
				s.Push("", map[string]string{"job": "syslog"},
					Entry{Time: at(time.Second), Line: "E1: warning: header Subject: x"})
			},
			want: `"detected_level":"warn"`,
		},
		{
			name: "treats a short integer timestamp as seconds",
			push: func(s *Server) {
				e := Entry{Time: time.Unix(100, 0), Line: "x"}
				s.Push("", map[string]string{"job": "syslog"}, e)
			},
			query: url.Values{"start": {"100"}, "end": {"101"}},
			want:  `"values":[["100000000000","x"]]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, Options{})
			tt.push(s)
			params := url.Values{
				"query": {`{job=~".+"}`}, "start": {ns(0)}, "end": {ns(time.Minute)},
			}
			for k, v := range tt.query {
				params[k] = v
			}

			status, body := get(t, s, queryRangePath, params, nil)

			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, tt.want)
		})
	}
}

func TestQueryRangeByPost(t *testing.T) {
	s := NewServer(t, Options{})
	pushLab(s, "")
	form := url.Values{
		"query": {`{app="smtpd"} |= "E2"`}, "start": {ns(0)}, "end": {ns(time.Minute)},
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+queryRangePath,
		strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	status, body := do(t, req)

	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, []string{"smtpd: E2: client=b"}, decodeAnswer(t, body).summary())
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	require.Equal(t, http.MethodPost, reqs[0].Method)
	require.Equal(t, form.Get("query"), reqs[0].Query.Get("query"))
}

func TestLabelFilters(t *testing.T) {
	srv := NewServer(t, Options{NoDiscovery: true})
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	srv.Push("", map[string]string{"host": "mx1", "app": "postfix/smtpd"},
		Entry{Time: at, Line: "connect from a", Metadata: map[string]string{"pid": "10"}},
		Entry{Time: at.Add(time.Second), Line: "connect from b",
			Metadata: map[string]string{"pid": "11"}},
		Entry{Time: at.Add(2 * time.Second), Line: "connect from c",
			Metadata: map[string]string{"pid": "12"}})
	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"keeps one process by its metadata", `{host="mx1"} | pid="11"`,
			[]string{"connect from b"}},
		{"keeps alternatives", `{host="mx1"} | pid="10" or pid=~"1[2]"`,
			[]string{"connect from a", "connect from c"}},
		{"reads stream labels too", `{host="mx1"} |= "connect" | app=~".*/smtpd" | pid!="10"`,
			[]string{"connect from b", "connect from c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"query": {tc.query}, "direction": {"forward"},
				"start": {strconv.FormatInt(at.Add(-time.Minute).UnixNano(), 10)},
				"end":   {strconv.FormatInt(at.Add(time.Minute).UnixNano(), 10)}}
			resp, err := http.Get(srv.URL + "/loki/api/v1/query_range?" + q.Encode())
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var body struct {
				Data struct {
					Result []struct {
						Values [][]any `json:"values"`
					} `json:"result"`
				} `json:"data"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			var got []string
			for _, st := range body.Data.Result {
				for _, v := range st.Values {
					got = append(got, v[1].(string))
				}
			}
			require.ElementsMatch(t, tc.want, got)
		})
	}
}
