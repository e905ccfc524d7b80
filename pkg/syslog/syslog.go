// Package syslog splits a syslog line into its header and its message body.
//
// It reads the three framings an aggregating rsyslog writes to files: RFC 3164
// (optionally with a <PRI> prefix), RFC 5424, and rsyslog's high-precision
// ISO 8601 file format. The framing grammar itself is go-syslog's; this package
// adds what a file reader needs on top: the RFC 3164 year, the writer's time
// zone, localized month names and the program tag's parts.
package syslog

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	gosyslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"

	"github.com/mailpath/mailpath/pkg/event"
)

// Header is what the syslog frame says about a message.
type Header struct {
	Time   time.Time
	Host   string
	Tag    string // the program tag without the PID, e.g. postfix-mx1/smtpd
	PID    int
	Format event.Format
}

// Parser splits whole syslog lines. It is not safe for concurrent use: give
// each goroutine its own.
type Parser struct {
	loc  *time.Location
	ref  time.Time
	bsd  gosyslog.Machine
	iso  gosyslog.Machine
	ietf gosyslog.Machine
}

// NewParser returns a parser for lines written no later than ref, in the time
// zone loc (nil means UTC). ref decides the year of RFC 3164 stamps, which
// carry none: a stamp gets the latest year that does not put it more than a
// day after ref, so a file whose modification time is in January reads its
// December lines as last year's.
func NewParser(ref time.Time, loc *time.Location) *Parser {
	if loc == nil {
		loc = time.UTC
	}
	// The year given to go-syslog is a placeholder that is replaced below;
	// 2000 is a leap year, so a February 29 stamp still parses.
	year := rfc3164.WithYear(rfc3164.Year{YYYY: 2000})
	return &Parser{
		loc: loc,
		ref: ref,
		bsd: rfc3164.NewParser(rfc3164.WithOptionalPriority(), year,
			rfc3164.WithLenientDay(), rfc3164.WithBestEffort()),
		iso: rfc3164.NewParser(rfc3164.WithOptionalPriority(), rfc3164.WithRFC3339(),
			rfc3164.WithSecondFractions(), rfc3164.WithBestEffort()),
		ietf: rfc5424.NewParser(rfc5424.WithBestEffort()),
	}
}

// Split parses one line. It returns the header, the message body with the
// frame's leading spaces removed, and an error naming what was wrong. A line
// with an error still returns whatever header fields were read.
func (p *Parser) Split(line []byte) (Header, string, error) {
	line = bytes.TrimRight(line, "\r\n")
	switch {
	case isRFC5424(line):
		return p.split5424(line)
	case len(line) > 4 && isDigit(line[0]) && line[4] == '-':
		return p.split3164(p.iso, line, event.FormatISO8601)
	default:
		h, msg, err := p.split3164(p.bsd, line, event.FormatRFC3164)
		if err != nil {
			if fixed, ok := repairStamp(line); ok {
				return p.split3164(p.bsd, fixed, event.FormatRFC3164)
			}
		}
		return h, msg, err
	}
}

func (p *Parser) split5424(line []byte) (Header, string, error) {
	m, err := p.ietf.Parse(line)
	h := Header{Format: event.FormatRFC5424}
	s, _ := m.(*rfc5424.SyslogMessage)
	if s == nil {
		return h, "", frameErr(err, h, "rfc5424")
	}
	if s.Timestamp != nil {
		h.Time = *s.Timestamp
	}
	h.Host = deref(s.Hostname)
	h.Tag = deref(s.Appname)
	h.PID = atoiOrZero(deref(s.ProcID))
	msg := strings.TrimLeft(deref(s.Message), " ")
	msg = strings.TrimPrefix(msg, "\ufeff")
	return h, msg, frameErr(err, h, "rfc5424")
}

func (p *Parser) split3164(m gosyslog.Machine, line []byte,
	f event.Format) (Header, string, error) {
	parsed, err := m.Parse(line)
	h := Header{Format: f}
	s, _ := parsed.(*rfc3164.SyslogMessage)
	if s == nil {
		return h, "", frameErr(err, h, string(f))
	}
	if s.Timestamp != nil {
		h.Time = *s.Timestamp
		if f == event.FormatRFC3164 {
			h.Time = p.inferYear(h.Time)
		}
	}
	h.Host = deref(s.Hostname)
	h.Tag = deref(s.Appname)
	h.PID = atoiOrZero(deref(s.ProcID))
	return h, strings.TrimLeft(deref(s.Message), " "), frameErr(err, h, string(f))
}

// frameErr keeps go-syslog's best-effort results usable: a frame that yielded
// a time, a host and a tag is good enough for a mail log line, even when the
// library complains about what follows.
func frameErr(err error, h Header, f string) error {
	if !h.Time.IsZero() && h.Host != "" && h.Tag != "" {
		return nil
	}
	if err == nil {
		return fmt.Errorf("reading %s frame: %w", f, ErrIncomplete)
	}
	return fmt.Errorf("reading %s frame: %w", f, err)
}

// inferYear puts a yearless stamp (parsed as year 2000, UTC) into the
// parser's zone and the latest year that keeps it at most a day after ref.
func (p *Parser) inferYear(t time.Time) time.Time {
	ref := p.ref.In(p.loc)
	for y := ref.Year() + 1; y >= ref.Year()-1; y-- {
		c := time.Date(y, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(),
			t.Nanosecond(), p.loc)
		if !c.After(ref.Add(24 * time.Hour)) {
			return c
		}
	}
	return time.Date(ref.Year()-1, t.Month(), t.Day(), t.Hour(), t.Minute(),
		t.Second(), t.Nanosecond(), p.loc)
}

func isRFC5424(line []byte) bool {
	if len(line) < 4 || line[0] != '<' {
		return false
	}
	i := bytes.IndexByte(line, '>')
	return i > 1 && i < 5 && len(line) > i+2 && line[i+1] == '1' && line[i+2] == ' '
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func atoiOrZero(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
