package plugin

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/route"
	"github.com/mailpath/mailpath/pkg/trace"
)

// Colours of the path map: the path taken, a stage expected but not taken,
// a hop the route does not allow, and where mail was dropped or is stuck.
// Grafana's Node Graph panel draws these as they are; Mailpath's panel maps
// the same marks to theme colours.
const (
	colorPath    = "#3274d9" // blue: the path taken
	colorMissed  = "#8fa3bf" // blue-gray, dashed: expected but not taken
	colorWrong   = "#a352cc" // blue-red: a hop the route does not allow
	colorStopped = "#e02f44" // red: where mail was dropped or stuck
	colorOutside = "#8e8e8e" // grey: the world outside the logs
)

// dashMissed is the SVG dash pattern of an expected hop not taken.
const dashMissed = "5 5"

// Marks a node or edge carries in its status field.
const (
	markTaken   = "taken"
	markMissed  = "missed"
	markWrong   = "wrong"
	markStopped = "stopped"
	markOutside = "outside"
)

// graph is the node-graph drawing of some traces: hosts and the outside
// world as nodes, hand-offs as edges.
type graph struct {
	nodes map[string]*node
	order []string
	edges map[string]*edge
	eord  []string
	// verdicts holds each recipient's comparison with its route, when
	// routes are set.
	verdicts map[*trace.Recipient]route.Result
}

type node struct {
	id, title, role string
	queueIDs        []string
	recipients      []string
	dispositions    map[trace.Disposition]int
	stopped         bool
	mark            string
}

type edge struct {
	id, source, target string
	first              time.Time
	delay              float64
	recipients         []string
	status             string
	mark               string
}

func newGraph() *graph {
	return &graph{nodes: map[string]*node{}, edges: map[string]*edge{}}
}

func (g *graph) node(id, title, role string) *node {
	n := g.nodes[id]
	if n == nil {
		n = &node{id: id, title: title, role: role, dispositions: map[trace.Disposition]int{}}
		g.nodes[id] = n
		g.order = append(g.order, id)
	}
	return n
}

func (g *graph) edge(source, target string, at time.Time) *edge {
	id := source + "->" + target
	e := g.edges[id]
	if e == nil {
		e = &edge{id: id, source: source, target: target, first: at}
		g.edges[id] = e
		g.eord = append(g.eord, id)
	}
	if !at.IsZero() && (e.first.IsZero() || at.Before(e.first)) {
		e.first = at
	}
	return e
}

// add draws one trace: a client node before the entry host, a node per host,
// and an end node per recipient (its mailbox and folder, or the outside host
// it was relayed to).
func (g *graph) add(t *trace.Trace) {
	for _, h := range t.Hops {
		n := g.node("host:"+h.Host, h.Host, "host")
		if h.QueueID != "" && !slices.Contains(n.queueIDs, h.QueueID) {
			n.queueIDs = append(n.queueIDs, h.QueueID)
		}
	}
	if entry := t.Hops[0]; entry.Client != "" || entry.ClientAddr != "" {
		c := g.node("client:"+entry.Client+"["+entry.ClientAddr+"]",
			firstNonEmpty(entry.Client, entry.ClientAddr), "sender side")
		g.edge(c.id, "host:"+entry.Host, entry.Arrival()).status = "submitted"
	}
	for _, r := range t.Recipients {
		g.addRecipient(r)
	}
}

func (g *graph) addRecipient(r *trace.Recipient) {
	for i := 1; i < len(r.Hops); i++ {
		from, to := r.Hops[i-1], r.Hops[i]
		if from.Host == to.Host {
			continue // a content filter's re-injection stays on its host's node
		}
		e := g.edge("host:"+from.Host, "host:"+to.Host, to.Arrival())
		e.recipients = appendNew(e.recipients, r.Address)
		e.status = "handed over"
		if d := handOff(from, to); d != nil {
			e.delay = max(e.delay, d.Delay)
		}
	}
	if len(r.Hops) == 0 {
		return
	}
	last := g.node("host:"+r.Hops[len(r.Hops)-1].Host, r.Hops[len(r.Hops)-1].Host, "host")
	last.recipients = appendNew(last.recipients, r.Address)
	last.dispositions[r.Disposition]++
	end := ""
	switch r.Disposition {
	case trace.DispositionDelivered:
		end = g.node("mailbox:"+r.Mailbox+"/"+r.Folder, r.Mailbox,
			"mailbox "+firstNonEmpty(r.Folder, "?")).id
	case trace.DispositionRelayed:
		end = g.node("relay:"+r.Relay, r.Relay, "outside host").id
	default:
		last.stopped = true
	}
	if res, ok := g.verdicts[r]; ok {
		g.applyMarks(r, res)
	}
	if end != "" {
		e := g.edge(last.id, end, r.Time)
		e.recipients = appendNew(e.recipients, r.Address)
		e.status = string(r.Disposition)
		if r.Final != nil {
			e.delay = r.Final.Delay
		}
	}
}

// applyMarks colours what the route comparison says of r's path: hops the
// route does not allow, where the mail stopped, and the stages expected but
// not taken, drawn as nodes of their own with dashed edges around them.
func (g *graph) applyMarks(r *trace.Recipient, res route.Result) {
	prev := ""
	var pendingMiss []route.Mark
	for _, m := range res.Marks {
		id := "host:" + m.Host
		switch m.Kind {
		case route.MarkTaken, route.MarkWrong:
			if m.Kind == route.MarkWrong {
				g.markHost(id, markWrong)
				if e := g.edges[prev+"->"+id]; e != nil {
					e.mark = markWrong
				}
			}
			for _, miss := range pendingMiss {
				g.expected(miss, prev, id, r)
			}
			pendingMiss, prev = nil, id
		case route.MarkMissed:
			pendingMiss = append(pendingMiss, m)
		case route.MarkDropped, route.MarkStuck, route.MarkLost:
			g.markHost(id, markStopped)
		}
	}
	for _, miss := range pendingMiss {
		g.expected(miss, prev, "", r)
	}
}

func (g *graph) markHost(id, mark string) {
	if n := g.nodes[id]; n != nil {
		n.mark = mark
		n.stopped = n.stopped || mark == markStopped
	}
}

// expected draws a stage not taken between the hosts before and after it.
func (g *graph) expected(m route.Mark, before, after string, r *trace.Recipient) {
	n := g.node("expected:"+m.Stage, m.Stage, "expected stage")
	n.mark = markMissed
	n.recipients = appendNew(n.recipients, r.Address)
	for _, pair := range [][2]string{{before, n.id}, {n.id, after}} {
		if pair[0] == "" || pair[1] == "" {
			continue
		}
		e := g.edge(pair[0], pair[1], time.Time{})
		e.mark, e.status = markMissed, "expected, not taken"
		e.recipients = appendNew(e.recipients, r.Address)
	}
}

// handOff returns the delivery line of hop from that names hop to.
func handOff(from, to *trace.Hop) *event.Event {
	for _, ev := range from.Events {
		if ev.Kind == event.KindDelivery && ev.QueuedAs != "" && ev.QueuedAs == to.QueueID {
			return ev
		}
	}
	return nil
}

// frames returns the nodes and edges frames in Grafana's node-graph shape.
// Every edge's source and target is a node id: Grafana's panel throws on an
// unknown one.
func (g *graph) frames() (*data.Frame, *data.Frame) {
	nodes := data.NewFrame("nodes")
	var ids, titles, subtitles, mains, seconds, colors, roles, queues, marks []string
	for _, id := range g.order {
		n := g.nodes[id]
		ids, titles = append(ids, n.id), append(titles, n.title)
		subtitles = append(subtitles, n.role)
		mains = append(mains, strings.Join(n.queueIDs, " "))
		seconds = append(seconds, dispositionSummary(n.dispositions))
		colors = append(colors, nodeColor(n))
		roles = append(roles, n.role)
		marks = append(marks, nodeMark(n))
		queues = append(queues, strings.Join(n.queueIDs, ", "))
	}
	nodes.Fields = append(nodes.Fields,
		data.NewField("id", nil, ids), data.NewField("title", nil, titles),
		data.NewField("subtitle", nil, subtitles), data.NewField("mainstat", nil, mains),
		data.NewField("secondarystat", nil, seconds), data.NewField("color", nil, colors),
		data.NewField("status", nil, marks),
		detail("detail__role", "Role", roles), detail("detail__queue_ids", "Queue IDs", queues))
	nodes.SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeNodeGraph})
	return nodes, g.edgeFrame()
}

func (g *graph) edgeFrame() *data.Frame {
	edges := data.NewFrame("edges")
	var ids, sources, targets, mains, seconds, colors, dashes, statuses, rcpts, marks []string
	for _, id := range g.eord {
		e := g.edges[id]
		marks = append(marks, edgeMark(e))
		ids, sources, targets = append(ids, e.id), append(sources, e.source),
			append(targets, e.target)
		mains = append(mains, stamp(e.first))
		seconds = append(seconds, fmt.Sprintf("%gs", e.delay))
		colors = append(colors, edgeColor(e))
		dashes = append(dashes, edgeDash(e))
		statuses = append(statuses, e.status)
		rcpts = append(rcpts, strings.Join(e.recipients, ", "))
	}
	edges.Fields = append(edges.Fields,
		data.NewField("id", nil, ids), data.NewField("source", nil, sources),
		data.NewField("target", nil, targets), data.NewField("mainstat", nil, mains),
		data.NewField("secondarystat", nil, seconds), data.NewField("color", nil, colors),
		data.NewField("strokeDasharray", nil, dashes), data.NewField("status", nil, marks),
		detail("detail__status", "Status", statuses),
		detail("detail__recipients", "Recipients", rcpts))
	edges.SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeNodeGraph})
	return edges
}

func detail(name, display string, values []string) *data.Field {
	return data.NewField(name, nil, values).SetConfig(&data.FieldConfig{DisplayName: display})
}

func nodeMark(n *node) string {
	switch {
	case n.stopped:
		return markStopped
	case n.mark != "":
		return n.mark
	case n.role == "host":
		return markTaken
	}
	return markOutside
}

var markColors = map[string]string{markTaken: colorPath, markMissed: colorMissed,
	markWrong: colorWrong, markStopped: colorStopped, markOutside: colorOutside}

func nodeColor(n *node) string { return markColors[nodeMark(n)] }

func edgeMark(e *edge) string {
	switch {
	case e.mark != "":
		return e.mark
	case strings.HasPrefix(e.source, "client:"):
		return markOutside
	}
	return markTaken
}

func edgeColor(e *edge) string { return markColors[edgeMark(e)] }

func edgeDash(e *edge) string {
	if e.mark == markMissed {
		return dashMissed
	}
	return ""
}

func dispositionSummary(d map[trace.Disposition]int) string {
	var parts []string
	for k, v := range d {
		parts = append(parts, fmt.Sprintf("%d %s", v, k))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// eventsFrame lists the traces' lines, shown as logs in Explore: the time
// and the raw line first, the parsed fields after.
// Lines that could not be parsed come last, as kind unparsed, so that a
// damaged line is seen rather than lost.
func eventsFrame(traces []*trace.Trace, unparsed []event.Event) *data.Frame {
	var times []time.Time
	var lines, hosts, programs, qids, kinds, statuses, rcpts []string
	var each func(t *trace.Trace)
	each = func(t *trace.Trace) {
		for _, ev := range t.Events {
			times, lines = append(times, ev.Time), append(lines, ev.Line)
			hosts, programs = append(hosts, ev.Host), append(programs, ev.Program)
			qids, kinds = append(qids, ev.QueueID), append(kinds, string(ev.Kind))
			statuses, rcpts = append(statuses, statusOf(ev)), append(rcpts, ev.To)
		}
		for _, n := range t.Notifications {
			each(n)
		}
	}
	for _, t := range traces {
		each(t)
	}
	for i := range unparsed {
		ev := &unparsed[i]
		times, lines = append(times, ev.Time), append(lines, ev.Line)
		hosts, programs = append(hosts, ev.Host), append(programs, ev.Program)
		qids, kinds = append(qids, ev.QueueID), append(kinds, string(ev.Kind))
		statuses, rcpts = append(statuses, ev.Err), append(rcpts, "")
	}
	f := data.NewFrame("events",
		data.NewField("time", nil, times), data.NewField("line", nil, lines),
		data.NewField("host", nil, hosts), data.NewField("program", nil, programs),
		data.NewField("queue_id", nil, qids), data.NewField("kind", nil, kinds),
		data.NewField("status", nil, statuses), data.NewField("recipient", nil, rcpts))
	f.SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeLogs})
	return f
}

func statusOf(ev *event.Event) string {
	if ev.Status != "" {
		return ev.Status
	}
	return string(ev.Kind)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func appendNew(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
