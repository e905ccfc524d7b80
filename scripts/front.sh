#!/usr/bin/env bash
# front.sh installs, checks, tests and builds the Grafana frontend of the Mailpath data source
# from a clean clone: dist/ then holds module.js, plugin.json and img/ beside the backend binaries.
# Needs Node 20 or later and npm; the registry is the only network it uses.
set -euo pipefail

cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run typecheck
npm test
npm run build
