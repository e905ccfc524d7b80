package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/trace"
)

// jsonTrace is the --json shape of one trace. Field names are the
// documented contract of the CLI; add fields, never rename them.
type jsonTrace struct {
	MessageID     string          `json:"message_id"`
	From          string          `json:"from"`
	Subject       string          `json:"subject,omitempty"`
	First         string          `json:"first,omitempty"`
	Last          string          `json:"last,omitempty"`
	Recipients    []jsonRecipient `json:"recipients"`
	Hops          []jsonHop       `json:"hops"`
	Notifications []jsonTrace     `json:"notifications,omitempty"`
	Events        []jsonEvent     `json:"events"`
	Partial       bool            `json:"partial,omitempty"`
	Reasons       []string        `json:"partial_reasons,omitempty"`
}

type jsonRecipient struct {
	Address     string   `json:"address"`
	OrigTo      string   `json:"orig_to,omitempty"`
	Path        []string `json:"path"`
	QueueIDs    []string `json:"queue_ids"`
	Disposition string   `json:"disposition"`
	Folder      string   `json:"folder,omitempty"`
	Mailbox     string   `json:"mailbox,omitempty"`
	Relay       string   `json:"relay,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	DSN         string   `json:"dsn,omitempty"`
	Time        string   `json:"time,omitempty"`
	Inferred    bool     `json:"inferred,omitempty"`
	// With --routes: the route, why it applies, the verdict and its sentence.
	Route    string     `json:"route,omitempty"`
	RouteWhy string     `json:"route_reason,omitempty"`
	Verdict  string     `json:"verdict,omitempty"`
	Sentence string     `json:"sentence,omitempty"`
	Marks    []jsonMark `json:"marks,omitempty"`
}

type jsonHop struct {
	Host      string `json:"host"`
	Instance  string `json:"instance,omitempty"`
	QueueID   string `json:"queue_id,omitempty"`
	MessageID string `json:"message_id,omitempty"`
	From      string `json:"from,omitempty"`
	Client    string `json:"client,omitempty"`
	Parent    string `json:"parent,omitempty"`
	Link      string `json:"link,omitempty"`
	Heuristic bool   `json:"heuristic,omitempty"`
}

type jsonEvent struct {
	Time    string `json:"time"`
	Host    string `json:"host"`
	Program string `json:"program"`
	QueueID string `json:"queue_id"`
	Kind    string `json:"kind"`
	Status  string `json:"status,omitempty"`
	To      string `json:"to,omitempty"`
	Relay   string `json:"relay,omitempty"`
	Reply   string `json:"reply,omitempty"`
	Source  string `json:"source,omitempty"`
	LineNo  int64  `json:"line_no,omitempty"`
	Line    string `json:"line"`
}

func writeJSON(w io.Writer, res *trace.Result, verdicts map[*trace.Recipient]verdict) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, t := range res.Traces {
		jt := toJSON(t)
		for i, r := range t.Recipients {
			if v, ok := verdicts[r]; ok {
				jt.Recipients[i].Route, jt.Recipients[i].RouteWhy = v.Route, v.Why
				jt.Recipients[i].Verdict, jt.Recipients[i].Sentence = v.Verdict, v.Sentence
				jt.Recipients[i].Marks = v.Marks
			}
		}
		jt.Partial, jt.Reasons = res.Partial, res.Reasons
		if err := enc.Encode(jt); err != nil {
			return fmt.Errorf("writing json: %w", err)
		}
	}
	return nil
}

func toJSON(t *trace.Trace) jsonTrace {
	jt := jsonTrace{MessageID: t.MessageID, From: t.From, Subject: t.Subject,
		First: stamp(t.First), Last: stamp(t.Last),
		Recipients: []jsonRecipient{}, Hops: []jsonHop{}, Events: []jsonEvent{}}
	for _, r := range t.Recipients {
		jt.Recipients = append(jt.Recipients, recipientJSON(r))
	}
	for _, h := range t.Hops {
		jh := jsonHop{Host: h.Host, Instance: h.Instance, QueueID: h.QueueID,
			MessageID: h.MessageID, From: h.From, Client: h.Client, Link: string(h.Link),
			Heuristic: h.Heuristic}
		if h.Parent != nil {
			jh.Parent = h.Parent.Host + ":" + h.Parent.QueueID
		}
		jt.Hops = append(jt.Hops, jh)
	}
	for _, n := range t.Notifications {
		jt.Notifications = append(jt.Notifications, toJSON(n))
	}
	for _, ev := range t.Events {
		jt.Events = append(jt.Events, eventJSON(ev))
	}
	return jt
}

func recipientJSON(r *trace.Recipient) jsonRecipient {
	jr := jsonRecipient{Address: r.Address, OrigTo: r.OrigTo, Path: r.Path,
		QueueIDs: []string{}, Disposition: string(r.Disposition), Folder: r.Folder,
		Mailbox: r.Mailbox, Relay: r.Relay, Reason: r.Reason, DSN: r.DSN,
		Time: stamp(r.Time), Inferred: r.Inferred}
	if jr.Path == nil {
		jr.Path = []string{}
	}
	for _, h := range r.Hops {
		if h.QueueID != "" {
			jr.QueueIDs = append(jr.QueueIDs, h.Host+":"+h.QueueID)
		}
	}
	return jr
}

func eventJSON(ev *event.Event) jsonEvent {
	return jsonEvent{Time: stamp(ev.Time), Host: ev.Host, Program: ev.Program,
		QueueID: ev.QueueID, Kind: string(ev.Kind), Status: ev.Status, To: ev.To,
		Relay: ev.Relay, Reply: ev.Reply, Source: ev.Source, LineNo: ev.LineNo, Line: ev.Line}
}

// stamp writes times in UTC, so that lines of files in different zones
// compare as text.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// writeText prints each trace as a heading and one table per recipient.
func writeText(w io.Writer, res *trace.Result, verdicts map[*trace.Recipient]verdict) error {
	for i, t := range res.Traces {
		if i > 0 {
			fmt.Fprintln(w)
		}
		writeTraceText(w, t, "", verdicts)
	}
	return nil
}

func writeTraceText(w io.Writer, t *trace.Trace, indent string,
	verdicts map[*trace.Recipient]verdict) {
	fmt.Fprintf(w, "%sMessage %s from <%s>", indent, orDash(t.MessageID), t.From)
	if t.Subject != "" {
		fmt.Fprintf(w, " subject %q", t.Subject)
	}
	fmt.Fprintln(w)
	for _, r := range t.Recipients {
		fmt.Fprintf(w, "%s  Recipient <%s>: %s\n", indent, r.Address, summary(r))
		if v, ok := verdicts[r]; ok {
			fmt.Fprintf(w, "%s    Route %s: %s: %s\n", indent, orDash(v.Route),
				orDash(v.Verdict), v.Sentence)
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "%s    TIME\tHOST\tQUEUE ID\tSTATUS\tDELAY\tREPLY\n", indent)
		for _, ev := range recipientEvents(t, r) {
			fmt.Fprintf(tw, "%s    %s\t%s\t%s\t%s\t%s\t%s\n", indent,
				ev.Time.Format("2006-01-02 15:04:05.000"), ev.Host, orDash(ev.QueueID),
				statusWord(ev), delayOf(ev), cut(ev.Reply, 70))
		}
		tw.Flush()
	}
	for _, n := range t.Notifications {
		fmt.Fprintf(w, "%s  Notification sent about this message:\n", indent)
		writeTraceText(w, n, indent+"    ", verdicts)
	}
}

func summary(r *trace.Recipient) string {
	var b strings.Builder
	b.WriteString(string(r.Disposition))
	if r.Folder != "" {
		fmt.Fprintf(&b, " to %s", r.Folder)
	}
	if r.Relay != "" {
		fmt.Fprintf(&b, " to %s", r.Relay)
	}
	if r.OrigTo != "" {
		fmt.Fprintf(&b, " (alias of <%s>)", r.OrigTo)
	}
	fmt.Fprintf(&b, ", path %s", strings.Join(r.Path, " -> "))
	if r.Reason != "" && r.Disposition != trace.DispositionDelivered {
		fmt.Fprintf(&b, ": %s", r.Reason)
	}
	if r.Inferred {
		b.WriteString(" [inferred]")
	}
	return b.String()
}

// recipientEvents lists the lines about one recipient along its hops, in the
// trace's causal order: the hops' own lines and the deliveries to this address.
func recipientEvents(t *trace.Trace, r *trace.Recipient) []*event.Event {
	mine := map[*event.Event]bool{}
	for _, h := range r.Hops {
		for _, ev := range h.Events {
			mine[ev] = true
		}
	}
	var out []*event.Event
	for _, ev := range t.Events {
		if mine[ev] && ev.Kind != event.KindOther && isAbout(ev, r) {
			out = append(out, ev)
		}
	}
	return out
}

// isAbout tells the lines a recipient's table shows: the hop's own lines
// (a header check names only the first recipient, but it checked the
// message), the lines to this address, and a notification only where the
// recipient failed or waits.
func isAbout(ev *event.Event, r *trace.Recipient) bool {
	switch ev.Kind {
	case event.KindHeader:
		return true
	case event.KindNotify:
		return r.Disposition != trace.DispositionDelivered &&
			r.Disposition != trace.DispositionRelayed
	}
	return ev.To == "" || strings.EqualFold(ev.To, r.Address) ||
		strings.EqualFold(ev.OrigTo, r.Address) || strings.EqualFold(ev.To, r.OrigTo)
}

func statusWord(ev *event.Event) string {
	if ev.Status != "" {
		return ev.Status
	}
	return string(ev.Kind)
}

func delayOf(ev *event.Event) string {
	if ev.Kind != event.KindDelivery {
		return ""
	}
	return fmt.Sprintf("%gs", ev.Delay)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
