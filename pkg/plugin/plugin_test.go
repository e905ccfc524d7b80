package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
	"github.com/mailpath/mailpath/pkg/loki"
	"github.com/mailpath/mailpath/pkg/loki/lokitest"
)

var recorded = filepath.Join("..", "..", "lab", "recorded")

func newDS(t *testing.T, jsonData map[string]any, secure map[string]string) *Datasource {
	t.Helper()
	raw, err := json.Marshal(jsonData)
	require.NoError(t, err)
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{
		UID: "mp", Name: "Mailpath", JSONData: raw, DecryptedSecureJSONData: secure})
	require.NoError(t, err)
	return inst.(*Datasource)
}

func labFiles(t *testing.T) *Datasource {
	return newDS(t, map[string]any{"source": "files",
		"logFiles": []string{filepath.Join(recorded, "mail-rfc5424.log")}}, nil)
}

// labRange covers the recorded lab run.
var labRange = backend.TimeRange{From: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
	To: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)}

func query(t *testing.T, ds *Datasource, queries ...map[string]any) *backend.QueryDataResponse {
	t.Helper()
	req := &backend.QueryDataRequest{}
	for i, q := range queries {
		raw, err := json.Marshal(q)
		require.NoError(t, err)
		qt, _ := q["queryType"].(string)
		req.Queries = append(req.Queries, backend.DataQuery{RefID: fmt.Sprint("Q", i),
			QueryType: qt, JSON: raw, TimeRange: labRange})
	}
	resp, err := ds.QueryData(context.Background(), req)
	require.NoError(t, err)
	return resp
}

func frameByName(t *testing.T, frames data.Frames, name string) *data.Frame {
	for _, f := range frames {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no frame %q", name)
	return nil
}

func column(t *testing.T, f *data.Frame, name string) []string {
	field, _ := f.FieldByName(name)
	require.NotNil(t, field, "field %s of frame %s", name, f.Name)
	out := make([]string, field.Len())
	for i := range out {
		out[i] = fmt.Sprint(field.At(i))
	}
	return out
}

// TestTraceFramesDrawTheKeysPaths traces every accepted lab scenario and
// checks the node-graph frames against the lab's key: a node per host on each
// recipient's path, an edge per hand-off, a mailbox node for each delivery,
// and no edge whose ends are not nodes.
func TestTraceFramesDrawTheKeysPaths(t *testing.T) {
	key, err := labkey.Load(filepath.Join(recorded, "key.json"))
	require.NoError(t, err)
	ds := labFiles(t)
	for _, sc := range key.Scenarios {
		if !sc.SMTP.Accepted || sc.Name == "discard" {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			resp := query(t, ds, map[string]any{"queryType": "trace", "messageId": sc.MessageID})
			r := resp.Responses["Q0"]
			require.NoError(t, r.Error)
			nodes, edges := frameByName(t, r.Frames, "nodes"), frameByName(t, r.Frames, "edges")
			requireNodeGraphShape(t, nodes, edges)
			ids := column(t, nodes, "id")
			src, dst := column(t, edges, "source"), column(t, edges, "target")
			for _, rc := range sc.Recipients {
				for i, h := range rc.Path {
					require.Contains(t, ids, "host:"+h)
					if i > 0 {
						require.True(t, hasEdge(src, dst, "host:"+rc.Path[i-1], "host:"+h),
							"%s: edge %s -> %s", rc.Address, rc.Path[i-1], h)
					}
				}
				if rc.Disposition == labkey.Delivered {
					require.Contains(t, ids, "mailbox:"+rc.Address+"/"+rc.Folder)
				}
			}
			events := frameByName(t, r.Frames, "events")
			require.Equal(t, data.VisTypeLogs, string(events.Meta.PreferredVisualization))
			require.Positive(t, events.Rows())
		})
	}
}

func hasEdge(src, dst []string, a, b string) bool {
	for i := range src {
		if src[i] == a && dst[i] == b {
			return true
		}
	}
	return false
}

// requireNodeGraphShape holds Grafana's node-graph rules: the field names,
// string ids, and every edge end a node id.
func requireNodeGraphShape(t *testing.T, nodes, edges *data.Frame) {
	t.Helper()
	for _, name := range []string{"id", "title", "subtitle", "mainstat", "secondarystat",
		"color"} {
		f, _ := nodes.FieldByName(name)
		require.NotNil(t, f, "nodes field %s", name)
		require.Equal(t, data.FieldTypeString, f.Type(), name)
	}
	for _, name := range []string{"id", "source", "target", "mainstat", "color",
		"strokeDasharray"} {
		f, _ := edges.FieldByName(name)
		require.NotNil(t, f, "edges field %s", name)
	}
	require.True(t, slices.ContainsFunc(nodes.Fields, func(f *data.Field) bool {
		return strings.HasPrefix(f.Name, "detail__")
	}))
	require.Equal(t, data.VisTypeNodeGraph, string(nodes.Meta.PreferredVisualization))
	require.Equal(t, data.VisTypeNodeGraph, string(edges.Meta.PreferredVisualization))
	ids := column(t, nodes, "id")
	for _, end := range append(column(t, edges, "source"), column(t, edges, "target")...) {
		require.Contains(t, ids, end)
	}
}

func TestGraphOutputHasNoOtherFrames(t *testing.T) {
	resp := query(t, labFiles(t), map[string]any{"queryType": "trace",
		"messageId": "<plain.edd705@client.lab.mailpath.test>", "output": "graph"})
	frames := resp.Responses["Q0"].Frames
	require.Len(t, frames, 2, "Grafana's Node Graph panel takes any other frame for nodes")
}

// TestOneBadQueryDoesNotFailTheOthers sends a good trace, a trace with two
// seeds, and a query of an unknown type in one request.
func TestOneBadQueryDoesNotFailTheOthers(t *testing.T) {
	resp := query(t, labFiles(t),
		map[string]any{"queryType": "trace",
			"messageId": "<plain.edd705@client.lab.mailpath.test>"},
		map[string]any{"queryType": "trace", "messageId": "<a@b>", "sender": "c@d"},
		map[string]any{"queryType": "metrics"})
	require.NoError(t, resp.Responses["Q0"].Error)
	for _, ref := range []string{"Q1", "Q2"} {
		r := resp.Responses[ref]
		require.Error(t, r.Error, ref)
		require.Equal(t, backend.ErrorSourceDownstream, r.ErrorSource, ref)
	}
}

func TestSearchLinksEachRowToItsTrace(t *testing.T) {
	resp := query(t, labFiles(t), map[string]any{"queryType": "search", "status": "bounced"})
	r := resp.Responses["Q0"]
	require.NoError(t, r.Error)
	f := r.Frames[0]
	require.Equal(t, 1, f.Rows(), "one message of the lab has a bounced recipient")
	id, _ := f.FieldByName("message_id")
	require.Len(t, id.Config.Links, 1)
	require.Equal(t, "mp", id.Config.Links[0].Internal.DatasourceUID)
	seed := column(t, f, "seed")[0]
	traced := query(t, labFiles(t), map[string]any{"queryType": "trace", "queueId": seed})
	require.NoError(t, traced.Responses["Q0"].Error)
	require.Contains(t, column(t, frameByName(t, traced.Responses["Q0"].Frames, "events"),
		"line")[0], ":")
}

// TestQueriesCannotNameFilesOrURLs: a query that carries file paths and a
// URL of its own still reads only what the settings name.
func TestQueriesCannotNameFilesOrURLs(t *testing.T) {
	resp := query(t, labFiles(t), map[string]any{"queryType": "trace", "tag": "root:",
		"logFiles": []string{"/etc/passwd"}, "lokiUrl": "http://127.0.0.1:1",
		"source": "loki"})
	r := resp.Responses["Q0"]
	require.NoError(t, r.Error)
	for _, line := range column(t, frameByName(t, r.Frames, "events"), "line") {
		require.NotContains(t, line, "/bin/")
	}
}

func TestHealthTellsFailuresApart(t *testing.T) {
	srv := lokitest.NewServer(t, lokitest.Options{Tenants: true})
	srv.PushSyslogFile(t, "mail", filepath.Join(recorded, "mail-rfc5424.log"))
	srv.Push("other", map[string]string{"job": "syslog", "hostname": "mx1"},
		lokitest.Entry{Time: time.Now(), Line: "x: y"})
	cases := []struct {
		name string
		json map[string]any
		want string
	}{
		{"a wrong URL", map[string]any{"lokiUrl": "http://127.0.0.1:1",
			"timeoutSeconds": 1}, "is not reachable"},
		{"no tenant where one is needed", map[string]any{"lokiUrl": srv.URL},
			"refused the request (status 401)"},
		{"a wrong tenant", map[string]any{"lokiUrl": srv.URL, "tenant": "nobody"},
			"holds no logs for tenant \"nobody\""},
		{"logs without Mailpath's labels", map[string]any{"lokiUrl": srv.URL,
			"tenant": "other"}, "none with the label \"host\""},
		{"a setting missing", map[string]any{"source": "loki"}, "setting lokiUrl"},
		{"a bad window", map[string]any{"lokiUrl": srv.URL, "window": "soon"},
			"setting window"},
		{"an unreadable file", map[string]any{"source": "files",
			"logFiles": []string{"/nonexistent/mail.log"}}, "/nonexistent/mail.log"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := newDS(t, tc.json, nil).CheckHealth(context.Background(),
				&backend.CheckHealthRequest{})
			require.NoError(t, err)
			require.Equal(t, backend.HealthStatusError, res.Status, res.Message)
			require.Contains(t, res.Message, tc.want)
		})
	}
	res, err := labFiles(t).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	require.NoError(t, err)
	require.Equal(t, backend.HealthStatusOk, res.Status, res.Message)
	require.Contains(t, res.Message, "understood")
}

func TestFailureSources(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want backend.ErrorSource
	}{
		{"Loki's own error", fmt.Errorf("q: %w", &loki.Error{Op: "query_range", Status: 500}),
			backend.ErrorSourceDownstream},
		{"a missing log file", fmt.Errorf("opening: %w", fs.ErrNotExist),
			backend.ErrorSourceDownstream},
		{"a timeout", context.DeadlineExceeded, backend.ErrorSourceDownstream},
		{"anything else", errors.New("bug"), backend.ErrorSourcePlugin},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, failure(tc.err).ErrorSource)
		})
	}
}

// TestTraceOfMailStillOnItsWay traces from Loki a message whose last line is
// a minute old: its follow-up round would start in the future, and must not
// turn into a Loki error.
func TestTraceOfMailStillOnItsWay(t *testing.T) {
	srv := lokitest.NewServer(t, lokitest.Options{})
	at := time.Now().Add(-time.Minute)
	push := func(app, line string) {
		at = at.Add(time.Millisecond)
		srv.Push("", map[string]string{"job": "syslog", "host": "mx1", "app": app},
			lokitest.Entry{Time: at, Line: line, Metadata: map[string]string{"pid": "7"}})
	}
	push("postfix/cleanup", "4F2A1C0123: message-id=<fresh.1@example.org>")
	push("postfix/qmgr", "4F2A1C0123: from=<a@example.org>, size=9, nrcpt=1 (queue active)")
	ds := newDS(t, map[string]any{"lokiUrl": srv.URL}, nil)
	raw, err := json.Marshal(map[string]any{"queryType": "trace",
		"messageId": "<fresh.1@example.org>"})
	require.NoError(t, err)
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{
		Queries: []backend.DataQuery{{RefID: "A", QueryType: "trace", JSON: raw,
			TimeRange: backend.TimeRange{From: time.Now().Add(-time.Hour), To: time.Now()}}}})
	require.NoError(t, err)
	require.NoError(t, resp.Responses["A"].Error)
	require.Contains(t, column(t, frameByName(t, resp.Responses["A"].Frames, "events"),
		"line"), "4F2A1C0123: message-id=<fresh.1@example.org>")
}

func TestQueryTextIsHeldToTheParameterRules(t *testing.T) {
	resp := query(t, labFiles(t),
		map[string]any{"queryType": "trace", "messageId": strings.Repeat("x", 2000)},
		map[string]any{"queryType": "trace", "messageId": "<a\nb@x>"},
		map[string]any{"queryType": "trace", "tag": "   "},
		map[string]any{"queryType": "search", "sender": "a\x00b"})
	for _, ref := range []string{"Q0", "Q1", "Q2", "Q3"} {
		require.Error(t, resp.Responses[ref].Error, ref)
		require.Equal(t, backend.ErrorSourceDownstream, resp.Responses[ref].ErrorSource, ref)
	}
}

func TestHealthRefusesLogsItCannotRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), "not-mail.log")
	require.NoError(t, os.WriteFile(p, []byte("root:x:0:0:root:/root:/bin/bash\n"+
		"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"), 0o644))
	res, err := newDS(t, map[string]any{"source": "files", "logFiles": []string{p}}, nil).
		CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	require.NoError(t, err)
	require.Equal(t, backend.HealthStatusError, res.Status)
	require.Contains(t, res.Message, "none of 2 sampled lines")
}
