package lokitest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMetadataEndpoints(t *testing.T) {
	s := NewServer(t, Options{})
	pushLab(s, "")
	s.Push("", map[string]string{"job": "syslog", "host": "old.example.net"},
		Entry{Time: at(-time.Hour), Line: "before the range"})

	tests := []struct {
		name   string
		path   string
		params url.Values
		want   any
	}{
		{
			name: "lists label names, Loki's service_name among them but not metadata",
			path: labelsPath,
			want: []any{"app", "host", "job", "service_name"},
		},
		{
			name: "lists a label's values in the range only",
			path: "/loki/api/v1/label/host/values",
			want: []any{"mx1.example.net", "mx10.example.net"},
		},
		{
			name:   "scopes label values to a selector",
			path:   "/loki/api/v1/label/app/values",
			params: url.Values{"query": {`{host="mx1.example.net"}`}},
			want:   []any{"cron", "smtpd"},
		},
		{
			name: "lists no values for an unknown label",
			path: "/loki/api/v1/label/nope/values",
			want: []any{},
		},
		{
			name:   "lists series matching any match[]",
			path:   seriesPath,
			params: url.Values{"match[]": {`{app="cron"}`, `{app="qmgr"}`}},
			want: []any{
				map[string]any{
					"app": "cron", "host": "mx1.example.net", "job": "other",
					"service_name": "cron",
				},
				map[string]any{
					"app": "qmgr", "host": "mx10.example.net", "job": "syslog",
					"service_name": "qmgr",
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := url.Values{"start": {ns(0)}, "end": {ns(time.Minute)}}
			for k, v := range tt.params {
				params[k] = v
			}

			status, body := get(t, s, tt.path, params, nil)

			require.Equal(t, http.StatusOK, status, body)
			var got struct {
				Status string `json:"status"`
				Data   any    `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &got))
			require.Equal(t, "success", got.Status)
			require.Equal(t, tt.want, got.Data)
		})
	}
}

func TestLabelsDefaultToTheLastSixHours(t *testing.T) {
	s := NewServer(t, Options{})
	now := time.Now()
	s.Push("", map[string]string{"job": "recent"}, Entry{Time: now.Add(-time.Hour), Line: "x"})
	s.Push("", map[string]string{"job": "stale"}, Entry{Time: now.Add(-7 * time.Hour), Line: "x"})

	status, body := get(t, s, "/loki/api/v1/label/job/values", nil, nil)

	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"success","data":["recent"]}`, body)
}
