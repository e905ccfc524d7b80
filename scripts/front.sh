#!/usr/bin/env bash
# front.sh installs, checks, lints, tests and builds the Grafana frontends of Mailpath, the data
# source and the path-map panel, from a clean clone: dist/ then holds module.js, plugin.json and
# img/ beside the backend binaries, and the panel in dist/panel/.
# Needs Node 20 or later and npm; the registry is the only network it uses.
set -euo pipefail

cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run typecheck
npm run lint
npm test
npm run build
