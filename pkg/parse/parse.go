// Package parse turns mail log lines into [event.Event] values.
//
// It understands Postfix (every daemon that names a queue, in any instance or
// service naming), Dovecot LMTP and LDA deliveries with their folder, and
// Amavis verdicts. A line it cannot read is not an error for the caller: it
// comes back as an event of kind [event.KindUnparsed], holding the raw line and
// the reason, so it can be counted and shown.
package parse

import (
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
	unparsed(ev, "no grammar for program "+quote(ev.Program))
}

func unparsed(ev *event.Event, why string) {
	ev.Kind = event.KindUnparsed
	ev.Err = why
}
