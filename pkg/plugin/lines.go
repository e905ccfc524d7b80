package plugin

import (
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/trace"
)

// line is one log line of a trace answer with the graph node and edge it
// belongs to, so that the events frame and the lines resource mark a line
// alike.
type line struct {
	ev     *event.Event
	status string
	node   string // "host:"+host, or "" for a line without a host
	edge   string // an id of the edges frame, or ""
	// notice is the queue ID of the notification (bounce, delay notice) the
	// line belongs to, "" for the message's own lines: the graph does not
	// draw notifications, so a host's drawer tells their lines apart.
	notice string
}

// traceLines lists the traces' lines in causal order, each trace's
// notifications after it, and the unparsed lines last, so that a damaged
// line is seen rather than lost. Edges come from g, drawn from the traces.
func traceLines(res *trace.Result, g *graph) []line {
	var out []line
	var each func(t *trace.Trace, notice string)
	each = func(t *trace.Trace, notice string) {
		for _, ev := range t.Events {
			out = append(out, line{ev: ev, status: statusOf(ev), node: hostNodeID(ev.Host),
				edge: g.lineEdge[ev], notice: notice})
		}
		for _, n := range t.Notifications {
			each(n, noticeID(n))
		}
	}
	for _, t := range res.Traces {
		each(t, "")
	}
	for i := range res.Unparsed {
		ev := &res.Unparsed[i]
		out = append(out, line{ev: ev, status: ev.Err, node: hostNodeID(ev.Host)})
	}
	return out
}

// lineFilter keeps the lines of one graph node or one edge, by id; the zero
// filter keeps every line. The trace query's node and edge fields and the
// lines resource filter alike.
type lineFilter struct{ node, edge string }

func (f lineFilter) keeps(l line) bool {
	switch {
	case f.edge != "":
		return l.edge == f.edge
	case f.node != "":
		return l.node == f.node
	}
	return true
}

func (f lineFilter) apply(lines []line) []line {
	return slices.DeleteFunc(lines, func(l line) bool { return !f.keeps(l) })
}

// answerLines draws the graph of a trace answer only to list its lines with
// their edges, where no graph frame is sent. Routes do not matter: their
// marks add expected stages, which no line documents.
func answerLines(res *trace.Result) []line {
	return traceLines(res, drawGraph(res.Traces, nil))
}

// noticeID names a notification by the queue ID of its first hop, where the
// notice was queued: a notice has no Message-ID the user typed, and a queue
// ID is what its lines show.
func noticeID(n *trace.Trace) string {
	if len(n.Hops) == 0 {
		return ""
	}
	return n.Hops[0].QueueID
}

// hostNodeID is the node id of a host, "" when the host is not known.
func hostNodeID(host string) string {
	if host == "" {
		return ""
	}
	return "host:" + host
}

// eventsFrame lists the lines, shown as logs in Explore: the time and the
// raw line first, the parsed fields after, then where on the graph the line
// belongs.
func eventsFrame(lines []line) *data.Frame {
	n := len(lines)
	times := make([]time.Time, n)
	delay := make([]float64, n)
	col := func(get func(l line) string) []string {
		out := make([]string, n)
		for i, l := range lines {
			out[i] = get(l)
		}
		return out
	}
	for i, l := range lines {
		times[i], delay[i] = l.ev.Time, l.ev.Delay
	}
	f := data.NewFrame("events",
		data.NewField("time", nil, times),
		data.NewField("line", nil, col(func(l line) string { return l.ev.Line })),
		data.NewField("host", nil, col(func(l line) string { return l.ev.Host })),
		data.NewField("program", nil, col(func(l line) string { return l.ev.Program })),
		data.NewField("queue_id", nil, col(func(l line) string { return l.ev.QueueID })),
		data.NewField("kind", nil, col(func(l line) string { return string(l.ev.Kind) })),
		data.NewField("status", nil, col(func(l line) string { return l.status })),
		data.NewField("recipient", nil, col(func(l line) string { return l.ev.To })),
		data.NewField("node", nil, col(func(l line) string { return l.node })),
		data.NewField("edge", nil, col(func(l line) string { return l.edge })),
		data.NewField("notice", nil, col(func(l line) string { return l.notice })),
		data.NewField("dsn", nil, col(func(l line) string { return l.ev.DSN })),
		data.NewField("delays", nil, col(func(l line) string { return delays(l.ev) })),
		data.NewField("delay", nil, delay),
		data.NewField("relay", nil, col(func(l line) string { return l.ev.Relay })),
		data.NewField("reply", nil, col(func(l line) string { return l.ev.Reply })))
	f.SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeLogs})
	return f
}

// delays is Postfix's delays=a/b/c/d as it was logged.
func delays(ev *event.Event) string { return strings.Join(ev.Delays, "/") }
