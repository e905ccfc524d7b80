package plugintest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// Host is one running plugin process with a typed gRPC client per service. The clients are
// safe for concurrent use and valid until the test that started the host ends.
type Host struct {
	Data        pluginv2.DataClient
	Resource    pluginv2.ResourceClient
	Diagnostics pluginv2.DiagnosticsClient
	Stream      pluginv2.StreamClient

	client *goplugin.Client
	pid    int
	logs   *testLog
}

// Options says how [StartWith] launches a plugin. Only Binary is required.
type Options struct {
	// Binary is the path of the plugin executable.
	Binary string

	// Env holds extra KEY=value entries. They win over the test process's own
	// environment, which the plugin inherits as it does from Grafana.
	Env []string

	// AutoMTLS makes go-plugin negotiate mutual TLS on the gRPC connection. Grafana leaves
	// it off (its ClientConfig sets no AutoMTLS), so [Start] does too; turn it on to prove
	// the plugin also serves a host that asks for it.
	AutoMTLS bool

	// StartTimeout bounds the wait for the handshake line; zero means 30 seconds.
	StartTimeout time.Duration

	// LogLevel filters what the plugin logs into the test log; zero means hclog.Info.
	LogLevel hclog.Level
}

// Start launches binary as Grafana launches a backend plugin and fails tb if the handshake
// or any dispense fails. env entries are KEY=value pairs as in [Options.Env].
func Start(tb testing.TB, binary string, env ...string) *Host {
	tb.Helper()

	return StartWith(tb, Options{Binary: binary, Env: env})
}

// StartWith launches a plugin with opts and registers its kill with tb.Cleanup, so no
// process outlives the test, not even one whose handshake failed.
func StartWith(tb testing.TB, opts Options) *Host {
	tb.Helper()

	h := &Host{logs: newTestLog(tb)}
	h.client = goplugin.NewClient(clientConfig(opts, h.logs))
	tb.Cleanup(h.kill)

	rpc, err := h.client.Client()
	if err != nil {
		tb.Fatalf("starting plugin: binary=%s: %v", opts.Binary, err)
	}
	if err := h.dispense(rpc); err != nil {
		tb.Fatalf("dispensing plugin clients: binary=%s: %v", opts.Binary, err)
	}
	h.pid = h.client.ReattachConfig().Pid

	return h
}

// PID is the plugin's process id, for tests that check the process is gone after cleanup.
func (h *Host) PID() int {
	return h.pid
}

// Exited reports whether the plugin process has ended.
func (h *Host) Exited() bool {
	return h.client.Exited()
}

// Kill stops the plugin now, as Grafana does on shutdown: it asks go-plugin for a graceful
// exit, force-kills after two seconds and waits for the process to be reaped. The cleanup
// registered by [Start] calls it too; a second call does nothing.
func (h *Host) Kill() {
	h.kill()
}

func (h *Host) kill() {
	h.client.Kill()
	h.logs.close()
}

// clientConfig mirrors Grafana's process-mode ClientConfig (pkg/plugins/backendplugin/
// grpcplugin/client.go): SDK handshake, the SDK's v2 plugin set, gRPC only. Unlike Grafana,
// it skips go-plugin's own copy of the host environment and passes that copy itself, ahead of
// opts.Env, because go-plugin appends the host environment after cmd.Env and would let it
// override what a test sets.
func clientConfig(opts Options, logs *testLog) *goplugin.ClientConfig {
	cmd := exec.Command(opts.Binary)
	cmd.Env = append(os.Environ(), opts.Env...)

	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	level := opts.LogLevel
	if level == hclog.NoLevel {
		level = hclog.Info
	}

	return &goplugin.ClientConfig{
		Cmd:              cmd,
		HandshakeConfig:  Handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: PluginSet()},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		SkipHostEnv:      true,
		AutoMTLS:         opts.AutoMTLS,
		StartTimeout:     timeout,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:   "plugin",
			Level:  level,
			Output: logs,
		}),
	}
}

// Handshake is the go-plugin handshake Grafana and the SDK agree on: protocol version 2 and
// the magic cookie grafana_plugin_type=datasource, taken from the SDK's grpcplugin package.
var Handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  grpcplugin.ProtocolVersion,
	MagicCookieKey:   grpcplugin.MagicCookieKey,
	MagicCookieValue: grpcplugin.MagicCookieValue,
}

// PluginSet returns the SDK's client-side plugins under the names the SDK serves them. Grafana
// also lists admission, conversion and renderer, which v0.300.0 of the SDK no longer has.
func PluginSet() goplugin.PluginSet {
	return goplugin.PluginSet{
		"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
		"resource":    &grpcplugin.ResourceGRPCPlugin{},
		"data":        &grpcplugin.DataGRPCPlugin{},
		"stream":      &grpcplugin.StreamGRPCPlugin{},
	}
}

// dispense takes each service's client from the connection. With gRPC, dispensing never asks
// the plugin: a service the plugin lacks answers Unimplemented on its first call.
func (h *Host) dispense(rpc goplugin.ClientProtocol) error {
	var err error
	if h.Data, err = dispenseAs[pluginv2.DataClient](rpc, "data"); err != nil {
		return err
	}
	if h.Resource, err = dispenseAs[pluginv2.ResourceClient](rpc, "resource"); err != nil {
		return err
	}
	if h.Diagnostics, err = dispenseAs[pluginv2.DiagnosticsClient](rpc, "diagnostics"); err != nil {
		return err
	}
	h.Stream, err = dispenseAs[pluginv2.StreamClient](rpc, "stream")

	return err
}

func dispenseAs[C any](rpc goplugin.ClientProtocol, name string) (C, error) {
	var zero C

	raw, err := rpc.Dispense(name)
	if err != nil {
		return zero, fmt.Errorf("dispensing: name=%s: %w", name, err)
	}
	c, ok := raw.(C)
	if !ok {
		return zero, fmt.Errorf("dispensing: name=%s: unexpected client type %T", name, raw)
	}

	return c, nil
}
