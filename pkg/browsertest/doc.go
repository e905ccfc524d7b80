// Package browsertest is the path-map panel's test in a real browser: the plugin binary
// traces the lab's mail over go-plugin gRPC, a page on 127.0.0.1 renders the panel's React
// component with those frames outside Grafana, and the system's Chromium, driven by
// tests/browser/pathmap.mjs through playwright-core, clicks it and times it.
//
// Its tests run only with MAILPATH_BROWSER=1, after the harness is built
// (npx webpack -c tests/browser/webpack.config.ts), as scripts/test.sh does; the package has
// no code of its own outside them.
package browsertest
