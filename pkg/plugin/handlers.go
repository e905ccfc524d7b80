package plugin

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mailpath/mailpath/pkg/loki"
	"github.com/mailpath/mailpath/pkg/route"
	"github.com/mailpath/mailpath/pkg/search"
	"github.com/mailpath/mailpath/pkg/trace"
)

// handleTrace answers trace queries: nodes and edges frames for the graph,
// an events frame for the lines, as the query's output asks.
func (ds *Datasource) handleTrace(ctx context.Context, req *backend.QueryDataRequest) (
	*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = ds.traceOne(ctx, q)
	}
	return resp, nil
}

func (ds *Datasource) traceOne(ctx context.Context, q backend.DataQuery) backend.DataResponse {
	logger := log.DefaultLogger.FromContext(ctx).With("refID", q.RefID, "queryType", "trace")
	m, err := parseQuery(q)
	if err != nil {
		return badRequest(err)
	}
	seed, err := m.seed(q.TimeRange)
	if err != nil {
		return badRequest(err)
	}
	output, err := m.output()
	if err != nil {
		return badRequest(err)
	}
	if err := m.checkLinesFilter(); err != nil {
		return badRequest(err)
	}
	src, err := ds.source()
	if err != nil {
		return badRequest(err)
	}
	started := time.Now()
	res, err := trace.Run(ctx, src, seed, trace.Options{})
	if err != nil {
		logger.Error("Trace failed", "error", err)
		return failure(err)
	}
	logger.Info("Trace done", "duration", time.Since(started), "traces", len(res.Traces),
		"rounds", res.Rounds, "partial", res.Partial)
	frames := traceFrames(res, output, ds.judge(res.Traces), ds.uid,
		lineFilter{node: m.Node, edge: m.Edge})
	return backend.DataResponse{Frames: frames}
}

// verdict is a recipient's comparison with its route. Its Sentence names the
// route and why it applies, as the notices say it; Route, Why and Bare (the
// comparison's own sentence) are the parts, for the panel's summary.
type verdict struct {
	route.Result
	Route, Why, Bare string
}

// judge compares each recipient with its route, when routes are set. Waiting
// is measured up to the latest line read.
func (ds *Datasource) judge(traces []*trace.Trace) map[*trace.Recipient]verdict {
	if ds.routeDB == nil {
		return nil
	}
	now := route.LastLine(traces)
	if ds.settings.Source == SourceLoki {
		now = time.Now()
	}
	out := map[*trace.Recipient]verdict{}
	for r, j := range ds.routeDB.Judge(traces, now) {
		if j.Route == nil {
			continue
		}
		res := j.Result
		bare := res.Sentence
		res.Sentence = fmt.Sprintf("route %s (%s): %s: %s", j.Route.Name, j.Why, res.Verdict,
			bare)
		out[r] = verdict{Result: res, Route: j.Route.Name, Why: j.Why, Bare: bare}
	}
	return out
}

// verdictNotices say, per recipient, which route applies, why, and the
// verdict's sentence, in the recipients' order.
func verdictNotices(traces []*trace.Trace,
	verdicts map[*trace.Recipient]verdict) []data.Notice {
	var out []data.Notice
	for _, t := range traces {
		for _, r := range t.Recipients {
			res, ok := verdicts[r]
			if !ok {
				continue
			}
			sev := data.NoticeSeverityInfo
			if res.Verdict != route.VerdictOK {
				sev = data.NoticeSeverityWarning
			}
			out = append(out, data.Notice{Severity: sev, Text: r.Address + ": " + res.Sentence})
		}
	}
	return out
}

// traceFrames answers a trace: the graph's frames, the nodes frame carrying
// the summary the panel reads, and the events frame of the lines keep keeps.
// The graph is drawn for the events alone too: it decides which edge each
// line documents. It stays whole under a filter: a map of one hop would
// mislead.
func traceFrames(res *trace.Result, output string,
	verdicts map[*trace.Recipient]verdict, uid string, keep lineFilter) data.Frames {
	var frames data.Frames
	g := drawGraph(res.Traces, verdicts)
	if output != OutputEvents {
		nodes, edges := g.frames()
		nodes.Meta.Custom = customMeta{Mailpath: newSummary(res, uid, verdicts)}
		frames = append(frames, nodes, edges)
	}
	if output != OutputGraph {
		frames = append(frames, eventsFrame(keep.apply(traceLines(res, g))))
	}
	// A notice on every frame would show once per frame.
	frames[0].Meta.Notices = append(frames[0].Meta.Notices, traceNotices(res)...)
	frames[0].Meta.Notices = append(frames[0].Meta.Notices,
		verdictNotices(res.Traces, verdicts)...)
	return frames
}

func traceNotices(res *trace.Result) []data.Notice {
	var out []data.Notice
	if len(res.Traces) == 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityInfo,
			Text: "No message matched the seed in this time range."})
	}
	if res.Partial {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: "The answer is partial: " + fmt.Sprint(res.Reasons)})
	}
	if n := len(res.Unparsed); n > 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityWarning,
			Text: strconv.Itoa(n) + " line(s) could not be parsed; they are listed with the " +
				"events, of kind unparsed."})
	}
	return out
}

// handleSearch answers search queries with one table row per message and a
// data link on the Message-ID that opens its trace.
func (ds *Datasource) handleSearch(ctx context.Context, req *backend.QueryDataRequest) (
	*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = ds.searchOne(ctx, q)
	}
	return resp, nil
}

func (ds *Datasource) searchOne(ctx context.Context, q backend.DataQuery) backend.DataResponse {
	m, err := parseQuery(q)
	if err != nil {
		return badRequest(err)
	}
	f, err := m.filter(q.TimeRange)
	if err != nil {
		return badRequest(err)
	}
	src, err := ds.source()
	if err != nil {
		return badRequest(err)
	}
	res, err := search.Run(ctx, src, f)
	if err != nil {
		return failure(err)
	}
	frame := ds.searchFrame(res.Rows)
	if res.Partial {
		frame.Meta.Notices = append(frame.Meta.Notices, data.Notice{
			Severity: data.NoticeSeverityWarning, Text: "The answer is partial: " + res.Reason})
	}
	if res.Matched > len(res.Rows) {
		frame.Meta.Notices = append(frame.Meta.Notices, data.Notice{
			Severity: data.NoticeSeverityInfo,
			Text:     fmt.Sprintf("%d messages matched; showing %d.", res.Matched, len(res.Rows))})
	}
	return backend.DataResponse{Frames: data.Frames{frame}}
}

func (ds *Datasource) searchFrame(rows []search.Row) *data.Frame {
	var ids, froms, rcpts, worst, hosts, seeds, subjects []string
	var firsts, lasts []time.Time
	for _, r := range rows {
		ids, froms = append(ids, r.MessageID), append(froms, r.From)
		firsts, lasts = append(firsts, r.First), append(lasts, r.Last)
		rcpts = append(rcpts, strings.Join(r.Recipients, ", "))
		worst, hosts = append(worst, string(r.Worst)), append(hosts, strings.Join(r.Hosts, ", "))
		seeds, subjects = append(seeds, seedText(r.Seed)), append(subjects, r.Subject)
	}
	link := data.DataLink{Title: "Trace this message", Internal: &data.InternalDataLink{
		DatasourceUID: ds.uid, DatasourceName: ds.name,
		Query: map[string]any{"queryType": QueryTypeTrace, "queueId": "${__data.fields.seed}"},
	}}
	f := data.NewFrame("messages",
		data.NewField("first", nil, firsts), data.NewField("last", nil, lasts),
		data.NewField("message_id", nil, ids).SetConfig(&data.FieldConfig{
			DisplayName: "Message-ID", Links: []data.DataLink{link}}),
		data.NewField("subject", nil, subjects), data.NewField("from", nil, froms),
		data.NewField("recipients", nil, rcpts), data.NewField("worst", nil, worst),
		data.NewField("hosts", nil, hosts), data.NewField("seed", nil, seeds))
	f.SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeTable})
	return f
}

// seedText is the queue ID seed "host:qid" a search row's link traces with.
func seedText(s trace.Seed) string {
	if s.QueueID != "" {
		return s.Host + ":" + s.QueueID
	}
	return ""
}

// badRequest is an answer to a query that cannot be run as written: the
// user's to fix, so its source is downstream of the plugin.
func badRequest(err error) backend.DataResponse {
	return backend.ErrDataResponseWithSource(backend.StatusBadRequest,
		backend.ErrorSourceDownstream, err.Error())
}

// failure is an answer to a query that failed while running: Loki's errors
// and unreadable files are downstream, anything else the plugin's own.
func failure(err error) backend.DataResponse {
	var lokiErr *loki.Error
	switch {
	case errors.As(err, &lokiErr) && lokiErr.Status == http.StatusBadRequest:
		// Loki refused LogQL the plugin built: the plugin's fault.
		return backend.ErrDataResponseWithSource(backend.StatusInternal,
			backend.ErrorSourcePlugin, err.Error())
	case errors.As(err, &lokiErr):
		return backend.ErrDataResponseWithSource(backend.StatusBadGateway,
			backend.ErrorSourceDownstream, err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return backend.ErrDataResponseWithSource(backend.StatusTimeout,
			backend.ErrorSourceDownstream, err.Error())
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		// A log file that went away or cannot be read is the machine's state,
		// not a fault of the plugin.
		return backend.ErrDataResponseWithSource(backend.StatusBadGateway,
			backend.ErrorSourceDownstream, err.Error())
	}
	return backend.ErrDataResponseWithSource(backend.StatusInternal,
		backend.ErrorSourcePlugin, err.Error())
}

func quote(s string) string { return strconv.Quote(s) }
