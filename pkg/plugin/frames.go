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
	verdicts map[*trace.Recipient]verdict
	// lineEdge files each line that documents a drawn edge under the edge's
	// id. It is filled as the edges are drawn, by the same rules, so that a
	// line never names an edge the edges frame lacks.
	lineEdge map[*event.Event]string
}

type node struct {
	id, title, role string
	// stage is the part of the mail system the node stands for: a route
	// stage's name for hosts and expected stages, else a fixed word.
	stage    string
	queueIDs []string
	// recipients are every recipient whose path includes the node.
	recipients   []string
	dispositions map[trace.Disposition]int
	stopped      bool
	mark         string
}

type edge struct {
	id, source, target string
	first              time.Time
	delay              float64
	recipients         []string
	status             string
	mark               string
}

// Stages of the nodes that are not route stages.
const (
	stageSender  = "sender side"
	stageMailbox = "mailbox"
	stageOutside = "outside world"
)

func newGraph() *graph {
	return &graph{nodes: map[string]*node{}, edges: map[string]*edge{},
		lineEdge: map[*event.Event]string{}}
}

// drawGraph draws traces. Its line assignment is what the events frame and
// the lines resource both read.
func drawGraph(traces []*trace.Trace, verdicts map[*trace.Recipient]verdict) *graph {
	g := newGraph()
	g.verdicts = verdicts
	for _, t := range traces {
		g.add(t)
	}
	return g
}

func (g *graph) node(id, title, role, stage string) *node {
	n := g.nodes[id]
	if n == nil {
		n = &node{id: id, title: title, role: role, stage: stage,
			dispositions: map[trace.Disposition]int{}}
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
		n := g.hostNode(h)
		if h.QueueID != "" && !slices.Contains(n.queueIDs, h.QueueID) {
			n.queueIDs = append(n.queueIDs, h.QueueID)
		}
	}
	if entry := t.Hops[0]; entry.Client != "" || entry.ClientAddr != "" {
		c := g.node("client:"+entry.Client+"["+entry.ClientAddr+"]",
			firstNonEmpty(entry.Client, entry.ClientAddr), "sender side", stageSender)
		e := g.edge(c.id, "host:"+entry.Host, entry.Arrival())
		e.status = "submitted"
		g.assignKinds(e.id, entry, event.KindConnect, event.KindClient)
		for _, r := range t.Recipients {
			c.recipients = appendNew(c.recipients, r.Address)
		}
	}
	for _, r := range t.Recipients {
		g.addRecipient(r)
	}
}

// hostNode is the node of hop h's host: one per host, however many of the
// message's copies it held.
func (g *graph) hostNode(h *trace.Hop) *node { return g.node("host:"+h.Host, h.Host, "host", "") }

func (g *graph) addRecipient(r *trace.Recipient) {
	for i, h := range r.Hops {
		n := g.hostNode(h)
		n.recipients = appendNew(n.recipients, r.Address)
		if i > 0 {
			g.handOver(r, r.Hops[i-1], h)
		}
	}
	if len(r.Hops) == 0 {
		return
	}
	lastHop := r.Hops[len(r.Hops)-1]
	last := g.hostNode(lastHop)
	last.dispositions[r.Disposition]++
	end := g.endNode(r)
	if end == nil {
		last.stopped = true
	}
	if v, ok := g.verdicts[r]; ok {
		g.applyMarks(r, v.Result)
	}
	if end != nil {
		end.recipients = appendNew(end.recipients, r.Address)
		e := g.edge(last.id, end.id, r.Time)
		e.recipients = appendNew(e.recipients, r.Address)
		e.status = string(r.Disposition)
		if r.Final != nil {
			e.delay = r.Final.Delay
		}
		g.assignEnd(e.id, lastHop, r)
	}
}

// handOver draws the edge of r's hop from one host to the next. A content
// filter's re-injection stays on its host's node and draws nothing.
func (g *graph) handOver(r *trace.Recipient, from, to *trace.Hop) {
	if from.Host == to.Host {
		return
	}
	e := g.edge("host:"+from.Host, "host:"+to.Host, to.Arrival())
	e.recipients = appendNew(e.recipients, r.Address)
	e.status = "handed over"
	if d := handOff(from, to); d != nil {
		e.delay = max(e.delay, d.Delay)
	}
	for _, ev := range from.Events {
		if isHandOff(ev, to) {
			g.assign(ev, e.id)
		}
	}
	g.assignKinds(e.id, to, event.KindClient, event.KindMessageID)
}

// endNode is where r's path ends outside the hosts: its mailbox and folder,
// or the outside host it was relayed to; nil where the mail stopped.
func (g *graph) endNode(r *trace.Recipient) *node {
	switch r.Disposition {
	case trace.DispositionDelivered:
		return g.node("mailbox:"+r.Mailbox+"/"+r.Folder, r.Mailbox,
			"mailbox "+firstNonEmpty(r.Folder, "?"), stageMailbox)
	case trace.DispositionRelayed:
		return g.node("relay:"+r.Relay, r.Relay, "outside host", stageOutside)
	}
	return nil
}

// assignEnd files the line a delivery or relay rests on under its edge, and
// for a mailbox Dovecot's store lines of that recipient in the last hop.
func (g *graph) assignEnd(id string, last *trace.Hop, r *trace.Recipient) {
	if r.Final != nil {
		g.assign(r.Final, id)
	}
	if r.Disposition != trace.DispositionDelivered {
		return
	}
	for _, ev := range last.Events {
		if ev.Kind == event.KindStore && storedFor(ev, r) {
			g.assign(ev, id)
		}
	}
}

// storedFor tells whether a Dovecot store line wrote r's mailbox: Dovecot
// names the user by the whole address or by its local part alone.
func storedFor(store *event.Event, r *trace.Recipient) bool {
	return store.Mailbox != "" && (trace.SameMailbox(r.Mailbox, store.Mailbox) ||
		trace.SameMailbox(r.Address, store.Mailbox))
}

// assign files line ev under edge id unless an earlier rule did: a line
// documents one edge.
func (g *graph) assign(ev *event.Event, id string) {
	if _, ok := g.lineEdge[ev]; !ok {
		g.lineEdge[ev] = id
	}
}

// assignKinds files hop h's lines of the given kinds under edge id.
func (g *graph) assignKinds(id string, h *trace.Hop, kinds ...event.Kind) {
	for _, ev := range h.Events {
		if slices.Contains(kinds, ev.Kind) {
			g.assign(ev, id)
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
			g.stageHost(id, m.Stage)
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

// stageHost gives a host node the first route stage a mark puts it at.
func (g *graph) stageHost(id, stage string) {
	if n := g.nodes[id]; n != nil && n.stage == "" {
		n.stage = stage
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
	n := g.node("expected:"+m.Stage, m.Stage, "expected stage", m.Stage)
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
		if isHandOff(ev, to) {
			return ev
		}
	}
	return nil
}

// isHandOff tells a delivery line that created hop to: its queued as.
func isHandOff(ev *event.Event, to *trace.Hop) bool {
	return ev.Kind == event.KindDelivery && ev.QueuedAs != "" && ev.QueuedAs == to.QueueID
}

// frames returns the nodes and edges frames in Grafana's node-graph shape.
// Every edge's source and target is a node id: Grafana's panel throws on an
// unknown one.
func (g *graph) frames() (*data.Frame, *data.Frame) {
	nodes := data.NewFrame("nodes")
	var ids, titles, subtitles, mains, seconds, colors, roles, queues, marks []string
	var stages, rcpts []string
	for _, id := range g.order {
		n := g.nodes[id]
		ids, titles = append(ids, n.id), append(titles, n.title)
		stages, rcpts = append(stages, n.stage), append(rcpts, strings.Join(n.recipients, ", "))
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
		detail("detail__role", "Role", roles), detail("detail__queue_ids", "Queue IDs", queues),
		data.NewField("stage", nil, stages), data.NewField("recipients", nil, rcpts))
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
	case n.role == "host", strings.HasPrefix(n.id, "mailbox:"):
		// A mailbox a copy was filed into ends the path taken.
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
