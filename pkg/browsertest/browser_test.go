package browsertest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
	"github.com/mailpath/mailpath/pkg/plugintest"
)

// root is the repository, from this package's directory.
var root, _ = filepath.Abs(filepath.Join("..", ".."))

// pluginBin is the plugin executable TestMain builds once for every test.
var pluginBin string

func TestMain(m *testing.M) {
	code := func() int {
		if os.Getenv("MAILPATH_BROWSER") == "" {
			return m.Run() // every test skips; no build for nothing
		}
		dir, err := os.MkdirTemp("", "mailpath-browsertest")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		pluginBin, err = plugintest.Build(dir, "./pkg", plugintest.Executable)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// The lab run with deliberate deviations and the routes that judge it.
var (
	deviationsDir = filepath.Join(root, "lab", "deviations")
	labRoutes     = filepath.Join(deviationsDir, "lab.yaml")
)

// scenario is the deviation run's message whose four recipients show every mark: one on its
// route, one through a skipped stage, one through the wrong host, one stuck.
const scenario = "mixed-deviation"

// wrongHost is the filter of the lab's wrong-host deviation: no stage of lab.yaml names it.
const wrongHost = "filter3"

// skippedStage is the node of the stage the skip-filter deviation's recipient went around.
const skippedStage = "expected:filter"

// Budgets of the 500-node map, in milliseconds of that browser's clock.
const (
	renderBudget = 200
	clickBudget  = 200
)

// labDir is the lab run to draw: a fresh one when scripts/test.sh made it, else the
// recorded deviation run.
func labDir() string {
	if out := os.Getenv("MAILPATH_LAB_OUT"); out != "" {
		return out
	}
	return deviationsDir
}

// dataSource is a file-source data source on logFile, judged by the lab's routes.
func dataSource(t *testing.T, uid, logFile string) plugintest.Settings {
	routes, err := os.ReadFile(labRoutes)
	require.NoError(t, err)
	raw, err := json.Marshal(map[string]any{"source": "files", "logFiles": []string{logFile},
		"routesYaml": string(routes)})
	require.NoError(t, err)
	return plugintest.Settings{UID: uid, Name: "Mailpath " + uid, JSONData: raw,
		Updated: time.Now()}
}

// span is the query's time range: wide enough for the recorded run and a fresh one.
var span = struct{ from, to time.Time }{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Now().UTC().Add(48 * time.Hour)}

// traceAnswer runs a trace query for messageID with output (all or graph) and returns the
// answer as Grafana's /api/ds/query would send it to the browser: the SDK's JSON of the
// decoded Arrow frames.
func traceAnswer(t *testing.T, host *plugintest.Host, ds plugintest.Settings,
	messageID, output string) (plugintest.Response, []byte) {
	model, err := json.Marshal(map[string]any{"refId": "A", "queryType": "trace",
		"messageId": messageID, "output": output, "datasource": map[string]string{"uid": ds.UID}})
	require.NoError(t, err)
	resp, err := host.QueryData(context.Background(), ds, plugintest.Query{RefID: "A",
		QueryType: "trace", JSON: model, From: span.from, To: span.to})
	require.NoError(t, err)
	a := resp["A"]
	require.Empty(t, a.Error)
	body, err := json.Marshal(backend.QueryDataResponse{Responses: backend.Responses{
		"A": {Frames: a.Frames, Status: backend.Status(a.Status)}}})
	require.NoError(t, err)
	return a, body
}

func nodeCount(t *testing.T, a plugintest.Response) int {
	for _, f := range a.Frames {
		if f.Name == "nodes" {
			return f.Rows()
		}
	}
	t.Fatal("no nodes frame in the answer")
	return 0
}

// TestPathMapShowsTheLabDeviations draws the deviation run's mixed message from the real
// plugin's frames and checks what the page shows against the lab's key and raw log: every
// mark, the wrong host's own log lines in its drawer, and the key's recipients.
func TestPathMapShowsTheLabDeviations(t *testing.T) {
	needBrowser(t)
	dir := labDir()
	key, err := labkey.Load(filepath.Join(dir, "key.json"))
	require.NoError(t, err)
	name := scenario
	sc, ok := key.Scenario(name)
	require.True(t, ok, "scenario %s in %s", name, dir)
	require.Contains(t, deviationScenarios(t, dir), name)
	logFile := filepath.Join(dir, "mail-rfc5424.log")
	want := hostLines(t, logFile, wrongHost, queueIDs(sc, wrongHost))
	require.NotEmpty(t, want, "the key sends %s through %s", name, wrongHost)

	host := plugintest.Start(t, pluginBin)
	ds := dataSource(t, "lab", logFile)
	p := servePage(t, host, ds)
	// With the events frame the drawer shows that frame's lines; with the graph alone it
	// asks the lines resource, through this page, for them. Both must show the log. The
	// second case runs in the light theme, so both themes are drawn.
	var cases []browserCase
	for _, output := range []string{"all", "graph"} {
		_, body := traceAnswer(t, host, ds, sc.MessageID, output)
		c := browserCase{Name: name + " output=" + output,
			Frames: p.answer("lab-"+output+".json", body),
			From:   span.from.Format(time.RFC3339), To: span.to.Format(time.RFC3339),
			Click: "host:" + wrongHost, Statuses: []string{"taken", "missed", "wrong", "stopped"}}
		cases = append(cases, c)
	}
	// The README's pictures come from this test; a run refreshes them only when asked
	// (MAILPATH_SCREENSHOTS=docs/img), so that testing leaves the tree clean.
	shots := os.Getenv("MAILPATH_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	cases[0].Screenshot = filepath.Join(shots, "pathmap.png")
	cases[0].DrawerShot = filepath.Join(shots, "pathmap-drawer.png")
	t.Logf("screenshots: %s and %s", cases[0].Screenshot, cases[0].DrawerShot)
	cases[1].Theme, cases[1].Name = "light", cases[1].Name+" theme=light"
	recipients := make([]string, 0, len(sc.Recipients))
	for _, r := range sc.Recipients {
		recipients = append(recipients, r.Address)
	}
	for i, got := range runBrowser(t, p.URL, cases...) {
		t.Logf("timing: lab %s, %d nodes: render-to-ready %.1f ms, click-to-drawer %.1f ms, "+
			"click-to-lines %.1f ms", cases[i].Name, len(got.Nodes), got.RenderMs, got.DrawerMs,
			got.LinesMs)
		require.Equal(t, wantMarks(sc), got.marks(), cases[i].Name)
		requireDrawerLines(t, want, got.DrawerLines)
		require.ElementsMatch(t, recipients, summaryAddresses(got.Summary, sc),
			"summary: %s", got.Summary)
	}
	// Only the graph-only case has to ask; whatever asks, asks for the clicked host.
	calls := p.called("lines?")
	require.NotEmpty(t, calls, "the graph-only case asks the lines resource")
	for _, c := range calls {
		require.Contains(t, c, "node=host%3A"+wrongHost)
	}
}

// wantMarks are the statuses the key implies for the scenario's hosts, with the skipped
// stage: a host where a recipient ended neither delivered nor relayed is where mail stopped,
// the wrong-host deviation's filter is wrong, every other host of a path was taken.
func wantMarks(sc *labkey.Scenario) map[string]string {
	out := map[string]string{skippedStage: "missed"}
	for _, r := range sc.Recipients {
		for _, h := range r.Path {
			if out["host:"+h] == "" {
				out["host:"+h] = "taken"
			}
		}
		if h := "host:" + wrongHost; slices.Contains(r.Path, wrongHost) {
			out[h] = "wrong"
		}
	}
	for _, r := range sc.Recipients {
		switch r.Disposition {
		case labkey.Delivered, labkey.Relayed:
		default:
			out["host:"+r.Path[len(r.Path)-1]] = "stopped"
		}
	}
	return out
}

// deviationScenarios lists the scenario names of a run's deviations.json.
func deviationScenarios(t *testing.T, dir string) []string {
	raw, err := os.ReadFile(filepath.Join(dir, "deviations.json"))
	require.NoError(t, err)
	var d struct {
		Scenarios []struct{ Name string } `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal(raw, &d))
	var out []string
	for _, s := range d.Scenarios {
		out = append(out, s.Name)
	}
	return out
}

// queueIDs are the queue IDs the key gives the scenario's copies on host.
func queueIDs(sc *labkey.Scenario, host string) []string {
	var out []string
	for _, r := range sc.Recipients {
		if q := r.QueueIDs[host]; q != "" && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out
}

// hostLines reads the RFC 5424 log itself, not through the engine, and keeps the lines host
// logged about one of qids: "<pri>1 time host program ...  QID: text".
func hostLines(t *testing.T, logFile, host string, qids []string) []string {
	f, err := os.Open(logFile)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 8 || fields[2] != host {
			continue
		}
		if slices.Contains(qids, strings.TrimSuffix(fields[7], ":")) {
			out = append(out, sc.Text())
		}
	}
	require.NoError(t, sc.Err())
	return out
}

// requireDrawerLines holds the drawer to the lines of the log: one row per line, each
// showing its raw line. Order is left out: the drawer lists lines in causal order, which
// may differ from the file's where two hosts' clocks do.
func requireDrawerLines(t *testing.T, want, rows []string) {
	t.Helper()
	require.Len(t, rows, len(want), "drawer rows:\n%s", strings.Join(rows, "\n"))
	left := slices.Clone(rows)
	for _, line := range want {
		i := slices.IndexFunc(left, func(row string) bool { return strings.Contains(row, line) })
		require.GreaterOrEqual(t, i, 0, "no drawer row shows %q; rows:\n%s", line,
			strings.Join(rows, "\n"))
		left = slices.Delete(left, i, i+1)
	}
}

var address = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+`)

// summaryAddresses are the addresses the summary shows, each once, but the sender's and
// the Message-ID, which looks like one.
func summaryAddresses(summary string, sc *labkey.Scenario) []string {
	summary = strings.ReplaceAll(summary, sc.MessageID, "")
	var out []string
	for _, a := range address.FindAllString(summary, -1) {
		if a != sc.Sender && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// TestPathMapOfFiveHundredNodesIsQuick traces one message to enough recipients that its map
// has over 500 nodes, through the same plugin binary, and holds the page to its budgets:
// ready within renderBudget of the render's start, the drawer open within clickBudget of a
// click on a host.
func TestPathMapOfFiveHundredNodesIsQuick(t *testing.T) {
	needBrowser(t)
	logFile := filepath.Join(t.TempDir(), "big-rfc5424.log")
	big := writeBigTrace(t, logFile, 480, 40)
	host := plugintest.Start(t, pluginBin)
	ds := dataSource(t, "big", logFile)
	a, body := traceAnswer(t, host, ds, big.messageID, "graph")
	nodes := nodeCount(t, a)
	require.GreaterOrEqual(t, nodes, 500)
	// The warm-up: a map of the same shape with six recipients, drawn first.
	smallFile := filepath.Join(t.TempDir(), "small-rfc5424.log")
	small := writeBigTrace(t, smallFile, 4, 2)
	_, smallBody := traceAnswer(t, host, dataSource(t, "small", smallFile), small.messageID,
		"graph")
	p := servePage(t, host, ds)
	got := runBrowser(t, p.URL, browserCase{Name: "500 nodes", Frames: p.answer("big.json", body),
		From: span.from.Format(time.RFC3339), To: span.to.Format(time.RFC3339),
		Click: "host:" + big.clickHost, Renders: 3, Warmup: p.answer("small.json", smallBody),
		PanCheck: true,
		Profile:  os.Getenv("MAILPATH_BROWSER_PROFILE")})[0]

	line := fmt.Sprintf("timing: %d nodes, %d edges near the view: render-to-ready %.1f ms "+
		"(budget %d), "+
		"click-to-drawer %.1f ms (budget %d), click-to-lines %.1f ms", len(got.Nodes),
		got.Edges, got.RenderMs, renderBudget, got.DrawerMs, clickBudget, got.LinesMs)
	t.Log(line)
	t.Logf("%d drags brought host:%s into the panel before the click", got.Pans, big.clickHost)
	t.Logf("timing: the warm-up render of a 11-node map before it, in the page just loaded: "+
		"%.1f ms", got.WarmupMs)
	t.Logf("timing: renders in a row: %.1f ms; first render's main thread: script %.1f ms, "+
		"style %.1f ms, layout %.1f ms, all tasks %.1f ms", got.Renders,
		got.FirstRender["ScriptDuration"], got.FirstRender["RecalcStyleDuration"],
		got.FirstRender["LayoutDuration"], got.FirstRender["TaskDuration"])
	require.Len(t, got.Nodes, nodes, "the page draws every node of the frames")
	require.True(t, got.EscapeClosed, "Escape closes the drawer")
	require.NotEmpty(t, got.FarNode, "a 500-node map opens with far nodes as outlines")
	require.True(t, got.FarLabelled, "%s, dragged into view in %d drags, is drawn whole",
		got.FarNode, got.FarPans)
	requireDrawerLines(t, big.lines[big.clickHost], got.DrawerLines)
	require.Less(t, got.RenderMs, float64(renderBudget), line)
	require.Less(t, got.DrawerMs, float64(clickBudget), line)
}
