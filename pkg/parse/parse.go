// Package parse turns mail log lines into [event.Event] values.
//
// It understands Postfix (every daemon that names a queue, in any instance or
// service naming), Dovecot LMTP and LDA deliveries with their folder, and
// Amavis verdicts. A line it cannot read is not an error for the caller: it
// comes back as an event of kind [event.KindUnparsed], holding the raw line and
// the reason, so it can be counted and shown.
package parse

import (
	"bytes"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/syslog"
)

// Parser reads whole syslog lines. It is not safe for concurrent use.
type Parser struct {
	sys *syslog.Parser
}

// New returns a parser for lines written no later than ref in zone loc; see
// [syslog.NewParser] for how ref settles the year of RFC 3164 stamps.
func New(ref time.Time, loc *time.Location) *Parser {
	return &Parser{sys: syslog.NewParser(ref, loc)}
}

// Line parses one whole syslog line read from source at lineNo.
func (p *Parser) Line(raw []byte, source string, lineNo int64) event.Event {
	h, msg, err := p.sys.Split(raw)
	if inner, ok := cutComposePrefix(raw); ok && err != nil {
		h, msg, err = p.sys.Split(inner)
	}
	ev := event.Event{
		Time: h.Time, Host: h.Host, Program: h.Tag, PID: h.PID, Format: h.Format,
		Source: source, LineNo: lineNo, Line: string(raw),
	}
	if err != nil {
		ev.Kind = event.KindUnparsed
		ev.Err = err.Error()
		return ev
	}
	Body(&ev, msg)
	return ev
}

// cutComposePrefix removes the "service_1    | " that docker compose writes
// before each line of a container's output, which hides the syslog header.
func cutComposePrefix(raw []byte) ([]byte, bool) {
	i := bytes.Index(raw, []byte(" | "))
	if i <= 0 || i > 64 {
		return nil, false
	}
	name := bytes.TrimRight(raw[:i], " ")
	if len(name) == 0 || bytes.ContainsAny(name, " \t") {
		return nil, false
	}
	return raw[i+len(" | "):], true
}

// Bare parses a message body whose header came apart from it, as Loki keeps
// lines received through a syslog receiver: the host, program tag and PID sit
// in labels or metadata and the line is the message alone.
func Bare(t time.Time, host, tag string, pid int, msg string) event.Event {
	ev := event.Event{
		Time: t, Host: host, Program: tag, PID: pid, Format: event.FormatBare, Line: msg,
	}
	Body(&ev, msg)
	return ev
}

// Body fills ev from the message body msg, using ev.Program to pick the
// grammar. It sets ev.Kind in every case.
func Body(ev *event.Event, msg string) {
	tag := syslog.SplitTag(ev.Program)
	ev.Instance, ev.Service, ev.Daemon = tag.Instance, tag.Service, tag.Daemon
	msg = strings.TrimRight(msg, "\r\n")
	switch {
	case postfixDaemons[tag.Daemon] && (tag.Instance != tag.Daemon || tag.Daemon == "postfix"):
		parsePostfix(ev, msg)
	case strings.HasPrefix(tag.Instance, "dovecot") || strings.HasPrefix(msg, "lmtp(") ||
		strings.HasPrefix(msg, "lda("):
		parseDovecot(ev, msg)
	case strings.HasPrefix(tag.Instance, "amavis"):
		parseAmavis(ev, msg)
	default:
		parseForeign(ev, msg)
	}
}

// parseForeign keeps lines of programs the parser has no grammar for. Milters
// and policy daemons often start with a queue ID; such a line is context for
// that queue, anything else is unparsed.
func parseForeign(ev *event.Event, msg string) {
	if qid, _, ok := cutQueueID(msg); ok {
		ev.QueueID = qid
		ev.Kind = event.KindOther
		return
	}
	if parseMilterTag(ev, msg) || parsePolicyServer(ev, msg) {
		return
	}
	unparsed(ev, "no grammar for program "+quote(ev.Program))
}

func unparsed(ev *event.Event, why string) {
	ev.Kind = event.KindUnparsed
	ev.Err = why
}

// parseMilterTag reads rmilter's lines, which open with a session tag
// ("<8d3d18f36d>; ") and name the queue ID only once it exists:
// "<tag>; mlfi_data: queue id: <QID>". The tag ties the earlier lines to it.
func parseMilterTag(ev *event.Event, msg string) bool {
	if !strings.HasPrefix(msg, "<") {
		return false
	}
	end := strings.Index(msg, ">; ")
	if end < 2 || strings.ContainsAny(msg[1:end], " <") {
		return false
	}
	ev.Kind = event.KindOther
	ev.Session = msg[1:end]
	ev.Note = msg[end+len(">; "):]
	if _, v, ok := strings.Cut(ev.Note, "queue id: <"); ok {
		if qid, _, ok := strings.Cut(v, ">"); ok && isQueueID(qid) {
			ev.QueueID = qid
		}
	}
	return true
}

// parsePolicyServer reads a policy server's verdict in key=value form, as
// postgrey logs it: "action=pass, reason=..., client_address=..., sender=...".
// The client address is bare, so an IPv6 address stays whole.
func parsePolicyServer(ev *event.Event, msg string) bool {
	action, ok := plain(msg, "action")
	if !ok || !strings.HasPrefix(msg, "action=") {
		return false
	}
	ev.Kind = event.KindOther
	ev.Status = action
	ev.Client, _ = plain(msg, "client_name")
	ev.ClientAddr, _ = plain(msg, "client_address")
	ev.From, _ = plain(msg, "sender")
	ev.To, _ = plain(msg, "recipient")
	return true
}
