// Package logsource defines how the tracing engine asks for log lines, so
// that Loki and plain syslog files answer the same questions.
//
// The engine never reads a whole log. It asks for the lines that carry a
// Message-ID, an address or a tag, then for the lines of the queue IDs and
// processes those lines named, a few rounds in all. Each [Query] is one such
// round; a source answers it with parsed events.
package logsource

import (
	"context"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
)

// Term is one property a wanted line has. At most one of Text, QueueID and
// PID is set; a term with none of them asks for every line (of Host, when
// set), as a search over a time range does. Host narrows the term to one
// host's lines; "" means any host.
type Term struct {
	Host string
	// Text is a substring the line must contain (a Message-ID, an address, a
	// tag). Sources match it as plain text, never as a pattern.
	Text string
	// QueueID asks for the lines of one queued copy: those whose queue ID
	// field is this ID, and those that name it as the next hop's, a
	// notification's or a requeued copy's.
	QueueID string
	// PID asks for the lines one process wrote on Host, such as an smtpd
	// session whose rejects carry no queue ID. A process lives for many
	// sessions, so a PID term should come with a window.
	PID int
	// Since and Until narrow this term to a window inside the query's; zero
	// bounds are the query's own.
	Since time.Time
	Until time.Time
}

// Matches reports whether a parsed line has the term's property. Unparsed
// lines match a text term that they contain, whatever their host, so that
// a damaged line is counted and shown rather than lost.
func (t Term) Matches(ev *event.Event) bool {
	if t.Host != "" && ev.Kind != event.KindUnparsed && !SameHost(ev.Host, t.Host) {
		return false
	}
	if !ev.Time.IsZero() && !t.Covers(ev.Time) {
		return false
	}
	switch {
	case t.Text != "":
		return strings.Contains(ev.Line, t.Text)
	case t.QueueID != "":
		return NamesQueue(ev, t.QueueID)
	case t.PID > 0:
		return ev.PID == t.PID && SameHost(ev.Host, t.Host)
	}
	return true
}

// All reports whether the term asks for every line (of its host).
func (t Term) All() bool { return t.Text == "" && t.QueueID == "" && t.PID == 0 }

// Wants reports whether a parsed line matches any of the query's terms and
// falls in its window.
func (q Query) Wants(ev *event.Event) bool {
	if !ev.Time.IsZero() {
		if (!q.Since.IsZero() && ev.Time.Before(q.Since)) ||
			(!q.Until.IsZero() && ev.Time.After(q.Until)) {
			return false
		}
	}
	for _, t := range q.Terms {
		if t.Matches(ev) {
			return true
		}
	}
	return false
}

// SameHost compares host names as a person types them: case-insensitively,
// and a short name against the first label of a full one (mx1 names
// mx1.example.net), but never two full names by their first labels.
func SameHost(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	if strings.Contains(a, ".") == strings.Contains(b, ".") {
		return false
	}
	la, _, _ := strings.Cut(a, ".")
	lb, _, _ := strings.Cut(b, ".")
	return strings.EqualFold(la, lb)
}

// NamesQueue reports whether a parsed line is about queue ID qid: its own, or
// the copy it hands to, notifies with or was requeued from.
func NamesQueue(ev *event.Event, qid string) bool {
	return ev.QueueID == qid || ev.QueuedAs == qid || ev.Child == qid || ev.Parent == qid
}

// Covers reports whether t falls in the term's own window.
func (t Term) Covers(at time.Time) bool {
	if !t.Since.IsZero() && at.Before(t.Since) {
		return false
	}
	return t.Until.IsZero() || !at.After(t.Until)
}

// Query is one round of questions. A line is wanted when it matches any term
// and falls inside [Since, Until]; a zero bound is open.
type Query struct {
	Terms []Term
	Since time.Time
	Until time.Time
}

// Result is a source's answer to a [Query].
type Result struct {
	// Events holds the wanted lines in the order the source read them,
	// unparsed ones included (kind [event.KindUnparsed]).
	Events []event.Event
	// Unparsed counts the wanted lines the parser did not understand.
	Unparsed int
	// Partial is set when the source could not read everything the query
	// covers; Reason then says what is missing.
	Partial bool
	Reason  string
	// Waited is the time spent waiting for a remote backend's answers
	// (Loki); zero for a source that reads local files.
	Waited time.Duration
}

// Source answers queries. Implementations must be safe for use by one caller
// at a time and must honour ctx cancellation.
type Source interface {
	Find(ctx context.Context, q Query) (Result, error)
}
