package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
	"github.com/mailpath/mailpath/pkg/logsource/file"
	"github.com/mailpath/mailpath/pkg/loki/lokitest"
	"github.com/mailpath/mailpath/pkg/plugintest"
	"github.com/mailpath/mailpath/pkg/trace"
)

var recorded = filepath.Join("..", "lab", "recorded")

func settings(t *testing.T, uid string, jsonData map[string]any) plugintest.Settings {
	raw, err := json.Marshal(jsonData)
	require.NoError(t, err)
	return plugintest.Settings{UID: uid, Name: "Mailpath", JSONData: raw, Updated: time.Now()}
}

func traceQuery(t *testing.T, fields map[string]any) plugintest.Query {
	raw, err := json.Marshal(fields)
	require.NoError(t, err)
	return plugintest.Query{RefID: "A", QueryType: fields["queryType"].(string), JSON: raw,
		From: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		To:   time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)}
}

// TestPluginOverGRPC starts the built plugin as Grafana does (go-plugin
// handshake, gRPC) and drives every endpoint: the health check against a
// good file source and two broken Loki setups, a trace and a search per
// source (files and a Loki speaking Loki's wire format), and a resource.
func TestPluginOverGRPC(t *testing.T) {
	host := plugintest.Start(t, plugintest.BuildPlugin(t))
	ctx := context.Background()
	key, err := labkey.Load(filepath.Join(recorded, "key.json"))
	require.NoError(t, err)
	srv := lokitest.NewServer(t, lokitest.Options{Tenants: true})
	srv.PushSyslogFile(t, "mail", filepath.Join(recorded, "mail-rfc5424.log"))

	files := settings(t, "files", map[string]any{"source": "files",
		"logFiles": []string{filepath.Join(recorded, "mail-rfc5424.log")}})
	lokiDS := settings(t, "loki", map[string]any{"lokiUrl": srv.URL, "tenant": "mail"})
	res, err := host.CheckHealth(ctx, files)
	require.NoError(t, err)
	require.Equal(t, pluginv2.CheckHealthResponse_OK, res.Status, res.Message)
	srv.Push("nolabels", map[string]string{"job": "syslog", "hostname": "mx1"},
		lokitest.Entry{Time: time.Now(), Line: "4F2A1C0123: removed"})
	for _, bad := range []struct{ uid, url, tenant, want string }{
		{"down", "http://127.0.0.1:1", "mail", "is not reachable"},
		{"tenant", srv.URL, "nobody", "holds no logs for tenant"},
		{"labels", srv.URL, "nolabels", "none with the label \"host\""},
	} {
		s := settings(t, bad.uid, map[string]any{"lokiUrl": bad.url, "tenant": bad.tenant,
			"timeoutSeconds": 1})
		res, err := host.CheckHealth(ctx, s)
		require.NoError(t, err)
		require.Equal(t, pluginv2.CheckHealthResponse_ERROR, res.Status)
		require.Contains(t, res.Message, bad.want)
	}

	sc, ok := key.Scenario("multi")
	require.True(t, ok)
	for _, ds := range []plugintest.Settings{files, lokiDS} {
		t.Run(ds.UID, func(t *testing.T) {
			resp, err := host.QueryData(ctx, ds, traceQuery(t, map[string]any{
				"queryType": "trace", "messageId": sc.MessageID}))
			require.NoError(t, err)
			require.Empty(t, resp["A"].Error)
			checkGraph(t, resp["A"].Frames, sc)
			checkEvents(t, resp["A"].Frames, engineEvents(t, sc.MessageID))
			resp, err = host.QueryData(ctx, ds, traceQuery(t, map[string]any{
				"queryType": "search", "status": "bounced"}))
			require.NoError(t, err)
			require.Empty(t, resp["A"].Error)
			require.Equal(t, 1, resp["A"].Frames[0].Rows())
		})
	}

	status, body, err := host.CallResource(ctx, files, http.MethodGet,
		"node?messageId="+sc.MessageID+"&host=host:"+sc.EntryHost, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, string(body))
	var lines []map[string]string
	require.NoError(t, json.Unmarshal(body, &lines))
	require.NotEmpty(t, lines)
	for _, l := range lines {
		require.Equal(t, sc.EntryHost, l["host"])
	}
}

// checkGraph holds the node-graph rules and the key's paths: every edge end
// is a node, and every hop of every recipient's path is an edge.
func checkGraph(t *testing.T, frames data.Frames, sc *labkey.Scenario) {
	var nodes, edges *data.Frame
	for _, f := range frames {
		switch f.Name {
		case "nodes":
			nodes = f
		case "edges":
			edges = f
		}
	}
	require.NotNil(t, nodes)
	require.NotNil(t, edges)
	ids := map[string]bool{}
	idField, _ := nodes.FieldByName("id")
	require.Equal(t, data.FieldTypeString, idField.Type())
	for i := 0; i < idField.Len(); i++ {
		ids[idField.At(i).(string)] = true
	}
	src, _ := edges.FieldByName("source")
	dst, _ := edges.FieldByName("target")
	have := map[string]bool{}
	for i := 0; i < src.Len(); i++ {
		s, d := src.At(i).(string), dst.At(i).(string)
		require.True(t, ids[s], "edge source %s is a node", s)
		require.True(t, ids[d], "edge target %s is a node", d)
		have[s+">"+d] = true
	}
	for _, r := range sc.Recipients {
		for i := 1; i < len(r.Path); i++ {
			k := fmt.Sprintf("host:%s>host:%s", r.Path[i-1], r.Path[i])
			require.True(t, have[k], "%s: edge %s", r.Address, k)
		}
	}
}

// engineEvents traces id in-process with the engine on the lab file and
// counts the lines of the traces and their notifications.
func engineEvents(t *testing.T, id string) int {
	src, err := file.Open([]string{filepath.Join(recorded, "mail-rfc5424.log")},
		file.Options{Location: time.UTC})
	require.NoError(t, err)
	res, err := trace.Run(context.Background(), src, trace.Seed{MessageID: id}, trace.Options{})
	require.NoError(t, err)
	n := 0
	var count func(t *trace.Trace)
	count = func(t *trace.Trace) {
		n += len(t.Events)
		for _, c := range t.Notifications {
			count(c)
		}
	}
	for _, tr := range res.Traces {
		count(tr)
	}
	return n
}

// checkEvents holds the events frame: a logs frame, time first, the raw
// line second, as many lines as the engine's own trace has.
func checkEvents(t *testing.T, frames data.Frames, want int) {
	for _, f := range frames {
		if f.Name != "events" {
			continue
		}
		require.Equal(t, data.VisTypeLogs, string(f.Meta.PreferredVisualization))
		require.Equal(t, data.FieldTypeTime, f.Fields[0].Type())
		require.Equal(t, "line", f.Fields[1].Name)
		require.Equal(t, want, f.Rows())
		return
	}
	t.Fatal("no events frame")
}
