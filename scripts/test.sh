#!/usr/bin/env bash
# test.sh — every test Mailpath has, on a fresh Debian 12 machine, as root.
#
# Installs the lab's Debian packages, runs the real Postfix lab into a fresh
# directory, then runs the Go tests against both the bundled recording and
# that fresh run (the plugin among them, driven over go-plugin gRPC), builds
# the plugin's backend with mage and its frontend with npm (with the front
# end's own tests), the race detector on the concurrent file reader, and the
# 1 GiB trace-versus-grep budget.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*"; }

step "lab packages"
lab/lab.sh install >/tmp/mailpath-apt.log 2>&1 || {
	tail -n 30 /tmp/mailpath-apt.log
	exit 1
}

step "go modules"
go mod download

step "real lab run"
out=$(mktemp -d /tmp/mailpath-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
lab/lab.sh run "$out/lab"
export MAILPATH_LAB_OUT="$out/lab"

step "ingestion configs (rsyslog live on loopback, promtail and Alloy statically)"
provisioning/ingestion/check.sh

step "docker-compose.yaml (validated without an engine)"
command -v docker-compose >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/dev/null
docker-compose -f docker-compose.yaml config -q

step "vet"
go vet ./...

step "tests"
go test -count=1 ./...

step "plugin: backend with the SDK's mage targets, frontend with npm"
go tool mage -v build:linux
scripts/front.sh
for f in dist/gpx_mailpath_linux_amd64 dist/module.js dist/plugin.json \
	dist/panel/module.js dist/panel/plugin.json dist/panel/img/logo.svg; do
	[[ -s $f ]] || { echo "test.sh: the plugin build left no $f" >&2; exit 1; }
done

# Debian's Chromium, since Playwright's own browser downloads are not reachable from CI;
# playwright-core came with npm ci above. The test prints its timings as "timing:" lines.
step "path map in Chromium: the panel on the deviation run's frames, and 500 nodes timed"
for p in chromium chromium-driver; do
	dpkg -s "$p" >/dev/null 2>&1 ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$p" >/tmp/mailpath-apt.log 2>&1 || {
			tail -n 30 /tmp/mailpath-apt.log
			exit 1
		}
done
npx tsc -p tests/browser/tsconfig.json
npx webpack -c tests/browser/webpack.config.ts --stats errors-warnings
MAILPATH_BROWSER=1 go test -count=1 -v ./pkg/browsertest/ |
	grep -vE '^\s+log\.go:[0-9]+: ' | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'

step "race detector on the file source and engine"
go test -count=1 -race ./pkg/logsource/... ./pkg/trace/...

step "budgets, each alone: 1 GiB trace versus grep -F (2x, 200 MiB), Loki client time (10%)"
MAILPATH_BUDGET=1 go test -count=1 -run TestClientTimeUnderATenthOfServer -v \
	./pkg/logsource/lokisource/ | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
MAILPATH_BUDGET=1 go test -count=1 -run TestTraceVersusGrep -v ./pkg/cmd/mailpath/ |
	grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
