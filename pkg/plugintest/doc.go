// Package plugintest is a Grafana-side test host for backend plugins: it launches a built
// plugin executable the way Grafana does, through hashicorp/go-plugin with the SDK's
// handshake and plugin set over gRPC, and hands tests the typed pluginv2 clients plus helpers
// that build plugin contexts, decode Arrow frames and collect resource streams.
//
// A test builds the plugin once with [BuildPlugin] (or [BuildPackage] for another main
// package), starts it with [Start] and calls it:
//
//	bin := plugintest.BuildPlugin(t)
//	h := plugintest.Start(t, bin)
//	res, err := h.CheckHealth(ctx, plugintest.Settings{UID: "loki-a", Name: "Loki A"})
//
// The process is killed when the test ends, through tb.Cleanup.
package plugintest
