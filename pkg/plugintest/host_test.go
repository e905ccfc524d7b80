package plugintest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/plugintest"
)

// exampleBin is the example plugin, built once for the whole test binary by TestMain.
var exampleBin string

func TestMain(m *testing.M) {
	os.Exit(runWithExample(m))
}

func runWithExample(m *testing.M) int {
	dir, err := os.MkdirTemp("", "plugintest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)

	const pkg = "./pkg/plugintest/testdata/exampleplugin"
	exampleBin, err = plugintest.Build(dir, pkg, "gpx_example")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	return m.Run()
}

func example(t *testing.T) string {
	t.Helper()

	return exampleBin
}

func settings() plugintest.Settings {
	return plugintest.Settings{
		ID:                      7,
		UID:                     "loki-a",
		Name:                    "Loki A",
		JSONData:                json.RawMessage(`{"host":"mx1"}`),
		DecryptedSecureJSONData: map[string]string{"apiKey": "secret"},
		Updated:                 time.UnixMilli(1_700_000_000_000),
	}
}

func TestStartHandshake(t *testing.T) {
	h := plugintest.Start(t, example(t))

	require.NotZero(t, h.PID())
	require.False(t, h.Exited())
	require.NotNil(t, h.Data)
	require.NotNil(t, h.Resource)
	require.NotNil(t, h.Diagnostics)
	require.NotNil(t, h.Stream)
}

func TestHandshakeIsGrafanas(t *testing.T) {
	require.Equal(t, uint(2), plugintest.Handshake.ProtocolVersion)
	require.Equal(t, "grafana_plugin_type", plugintest.Handshake.MagicCookieKey)
	require.Equal(t, "datasource", plugintest.Handshake.MagicCookieValue)

	// Without the cookie go-plugin refuses to serve: only a host that knows it gets a plugin.
	out, err := exec.Command(example(t)).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Contains(t, string(out), "This binary is a plugin")
}

func TestStartPassesEnv(t *testing.T) {
	t.Setenv("MAILPATH_EXAMPLE", "from the test process")
	t.Setenv("MAILPATH_INHERITED", "inherited")
	h := plugintest.Start(t, example(t), "MAILPATH_EXAMPLE=from Start")

	tests := []struct{ name, want string }{
		{name: "MAILPATH_EXAMPLE", want: "from Start"},
		{name: "MAILPATH_INHERITED", want: "inherited"},
		{name: "PLUGIN_PROTOCOL_VERSIONS", want: "2"},
	}
	for _, tt := range tests {
		_, body, err := h.CallResource(context.Background(), settings(), "GET", "env/"+tt.name, nil)
		require.NoError(t, err)
		require.Equal(t, tt.want, string(body), tt.name)
	}
}

func TestStartWithAutoMTLS(t *testing.T) {
	h := plugintest.StartWith(t, plugintest.Options{Binary: example(t), AutoMTLS: true})

	res, err := h.CheckHealth(context.Background(), settings())
	require.NoError(t, err)
	require.Equal(t, pluginv2.CheckHealthResponse_OK, res.GetStatus())
}

func TestCheckHealth(t *testing.T) {
	h := plugintest.Start(t, example(t))
	withoutKey := settings()
	withoutKey.UID = "loki-b"
	withoutKey.DecryptedSecureJSONData = nil

	tests := []struct {
		name     string
		settings plugintest.Settings
		status   pluginv2.CheckHealthResponse_HealthStatus
		message  string
		details  string
	}{
		{
			name:     "reports ok with the settings it was given",
			settings: settings(),
			status:   pluginv2.CheckHealthResponse_OK,
			message:  "Loki A ready, host mx1",
			details:  `{"host":"mx1"}`,
		},
		{
			name:     "reports an error result when the secret is missing",
			settings: withoutKey,
			status:   pluginv2.CheckHealthResponse_ERROR,
			message:  "apiKey is missing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.CheckHealth(context.Background(), tt.settings)
			require.NoError(t, err)

			require.Equal(t, tt.status, res.GetStatus())
			require.Equal(t, tt.message, res.GetMessage())
			if tt.details != "" {
				require.JSONEq(t, tt.details, string(res.GetJsonDetails()))
			}
		})
	}
}

func TestQueryData(t *testing.T) {
	h := plugintest.Start(t, example(t))
	from := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	res, err := h.QueryData(context.Background(), settings(),
		plugintest.Query{JSON: []byte(`{"rows":3}`), From: from, To: from.Add(time.Hour)},
		plugintest.Query{RefID: "bad", QueryType: "fail"},
	)
	require.NoError(t, err)
	require.Len(t, res, 2)

	frames := res["A"].Frames
	require.Empty(t, res["A"].Error)
	require.Len(t, frames, 1)
	frame := frames[0]
	require.Equal(t, "hops", frame.Name)
	require.Equal(t, "A", frame.RefID)
	require.Equal(t, 3, frame.Rows())

	require.Equal(t, []string{"time", "host", "delay_ms"}, fieldNames(frame))
	require.Equal(t, []data.FieldType{
		data.FieldTypeTime, data.FieldTypeString, data.FieldTypeNullableFloat64,
	}, fieldTypes(frame))
	require.Equal(t, from.Add(2*time.Second), frame.Fields[0].At(2).(time.Time).UTC())
	require.Equal(t, "mx1-1", frame.Fields[1].At(1))
	require.Equal(t, data.Labels{"role": "mx"}, frame.Fields[1].Labels)
	require.Nil(t, frame.Fields[2].At(1))
	require.InDelta(t, 3.0, *frame.Fields[2].At(2).(*float64), 0)

	require.Equal(t, "query type fail always fails", res["bad"].Error)
	require.Equal(t, 400, res["bad"].Status)
	require.Empty(t, res["bad"].Frames)
}

func fieldNames(f *data.Frame) []string {
	names := make([]string, len(f.Fields))
	for i, field := range f.Fields {
		names[i] = field.Name
	}

	return names
}

func fieldTypes(f *data.Frame) []data.FieldType {
	types := make([]data.FieldType, len(f.Fields))
	for i, field := range f.Fields {
		types[i] = field.Type()
	}

	return types
}

func TestCallResource(t *testing.T) {
	h := plugintest.Start(t, example(t))

	tests := []struct {
		name   string
		method string
		target string
		body   string
		status int
		want   string
		isJSON bool
	}{
		{
			name:   "echoes method, path without slash and body",
			method: "POST",
			target: "/labels?start=1",
			body:   `{"q":1}`,
			status: 200,
			want:   `{"method":"POST","path":"labels","body":"{\"q\":1}","name":"Loki A"}`,
			isJSON: true,
		},
		{
			name:   "keeps the status the plugin sends",
			method: "GET",
			target: "status/418",
			status: 418,
			want:   "418",
		},
		{
			name:   "joins a body sent in several parts",
			method: "GET",
			target: "chunks",
			status: 200,
			want:   "one,two,three",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := h.CallResource(context.Background(), settings(),
				tt.method, tt.target, []byte(tt.body))
			require.NoError(t, err)

			require.Equal(t, tt.status, status)
			if tt.isJSON {
				require.JSONEq(t, tt.want, string(body))
			} else {
				require.Equal(t, tt.want, string(body))
			}
		})
	}
}

func TestRunStream(t *testing.T) {
	h := plugintest.Start(t, example(t))
	ctx := context.Background()
	pctx := settings().PluginContext()

	sub, err := h.Stream.SubscribeStream(ctx, &pluginv2.SubscribeStreamRequest{
		PluginContext: pctx, Path: "tail/abc",
	})
	require.NoError(t, err)
	require.Equal(t, pluginv2.SubscribeStreamResponse_OK, sub.GetStatus())

	stream, err := h.Stream.RunStream(ctx, &pluginv2.RunStreamRequest{
		PluginContext: pctx, Path: "tail/abc",
	})
	require.NoError(t, err)

	var got []int64
	for {
		packet, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)

		frame := new(data.Frame)
		require.NoError(t, json.Unmarshal(packet.GetData(), frame))
		require.Equal(t, "tail/abc", frame.Fields[0].At(0))
		got = append(got, frame.Fields[1].At(0).(int64))
	}
	require.Equal(t, []int64{0, 1, 2}, got)
}

func TestCleanupKillsPlugin(t *testing.T) {
	bin := example(t)
	var pid int

	t.Run("plugin runs while the test runs", func(t *testing.T) {
		h := plugintest.Start(t, bin)
		pid = h.PID()

		require.NotZero(t, pid)
		require.NoError(t, syscall.Kill(pid, 0))
	})

	// The subtest's cleanup has run: go-plugin has stopped and reaped the process.
	require.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH)
}

func TestKillTwice(t *testing.T) {
	h := plugintest.Start(t, example(t))

	h.Kill()
	require.True(t, h.Exited())
	h.Kill()
}
