package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/loki/lokitest"
)

type captured struct{ resp *backend.CallResourceResponse }

func (c *captured) Send(r *backend.CallResourceResponse) error {
	c.resp = r
	return nil
}

func call(t *testing.T, ds *Datasource, method, path string, params url.Values) (int, []byte) {
	t.Helper()
	var c captured
	u := path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	err := ds.CallResource(context.Background(), &backend.CallResourceRequest{
		Method: method, Path: path, URL: u}, &c)
	require.NoError(t, err)
	require.NotNil(t, c.resp)
	return c.resp.Status, c.resp.Body
}

func TestResourcesValidateTheirInput(t *testing.T) {
	ds := labFiles(t)
	cases := []struct {
		name   string
		method string
		path   string
		params url.Values
		status int
	}{
		{"only GET", http.MethodPost, "/hosts", nil, http.StatusMethodNotAllowed},
		{"an unknown suggestion kind", http.MethodGet, "/suggest",
			url.Values{"kind": {"file"}}, http.StatusBadRequest},
		{"control characters", http.MethodGet, "/node",
			url.Values{"messageId": {"<a\nb>"}, "host": {"mx1"}}, http.StatusBadRequest},
		{"a missing parameter", http.MethodGet, "/edge",
			url.Values{"messageId": {"<a@b>"}, "source": {"mx1"}}, http.StatusBadRequest},
		{"an unknown route", http.MethodGet, "/files", nil, http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _ := call(t, ds, tc.method, tc.path, tc.params)
			require.Equal(t, tc.status, status)
		})
	}
}

func TestNodeAndEdgeLines(t *testing.T) {
	ds := labFiles(t)
	id := "<plain.edd705@client.lab.mailpath.test>"
	status, body := call(t, ds, http.MethodGet, "/node",
		url.Values{"messageId": {id}, "host": {"host:filter1"}})
	require.Equal(t, http.StatusOK, status, string(body))
	var lines []lineJSON
	require.NoError(t, json.Unmarshal(body, &lines))
	require.NotEmpty(t, lines)
	for _, l := range lines {
		require.Equal(t, "filter1", l.Host)
	}
	status, body = call(t, ds, http.MethodGet, "/edge",
		url.Values{"messageId": {id}, "source": {"host:mx1"}, "target": {"host:filter1"}})
	require.Equal(t, http.StatusOK, status, string(body))
	require.NoError(t, json.Unmarshal(body, &lines))
	require.NotEmpty(t, lines)
	require.Equal(t, "mx1", lines[0].Host, "the hand-off line of the sender comes first")
	require.Contains(t, lines[0].Line, "queued as")
}

func TestHostsFromLokiAreTheHostLabelsValues(t *testing.T) {
	srv := lokitest.NewServer(t, lokitest.Options{})
	at := time.Now().Add(-time.Minute)
	for _, h := range []string{"mx2", "mx1", "store"} {
		srv.Push("", map[string]string{"job": "syslog", "host": h, "app": "postfix/qmgr"},
			lokitest.Entry{Time: at, Line: "4F2A1C0123: removed"})
	}
	ds := newDS(t, map[string]any{"lokiUrl": srv.URL}, nil)
	status, body := call(t, ds, http.MethodGet, "/hosts", nil)
	require.Equal(t, http.StatusOK, status, string(body))
	var hosts []string
	require.NoError(t, json.Unmarshal(body, &hosts))
	require.Equal(t, []string{"mx1", "mx2", "store"}, hosts)
}

func TestResourceErrorsSayWhoseFault(t *testing.T) {
	srv := lokitest.NewServer(t, lokitest.Options{})
	ds := newDS(t, map[string]any{"lokiUrl": srv.URL}, nil)
	srv.FailNext(10, http.StatusInternalServerError, "boom", "")
	status, _ := call(t, ds, http.MethodGet, "/hosts", nil)
	require.Equal(t, http.StatusBadGateway, status, "Loki's 500")
	broken := newDS(t, map[string]any{"source": "loki"}, nil)
	status, _ = call(t, broken, http.MethodGet, "/hosts", nil)
	require.Equal(t, http.StatusServiceUnavailable, status, "a data source not set up")
	for _, p := range []string{"/../../etc/passwd", "/hosts/../../etc/shadow", "//hosts"} {
		status, _ = call(t, labFiles(t), http.MethodGet, p, nil)
		require.Equal(t, http.StatusNotFound, status, p)
	}
}
