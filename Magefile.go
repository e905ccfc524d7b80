//go:build mage

// Magefile builds the Mailpath backend with the SDK's targets. Run it through the module's tool
// dependency, so a fresh machine needs only Go: `go tool mage -l` lists the targets,
// `go tool mage -v` builds every platform and `go tool mage -v build:linux` builds
// dist/gpx_mailpath_linux_amd64 alone.
package main

import (
	// mage:import
	"github.com/grafana/grafana-plugin-sdk-go/build"
)

// Default builds the backend for every platform Grafana runs plugins on.
var Default = build.BuildAll

// init points the SDK at the plugin.json in the repository root. The SDK looks in src/, the
// create-plugin layout, unless a before-build callback sets PluginJSONPath; the main package
// stays at ./pkg and the binaries in dist/, both the SDK's defaults.
//
// The callback also runs for the manifest with a zero Config, so it must not touch Env. The
// SDK's reloadPlugin and debugger targets ignore the callback and read src/plugin.json only.
func init() {
	_ = build.SetBeforeBuildCallback(func(cfg build.Config) (build.Config, error) {
		cfg.PluginJSONPath = "."
		return cfg, nil
	})
}
