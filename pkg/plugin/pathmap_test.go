package plugin

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
)

// labRuns are the lab runs bundled with their answer keys.
var labRuns = []string{recorded, filepath.Join("..", "..", "lab", "deviations")}

func runFiles(t *testing.T, run string, extra map[string]any) *Datasource {
	settings := map[string]any{"source": "files",
		"logFiles": []string{filepath.Join(run, "mail-rfc5424.log")}}
	for k, v := range extra {
		settings[k] = v
	}
	return newDS(t, settings, nil)
}

// traced runs one trace query and returns its frames by name.
func traced(t *testing.T, ds *Datasource, q map[string]any) map[string]*data.Frame {
	t.Helper()
	q["queryType"] = "trace"
	r := query(t, ds, q).Responses["Q0"]
	require.NoError(t, r.Error)
	out := map[string]*data.Frame{}
	for _, f := range r.Frames {
		require.NotContains(t, out, f.Name)
		out[f.Name] = f
		requireSameLengths(t, f)
	}
	return out
}

// requireSameLengths holds a frame's fields to one length: Grafana rejects
// a frame whose columns differ.
func requireSameLengths(t *testing.T, f *data.Frame) {
	t.Helper()
	for _, field := range f.Fields {
		require.Equal(t, f.Fields[0].Len(), field.Len(), "frame %s field %s", f.Name, field.Name)
	}
}

// wireSummary reads the nodes frame's meta.custom as it goes over the wire.
func wireSummary(t *testing.T, nodes *data.Frame) (summary, map[string]any) {
	t.Helper()
	raw, err := json.Marshal(nodes)
	require.NoError(t, err)
	var typed struct {
		Schema struct {
			Meta struct {
				Custom struct {
					Mailpath summary `json:"mailpath"`
				} `json:"custom"`
			} `json:"meta"`
		} `json:"schema"`
	}
	require.NoError(t, json.Unmarshal(raw, &typed))
	var loose struct {
		Schema struct {
			Meta struct {
				Custom map[string]map[string]any `json:"custom"`
			} `json:"meta"`
		} `json:"schema"`
	}
	require.NoError(t, json.Unmarshal(raw, &loose))
	require.Contains(t, loose.Schema.Meta.Custom, "mailpath")
	return typed.Schema.Meta.Custom.Mailpath, loose.Schema.Meta.Custom["mailpath"]
}

func loadKey(t *testing.T, run string) *labkey.Key {
	key, err := labkey.Load(filepath.Join(run, "key.json"))
	require.NoError(t, err)
	return key
}

// keyFQDN is the name Postfix logs as relay= for a key's host.
func keyFQDN(t *testing.T, key *labkey.Key, name string) string {
	h, ok := key.Host(name)
	require.True(t, ok, "key host %s", name)
	return h.FQDN
}

// TestSummaryTellsTheKeysFates traces every scenario of both lab runs and
// holds the nodes frame's summary to the key: the message, and for every
// final recipient its alias, disposition, folder and relay.
func TestSummaryTellsTheKeysFates(t *testing.T) {
	for _, run := range labRuns {
		key, ds := loadKey(t, run), runFiles(t, run, nil)
		for _, sc := range key.Scenarios {
			t.Run(filepath.Base(run)+"/"+sc.Name, func(t *testing.T) {
				frames := traced(t, ds, seedOf(sc))
				s, _ := wireSummary(t, frames["nodes"])
				require.Equal(t, 1, s.Version)
				require.Equal(t, "mp", s.DatasourceUID)
				require.Len(t, s.Messages, 1)
				m := s.Messages[0]
				require.Equal(t, sc.Sender, m.From)
				if sc.SMTP.Accepted {
					require.Equal(t, sc.Subject, m.Subject)
				}
				if !stoppedAtEntry(sc) {
					require.Equal(t, sc.MessageID, m.MessageID)
				}
				require.NotEmpty(t, m.First)
				require.Len(t, m.Recipients, len(sc.Recipients))
				for _, want := range sc.Recipients {
					got := findRecipient(t, m.Recipients, want.Address)
					requireFate(t, key, want, got)
				}
			})
		}
	}
}

// seedOf names a scenario's message as the engine can find it: by its
// entry queue ID when the MX accepted it, else by its one recipient.
func seedOf(sc labkey.Scenario) map[string]any {
	if sc.SMTP.QueueID != "" {
		return map[string]any{"queueId": sc.EntryHost + ":" + sc.SMTP.QueueID}
	}
	return map[string]any{"recipient": sc.Recipients[0].Address}
}

// stoppedAtEntry tells a message refused or thrown away before the entry
// MX's cleanup logged its Message-ID: the key knows it, the log does not.
// Neither does it log the Subject of mail refused before DATA.
func stoppedAtEntry(sc labkey.Scenario) bool {
	for _, r := range sc.Recipients {
		stopped := r.Disposition == labkey.Rejected || r.Disposition == labkey.Discarded
		if !stopped || len(r.Path) > 1 {
			return false
		}
	}
	return true
}

func findRecipient(t *testing.T, list []recipientSummary, addr string) recipientSummary {
	for _, r := range list {
		if r.Address == addr {
			return r
		}
	}
	t.Fatalf("no recipient %s in the summary", addr)
	return recipientSummary{}
}

func requireFate(t *testing.T, key *labkey.Key, want labkey.Recipient, got recipientSummary) {
	t.Helper()
	require.Equal(t, string(want.Disposition), got.Disposition, want.Address)
	require.Equal(t, want.OrigTo, got.OrigTo, want.Address)
	require.Equal(t, want.Folder, got.Folder, want.Address)
	if want.Disposition == labkey.Relayed {
		require.Equal(t, keyFQDN(t, key, want.RelayHost), got.Relay, want.Address)
	}
	if want.ReasonContains != "" {
		require.Contains(t, got.Reason, want.ReasonContains, want.Address)
	}
	require.Empty(t, got.Route+got.Why+got.Verdict+got.Sentence, "no routes are set")
}

// TestSummaryHasTheContractsKeys spells the wire names out, as the panel
// reads them, also for an answer without traces.
func TestSummaryHasTheContractsKeys(t *testing.T) {
	frames := traced(t, labFiles(t), map[string]any{"messageId": "<nothing@nowhere>"})
	s, loose := wireSummary(t, frames["nodes"])
	require.ElementsMatch(t, []string{"version", "datasourceUid", "partial", "reasons",
		"unparsed", "messages"}, slices.Collect(maps.Keys(loose)))
	require.Equal(t, []any{}, loose["messages"], "zero traces: an empty list, not null")
	require.Equal(t, []any{}, loose["reasons"])
	require.Equal(t, 0, frames["nodes"].Rows())
	require.Equal(t, 1, s.Version)

	frames = traced(t, labFiles(t), map[string]any{
		"messageId": "<plain.edd705@client.lab.mailpath.test>"})
	_, loose = wireSummary(t, frames["nodes"])
	m := loose["messages"].([]any)[0].(map[string]any)
	require.ElementsMatch(t, []string{"messageId", "from", "subject", "first", "last",
		"recipients"}, slices.Collect(maps.Keys(m)))
	r := m["recipients"].([]any)[0].(map[string]any)
	require.ElementsMatch(t, []string{"address", "origTo", "disposition", "mailbox", "folder",
		"relay", "reason", "route", "why", "verdict", "sentence"}, slices.Collect(maps.Keys(r)))
}

// TestNodesCarryStageAndRecipients: every host of a key recipient's path,
// and its mailbox, lists the recipient; the fixed stages are named.
func TestNodesCarryStageAndRecipients(t *testing.T) {
	key := loadKey(t, recorded)
	for _, name := range []string{"multi", "alias", "spam"} {
		sc, ok := key.Scenario(name)
		require.True(t, ok)
		nodes := traced(t, labFiles(t), map[string]any{"messageId": sc.MessageID})["nodes"]
		ids, stages := column(t, nodes, "id"), column(t, nodes, "stage")
		rcpts := column(t, nodes, "recipients")
		on := func(id string) []string {
			i := indexOfString(ids, id)
			require.GreaterOrEqual(t, i, 0, "%s: node %s", name, id)
			return strings.Split(rcpts[i], ", ")
		}
		for _, rc := range sc.Recipients {
			for _, h := range rc.Path {
				require.Contains(t, on("host:"+h), rc.Address, "%s: host %s", name, h)
			}
			switch rc.Disposition {
			case labkey.Delivered:
				id := "mailbox:" + rc.Address + "/" + rc.Folder
				require.Contains(t, on(id), rc.Address)
				require.Equal(t, "mailbox", stages[indexOfString(ids, id)])
			case labkey.Relayed:
				id := "relay:" + keyFQDN(t, key, rc.RelayHost)
				require.Contains(t, on(id), rc.Address)
				require.Equal(t, "outside world", stages[indexOfString(ids, id)])
			}
		}
		for i, id := range ids {
			switch {
			case strings.HasPrefix(id, "client:"):
				require.Equal(t, "sender side", stages[i])
				require.Len(t, on(id), len(sc.Recipients))
			case strings.HasPrefix(id, "host:"):
				require.Empty(t, stages[i], "no routes, no route stage")
			}
		}
	}
}

// TestRoutesNameTheStagesAndVerdicts uses the routes of the route test: mx1
// stands at stage mx, store at store, and bob's verdict is deviated.
func TestRoutesNameTheStagesAndVerdicts(t *testing.T) {
	ds := runFiles(t, recorded, map[string]any{"routesYaml": deviatingRoutes})
	frames := traced(t, ds, map[string]any{
		"messageId": "<plain.edd705@client.lab.mailpath.test>"})
	nodes := frames["nodes"]
	ids, stages := column(t, nodes, "id"), column(t, nodes, "stage")
	stage := func(id string) string { return stages[indexOfString(ids, id)] }
	require.Equal(t, "mx", stage("host:mx1"))
	require.Equal(t, "store", stage("host:store"))
	for _, id := range ids {
		if exp, ok := strings.CutPrefix(id, "expected:"); ok {
			require.Equal(t, exp, stage(id))
		}
	}
	s, _ := wireSummary(t, nodes)
	r := findRecipient(t, s.Messages[0].Recipients, "bob@store.lab.mailpath.test")
	require.Equal(t, "inbound-store", r.Route)
	require.Equal(t, "deviated", r.Verdict)
	require.Contains(t, r.Why, "store.lab.mailpath.test", "the route matched by domain")
	// The bare comparison: the route and the verdict have their own keys.
	require.NotEmpty(t, r.Sentence)
	require.NotContains(t, r.Sentence, "inbound-store")
}

// TestEventsNameTheirNodeAndEdge holds every line of every scenario to the
// graph: its node is its host's, its edge one the edges frame has, and each
// hand-off of the key is documented by the lines that name the key's queue
// IDs.
func TestEventsNameTheirNodeAndEdge(t *testing.T) {
	for _, run := range labRuns {
		key, ds := loadKey(t, run), runFiles(t, run, nil)
		for _, sc := range key.Scenarios {
			t.Run(filepath.Base(run)+"/"+sc.Name, func(t *testing.T) {
				frames := traced(t, ds, map[string]any{"messageId": sc.MessageID})
				ev := frames["events"]
				edgeIDs := column(t, frames["edges"], "id")
				hosts, nodes := column(t, ev, "host"), column(t, ev, "node")
				edges := column(t, ev, "edge")
				for i := range edges {
					require.Equal(t, "host:"+hosts[i], nodes[i])
					if edges[i] != "" {
						require.Contains(t, edgeIDs, edges[i])
					}
				}
				requireHandOffLines(t, ev, sc)
			})
		}
	}
}

// requireHandOffLines: for each hop A -> B of a key path whose queue ID at
// B the key knows, A's delivery line saying "queued as" it, and B's lines
// of that queue ID that open it, are on edge host:A->host:B.
func requireHandOffLines(t *testing.T, ev *data.Frame, sc labkey.Scenario) {
	lines, qids, kinds := column(t, ev, "line"), column(t, ev, "queue_id"), column(t, ev, "kind")
	hosts, edges := column(t, ev, "host"), column(t, ev, "edge")
	for _, rc := range sc.Recipients {
		for i := 1; i < len(rc.Path); i++ {
			a, b := rc.Path[i-1], rc.Path[i]
			qid := rc.QueueIDs[b]
			if qid == "" || a == b {
				continue
			}
			id := "host:" + a + "->host:" + b
			sent, opened := false, false
			for j := range lines {
				switch {
				case hosts[j] == a && strings.Contains(lines[j], "queued as "+qid):
					require.Equal(t, id, edges[j], lines[j])
					sent = true
				case hosts[j] == b && qids[j] == qid && kinds[j] == "client":
					require.Equal(t, id, edges[j], lines[j])
					opened = true
				}
			}
			require.True(t, sent && opened, "%s: lines of %s", rc.Address, id)
		}
	}
}

// TestUnparsedLinesComeLast adds two damaged lines naming the plain
// scenario's Message-ID: one with a syslog header, one without.
func TestUnparsedLinesComeLast(t *testing.T) {
	logText, err := os.ReadFile(filepath.Join(recorded, "mail-rfc5424.log"))
	require.NoError(t, err)
	id := "<plain.edd705@client.lab.mailpath.test>"
	damaged := "<22>1 2026-12-03T11:41:22.800000+00:00 mx1 postfix-mx1/smtp 1 - -  " +
		"\x01" + id + "\n\x01\x02 " + id + "\n"
	p := filepath.Join(t.TempDir(), "mail.log")
	require.NoError(t, os.WriteFile(p, append(logText, damaged...), 0o644))
	ds := newDS(t, map[string]any{"source": "files", "logFiles": []string{p}}, nil)
	frames := traced(t, ds, map[string]any{"messageId": id})
	ev := frames["events"]
	kinds, nodes, edges := column(t, ev, "kind"), column(t, ev, "node"), column(t, ev, "edge")
	hosts := column(t, ev, "host")
	first := slices.Index(kinds, "unparsed")
	require.GreaterOrEqual(t, first, 0, "the damaged lines are listed")
	for i := first; i < len(kinds); i++ {
		require.Equal(t, "unparsed", kinds[i], "unparsed lines come last")
		require.Empty(t, edges[i])
		require.Equal(t, hostNodeID(hosts[i]), nodes[i])
	}
	require.Equal(t, []string{"host:mx1", ""}, nodes[first:], "a known host is its node")
	s, _ := wireSummary(t, frames["nodes"])
	require.Equal(t, len(kinds)-first, s.Unparsed)
}

// TestLinesOfAMailboxEdge asks the lines resource for each delivered key
// recipient's mailbox edge: the delivery line of that recipient is there,
// on the last host of its path, and every line answered is on that edge.
func TestLinesOfAMailboxEdge(t *testing.T) {
	key, ds := loadKey(t, recorded), labFiles(t)
	for _, name := range []string{"plain", "multi", "alias"} {
		sc, ok := key.Scenario(name)
		require.True(t, ok)
		for _, rc := range sc.Recipients {
			if rc.Disposition != labkey.Delivered {
				continue
			}
			last := rc.Path[len(rc.Path)-1]
			id := "host:" + last + "->mailbox:" + rc.Address + "/" + rc.Folder
			lines := getLines(t, ds, url.Values{"messageId": {sc.MessageID}, "edge": {id}})
			found := false
			for _, l := range lines {
				require.Equal(t, id, l.Edge)
				require.Equal(t, last, l.Host)
				require.Equal(t, "host:"+last, l.Node)
				if l.Kind == "delivery" && l.To == rc.Address && l.Status == "sent" {
					found = true
					require.Equal(t, "2.0.0", l.DSN)
					require.Contains(t, l.Line, "dsn="+l.DSN)
					require.Contains(t, l.Line, "delays="+l.Delays)
					require.Positive(t, l.Delay)
				}
			}
			require.True(t, found, "%s: the delivery line of %s", name, rc.Address)
		}
	}
}

// TestLinesOfANodeAreTheEventsOfItsHost: the lines resource answers for a
// node exactly the events frame's lines of that node.
func TestLinesOfANodeAreTheEventsOfItsHost(t *testing.T) {
	id := "<multi.2e3c71@client.lab.mailpath.test>"
	ev := traced(t, labFiles(t), map[string]any{"messageId": id})["events"]
	var want []string
	nodes, lines := column(t, ev, "node"), column(t, ev, "line")
	for i := range nodes {
		if nodes[i] == "host:filter2" {
			want = append(want, lines[i])
		}
	}
	require.NotEmpty(t, want)
	var got []string
	for _, l := range getLines(t, labFiles(t), url.Values{"messageId": {id},
		"node": {"host:filter2"}}) {
		got = append(got, l.Line)
	}
	require.Equal(t, want, got)
}

func getLines(t *testing.T, ds *Datasource, params url.Values) []lineJSON {
	t.Helper()
	status, body := call(t, ds, http.MethodGet, "/lines", params)
	require.Equal(t, http.StatusOK, status, string(body))
	var lines []lineJSON
	require.NoError(t, json.Unmarshal(body, &lines))
	return lines
}

func TestLinesValidateTheirParameters(t *testing.T) {
	id := "<plain.edd705@client.lab.mailpath.test>"
	cases := []struct {
		name   string
		params url.Values
		want   string
	}{
		{"neither node nor edge", url.Values{"messageId": {id}}, "exactly one"},
		{"both node and edge", url.Values{"messageId": {id}, "node": {"host:mx1"},
			"edge": {"host:mx1->host:filter1"}}, "exactly one"},
		{"no messageId", url.Values{"node": {"host:mx1"}}, "messageId"},
		{"an overlong node", url.Values{"messageId": {id},
			"node": {strings.Repeat("x", maxParam+1)}}, "parameter node"},
		{"control characters", url.Values{"messageId": {id},
			"edge": {"host:mx1\n->host:filter1"}}, "parameter edge"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, labFiles(t), http.MethodGet, "/lines", tc.params)
			require.Equal(t, http.StatusBadRequest, status)
			require.Contains(t, string(body), tc.want)
		})
	}
	status, _ := call(t, labFiles(t), http.MethodPost, "/lines",
		url.Values{"messageId": {id}, "node": {"host:mx1"}})
	require.Equal(t, http.StatusMethodNotAllowed, status)
}

// TestEventsOnlyStillNameEdges: an events-only answer draws no graph frames
// but marks the same edges.
func TestEventsOnlyStillNameEdges(t *testing.T) {
	q := map[string]any{"messageId": "<plain.edd705@client.lab.mailpath.test>"}
	all := traced(t, labFiles(t), q)
	q["output"] = "events"
	only := traced(t, labFiles(t), q)
	require.NotContains(t, only, "nodes")
	require.Equal(t, column(t, all["events"], "edge"), column(t, only["events"], "edge"))
}

// TestOldResourcesKeepTheirShape: the node and edge resources still answer
// string values only, and the edge resource the lines resource's lines of
// that edge, the sender's first.
func TestOldResourcesKeepTheirShape(t *testing.T) {
	ds := labFiles(t)
	id := "<plain.edd705@client.lab.mailpath.test>"
	status, body := call(t, ds, http.MethodGet, "/edge", url.Values{"messageId": {id},
		"source": {"mx1"}, "target": {"host:filter1"}})
	require.Equal(t, http.StatusOK, status, string(body))
	var old []map[string]string
	require.NoError(t, json.Unmarshal(body, &old), "strings only")
	var want []string
	for _, l := range getLines(t, ds, url.Values{"messageId": {id},
		"edge": {"host:mx1->host:filter1"}}) {
		want = append(want, l.Line)
	}
	require.NotEmpty(t, want)
	var got []string
	for _, l := range old {
		got = append(got, l["line"])
	}
	require.ElementsMatch(t, want, got)
	require.Equal(t, "mx1", old[0]["host"])
}

// TestTraceQueryKeepsTheLinesOfOneNode checks the filter the path map's link
// to Explore uses: the lines of filter3 for the mixed-deviation message are
// the raw log's filter3 lines that name the key's queue ID there.
func TestTraceQueryKeepsTheLinesOfOneNode(t *testing.T) {
	run := labRuns[1]
	key := loadKey(t, run)
	sc, ok := key.Scenario("mixed-deviation")
	require.True(t, ok)
	var qid, entry string
	for _, r := range sc.Recipients {
		if q := r.QueueIDs["filter3"]; q != "" {
			qid, entry = q, r.Path[0]
		}
	}
	require.NotEmpty(t, qid, "the key knows the copy's queue ID on filter3")
	raw, err := os.ReadFile(filepath.Join(run, "mail-rfc5424.log"))
	require.NoError(t, err)
	var want []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.Contains(l, " filter3 ") && strings.Contains(l, qid+":") {
			want = append(want, l)
		}
	}
	require.NotEmpty(t, want)
	ev := traced(t, runFiles(t, run, nil), map[string]any{"messageId": sc.MessageID,
		"output": "events", "node": "host:filter3"})["events"]
	require.ElementsMatch(t, want, column(t, ev, "line"))
	hop := "host:" + entry + "->host:filter3"
	edge := traced(t, runFiles(t, run, nil), map[string]any{"messageId": sc.MessageID,
		"output": "events", "edge": hop})["events"]
	require.NotEmpty(t, column(t, edge, "line"))
	for _, e := range column(t, edge, "edge") {
		require.Equal(t, hop, e)
	}
}
