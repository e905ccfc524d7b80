package plugin

import (
	"context"
	"fmt"
	"sort"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/trace"
)

// handleTopology answers topology queries: every host and every hop seen in
// the time range, as node-graph frames. Main stat: messages; secondary stat:
// the share of recipients deferred, bounced or rejected there.
func (ds *Datasource) handleTopology(ctx context.Context, req *backend.QueryDataRequest) (
	*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = ds.topologyOne(ctx, q)
	}
	return resp, nil
}

func (ds *Datasource) topologyOne(ctx context.Context, q backend.DataQuery) backend.DataResponse {
	src, err := ds.source()
	if err != nil {
		return badRequest(err)
	}
	res, err := src.Find(ctx, logsource.Query{Terms: []logsource.Term{{}},
		Since: q.TimeRange.From, Until: q.TimeRange.To})
	if err != nil {
		return failure(err)
	}
	m := newSystemMap()
	for _, t := range trace.Build(res.Events) {
		m.add(t)
	}
	nodes, edges := m.frames()
	if res.Partial {
		nodes.Meta.Notices = append(nodes.Meta.Notices, data.Notice{
			Severity: data.NoticeSeverityWarning, Text: "The answer is partial: " + res.Reason})
	}
	return backend.DataResponse{Frames: data.Frames{nodes, edges}}
}

// tally counts messages and failed recipients at a host or on a hop.
type tally struct {
	messages map[*trace.Trace]bool
	rcpts    int
	failed   int
}

func (t *tally) add(tr *trace.Trace, failed bool) {
	if t.messages == nil {
		t.messages = map[*trace.Trace]bool{}
	}
	t.messages[tr] = true
	t.rcpts++
	if failed {
		t.failed++
	}
}

// systemMap is the whole system's real map over a time range.
type systemMap struct {
	hosts map[string]*tally
	hops  map[[2]string]*tally
}

func newSystemMap() *systemMap {
	return &systemMap{hosts: map[string]*tally{}, hops: map[[2]string]*tally{}}
}

func (m *systemMap) add(t *trace.Trace) {
	for _, r := range t.Recipients {
		failed := r.Disposition == trace.DispositionDeferred ||
			r.Disposition == trace.DispositionBounced || r.Disposition == trace.DispositionRejected
		for i, h := range r.Path {
			m.at(h).add(t, failed && i == len(r.Path)-1)
			if i > 0 {
				m.hop(r.Path[i-1], h).add(t, failed && i == len(r.Path)-1)
			}
		}
	}
}

func (m *systemMap) at(h string) *tally {
	if m.hosts[h] == nil {
		m.hosts[h] = &tally{}
	}
	return m.hosts[h]
}

func (m *systemMap) hop(a, b string) *tally {
	k := [2]string{a, b}
	if m.hops[k] == nil {
		m.hops[k] = &tally{}
	}
	return m.hops[k]
}

func share(t *tally) string {
	if t.rcpts == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f%% deferred/bounced/rejected", 100*float64(t.failed)/float64(t.rcpts))
}

func (m *systemMap) frames() (*data.Frame, *data.Frame) {
	var ids, titles, seconds []string
	var mains []float64
	hosts := make([]string, 0, len(m.hosts))
	for h := range m.hosts {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		t := m.hosts[h]
		ids, titles = append(ids, "host:"+h), append(titles, h)
		mains, seconds = append(mains, float64(len(t.messages))), append(seconds, share(t))
	}
	nodes := data.NewFrame("nodes", data.NewField("id", nil, ids),
		data.NewField("title", nil, titles),
		data.NewField("mainstat", nil, mains).SetConfig(&data.FieldConfig{Unit: "messages"}),
		data.NewField("secondarystat", nil, seconds))
	nodes.SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeNodeGraph})
	var eids, srcs, dsts, eseconds []string
	var emains []float64
	keys := make([][2]string, 0, len(m.hops))
	for k := range m.hops {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		t := m.hops[k]
		eids = append(eids, "host:"+k[0]+"->host:"+k[1])
		srcs, dsts = append(srcs, "host:"+k[0]), append(dsts, "host:"+k[1])
		emains, eseconds = append(emains, float64(len(t.messages))), append(eseconds, share(t))
	}
	edges := data.NewFrame("edges", data.NewField("id", nil, eids),
		data.NewField("source", nil, srcs), data.NewField("target", nil, dsts),
		data.NewField("mainstat", nil, emains).SetConfig(&data.FieldConfig{Unit: "messages"}),
		data.NewField("secondarystat", nil, eseconds))
	edges.SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeNodeGraph})
	return nodes, edges
}
