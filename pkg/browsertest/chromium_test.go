package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium is the browser the script drives: Debian's, which scripts/test.sh installs, since
// the test machines cannot download Playwright's own browser builds.
const chromium = "/usr/bin/chromium"

// browserCase is one rendering the script makes (tests/browser/pathmap.mjs documents it).
type browserCase struct {
	Name       string   `json:"name"`
	Frames     string   `json:"frames"`
	From       string   `json:"from"`
	To         string   `json:"to"`
	Click      string   `json:"click"`
	Statuses   []string `json:"statuses,omitempty"`
	Screenshot string   `json:"screenshot,omitempty"`
	// DrawerShot is where to save a picture of the drawer open after the click.
	DrawerShot string `json:"drawerShot,omitempty"`
	Theme      string `json:"theme,omitempty"`
	Renders    int    `json:"renders,omitempty"`
	Profile    string `json:"profile,omitempty"`
	// Warmup is the URL of other frames the page draws once, untimed, before the timed
	// render: in Grafana the panel's and @grafana/ui's code has run before a big trace
	// arrives, and a cold page would time the browser compiling that code.
	Warmup string `json:"warmup,omitempty"`
	// PanCheck drags a node drawn as a bare outline (far from the view) into the panel and
	// reports whether it is then drawn whole.
	PanCheck bool `json:"panCheck,omitempty"`
	// Foreign says the frames are not Mailpath's: the page waits for the panel to say so.
	Foreign bool `json:"foreign,omitempty"`
}

// seen is what the script saw and measured in one case.
type seen struct {
	Name     string    `json:"name"`
	RenderMs float64   `json:"renderMs"`
	Renders  []float64 `json:"renders"`
	// WarmupMs is the untimed warm-up render's own time, 0 without one.
	WarmupMs float64 `json:"warmupMs"`
	// FarNode, FarPans and FarLabelled are what PanCheck found: the node, the drags it
	// took, and whether the node had its text once in view.
	FarNode     string `json:"farNode"`
	FarPans     int    `json:"farPans"`
	FarLabelled bool   `json:"farLabelled"`
	// EscapeClosed says the drawer went away on Escape (checked with PanCheck).
	EscapeClosed bool `json:"escapeClosed"`
	// ForeignText is the panel's message for foreign frames; Maps counts the maps drawn.
	ForeignText string `json:"foreignText"`
	Maps        int    `json:"maps"`
	// FirstRender is Chromium's split of the first render's work, in ms: ScriptDuration,
	// RecalcStyleDuration, LayoutDuration and TaskDuration (all of the main thread's tasks).
	FirstRender map[string]float64 `json:"firstRender"`
	DrawerMs    float64            `json:"drawerMs"`
	LinesMs     float64            `json:"linesMs"`
	Pans        int                `json:"pans"`
	Nodes       []shownNode        `json:"nodes"`
	Edges       int                `json:"edges"`
	Summary     string             `json:"summary"`
	DrawerLines []string           `json:"drawerLines"`
	Problems    []string           `json:"problems"`
	Errors      []string           `json:"errors"`
}

// shownNode is a node as the DOM shows it: its data-id and data-status.
type shownNode struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// marks are the statuses of the host and expected-stage nodes, by node id.
func (s seen) marks() map[string]string {
	out := map[string]string{}
	for _, n := range s.Nodes {
		if strings.HasPrefix(n.ID, "host:") || strings.HasPrefix(n.ID, "expected:") {
			out[n.ID] = n.Status
		}
	}
	return out
}

// needBrowser skips unless MAILPATH_BROWSER is set, since the harness must be built first,
// and then fails on anything missing rather than skipping: CI sets it and must run.
func needBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv("MAILPATH_BROWSER") == "" {
		t.Skip("MAILPATH_BROWSER is not set: build tests/browser and set it, " +
			"as scripts/test.sh does")
	}
	for _, f := range []string{chromium,
		filepath.Join(root, "tests", "browser", "dist", "harness.js"),
		filepath.Join(root, "node_modules", "playwright-core", "package.json")} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("browser test: %v (scripts/test.sh installs and builds what it needs)", err)
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("browser test: %v", err)
	}
	if pluginBin == "" {
		t.Fatal("browser test: the plugin was not built (see TestMain)")
	}
}

// runBrowser runs the script on the cases and returns what it saw, case by case. It fails
// the test when the script cannot run or a case broke the script's own checks.
func runBrowser(t *testing.T, url string, cases ...browserCase) []seen {
	t.Helper()
	spec, err := json.Marshal(map[string]any{"url": url, "cases": cases})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	script := filepath.Join(root, "tests", "browser", "pathmap.mjs")
	cmd := exec.CommandContext(ctx, "node", script, string(spec))
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var out struct{ Cases []seen }
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("running %s: %v; decoding its output: %v\nstdout: %s\nstderr: %s",
			script, runErr, err, stdout.String(), stderr.String())
	}
	for _, c := range out.Cases {
		for _, e := range c.Errors {
			t.Logf("%s: page said: %s", c.Name, e)
		}
	}
	if runErr != nil {
		t.Fatalf("running %s: %v\n%s", script, runErr, stderr.String())
	}
	if len(out.Cases) != len(cases) {
		t.Fatalf("running %s: %d cases asked, %d answered", script, len(cases), len(out.Cases))
	}
	return out.Cases
}
