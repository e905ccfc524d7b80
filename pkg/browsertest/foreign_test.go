package browsertest

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/plugintest"
)

// nodeGraphOfAnotherSource builds frames in the shape Grafana's TestData source gives its node
// graph scenario: nodes with arcs and details, edges with stats, both marked for the node
// graph, and no Mailpath summary.
func nodeGraphOfAnotherSource(t *testing.T) []byte {
	fixed := func(c string) map[string]any {
		return map[string]any{"mode": "fixed", "fixedColor": c}
	}
	nodes := data.NewFrame("nodes",
		data.NewField("id", nil, []string{"api", "db", "cache"}),
		data.NewField("title", nil, []string{"api", "db", "cache"}),
		data.NewField("subtitle", nil, []string{"service", "postgres", "redis"}),
		data.NewField("mainstat", nil, []float64{120, 40, 300}),
		data.NewField("secondarystat", nil, []string{"2% err", "0% err", "1% err"}),
		data.NewField("arc__success", nil, []float64{0.98, 1, 0.99}).
			SetConfig(&data.FieldConfig{Color: fixed("green")}),
		data.NewField("arc__errors", nil, []float64{0.02, 0, 0.01}).
			SetConfig(&data.FieldConfig{Color: fixed("red")}),
		data.NewField("detail__zone", nil, []string{"a", "b", "a"}))
	edges := data.NewFrame("edges",
		data.NewField("id", nil, []string{"api-db", "api-cache"}),
		data.NewField("source", nil, []string{"api", "api"}),
		data.NewField("target", nil, []string{"db", "cache"}),
		data.NewField("mainstat", nil, []float64{40, 300}))
	for _, f := range []*data.Frame{nodes, edges} {
		f.SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeNodeGraph})
	}
	resp := backend.NewQueryDataResponse()
	resp.Responses["A"] = backend.DataResponse{Frames: data.Frames{nodes, edges}}
	body, err := json.Marshal(resp)
	require.NoError(t, err)
	return body
}

// TestPathMapRefusesAnotherSourcesNodeGraph gives the panel, in Chromium, the node graph of
// another data source: it must say the frames are not Mailpath's and draw no map.
func TestPathMapRefusesAnotherSourcesNodeGraph(t *testing.T) {
	needBrowser(t)
	host := plugintest.Start(t, pluginBin)
	p := servePage(t, host, dataSource(t, "lab", filepath.Join(labDir(), "mail-rfc5424.log")))
	got := runBrowser(t, p.URL, browserCase{Name: "foreign node graph", Foreign: true,
		Frames: p.answer("foreign.json", nodeGraphOfAnotherSource(t)),
		From:   span.from.Format(time.RFC3339), To: span.to.Format(time.RFC3339)})[0]
	require.Contains(t, got.ForeignText, "not made by the Mailpath data source")
	require.Zero(t, got.Maps, "no map is drawn from them")
	require.Empty(t, got.Nodes)
}
