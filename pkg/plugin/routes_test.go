package plugin

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
)

// deviatingRoutes expects the plain scenario's mail (to store) through
// filter2 only, then a scanning stage on host scanner that the lab has not:
// its real path mx1 -> filter1 -> store has a wrong hop and a missed stage
// (which of the two stages filter1 stands at, the comparison decides).
const deviatingRoutes = `
routes:
  - name: inbound-store
    match: {recipient_domain: store.lab.mailpath.test}
    stages:
      - {name: mx, hosts: [mx1, mx2]}
      - {name: filter, hosts: [filter2]}
      - {name: scan, hosts: [scanner]}
      - {name: store, hosts: [store]}
    expect: delivered
`

func TestTraceFramesCarryTheRouteComparison(t *testing.T) {
	ds := newDS(t, map[string]any{"source": "files",
		"logFiles":   []string{filepath.Join(recorded, "mail-rfc5424.log")},
		"routesYaml": deviatingRoutes}, nil)
	resp := query(t, ds, map[string]any{"queryType": "trace",
		"messageId": "<plain.edd705@client.lab.mailpath.test>", "output": "graph"})
	r := resp.Responses["Q0"]
	require.NoError(t, r.Error)
	nodes, edges := frameByName(t, r.Frames, "nodes"), frameByName(t, r.Frames, "edges")
	requireNodeGraphShape(t, nodes, edges)
	status := map[string]string{}
	ids, marks, colors := column(t, nodes, "id"), column(t, nodes, "status"),
		column(t, nodes, "color")
	for i, id := range ids {
		status[id] = marks[i]
	}
	require.Equal(t, "wrong", status["host:filter1"], "no stage allows filter1")
	require.Equal(t, colorWrong, colors[indexOfString(ids, "host:filter1")])
	require.Equal(t, "taken", status["host:mx1"])
	require.Equal(t, "taken", status["host:store"])
	var missed []string
	for id, mark := range status {
		if mark == "missed" {
			missed = append(missed, id)
		}
	}
	require.Len(t, missed, 1, "one of the filter and scan stages was not taken")
	exp := missed[0]
	require.Contains(t, []string{"expected:filter", "expected:scan"}, exp)
	require.Equal(t, colorMissed, colors[indexOfString(ids, exp)])
	src, dst := column(t, edges, "source"), column(t, edges, "target")
	dash, emarks := column(t, edges, "strokeDasharray"), column(t, edges, "status")
	around := 0
	for i := range src {
		if dst[i] == exp || src[i] == exp {
			require.Equal(t, dashMissed, dash[i])
			require.Equal(t, "missed", emarks[i])
			around++
		}
	}
	require.Equal(t, 2, around, "a dashed edge into the missed stage and one out of it")
	require.NotEmpty(t, nodes.Meta.Notices)
	require.Contains(t, nodes.Meta.Notices[len(nodes.Meta.Notices)-1].Text,
		"bob@store.lab.mailpath.test: route inbound-store (recipient domain")
	require.Contains(t, nodes.Meta.Notices[len(nodes.Meta.Notices)-1].Text, "deviated")
}

func TestBadRoutesFailTheHealthCheck(t *testing.T) {
	ds := newDS(t, map[string]any{"source": "files",
		"logFiles":   []string{filepath.Join(recorded, "mail-rfc5424.log")},
		"routesYaml": "routes:\n  - name: x\n    stages: []\n"}, nil)
	require.Error(t, ds.settingsErr)
	require.Contains(t, ds.settingsErr.Error(), "routesYaml:")
}

// TestTopologyCountsEveryHop draws the whole lab: every host the key names
// as logged is a node, and every hop of every recipient's path an edge
// carrying at least as many messages as the key's scenarios that took it.
func TestTopologyCountsEveryHop(t *testing.T) {
	key, err := labkey.Load(filepath.Join(recorded, "key.json"))
	require.NoError(t, err)
	resp := query(t, labFiles(t), map[string]any{"queryType": "topology"})
	r := resp.Responses["Q0"]
	require.NoError(t, r.Error)
	nodes, edges := r.Frames[0], r.Frames[1]
	ids := column(t, nodes, "id")
	for _, h := range key.Hosts {
		if h.Logged {
			require.Contains(t, ids, "host:"+h.Name)
		}
	}
	want := map[string]int{}
	for _, sc := range key.Scenarios {
		seen := map[string]bool{}
		for _, rc := range sc.Recipients {
			for i := 1; i < len(rc.Path); i++ {
				seen["host:"+rc.Path[i-1]+"->host:"+rc.Path[i]] = true
			}
		}
		for k := range seen {
			want[k]++
		}
	}
	eids := column(t, edges, "id")
	mains, _ := edges.FieldByName("mainstat")
	for k, n := range want {
		i := indexOfString(eids, k)
		require.GreaterOrEqual(t, i, 0, "edge %s", k)
		require.GreaterOrEqual(t, int(mains.At(i).(float64)), n, "messages on %s", k)
	}
}

func indexOfString(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return -1
}
