package loggen

import (
	"strconv"
	"time"
)

// Syslog priorities (facility mail) of the lines written.
const (
	priInfo    = 2*8 + 6
	priWarning = 2*8 + 4
)

// stamper formats line times, remembering the last second it formatted: lines
// come in time order, so most lines reuse it.
type stamper struct {
	loc    *time.Location
	rfc    bool // RFC 5424 rather than RFC 3164
	sec    int64
	head   []byte // "Dec  3 10:11:12" or "2026-12-03T10:11:12."
	offset string // "+00:00", RFC 5424 only
}

func newStamper(loc *time.Location, format string) *stamper {
	return &stamper{loc: loc, rfc: format == FormatRFC5424, sec: -1 << 62}
}

// appendStamp appends the time us (microseconds since the epoch).
func (s *stamper) appendStamp(b []byte, us int64) []byte {
	sec := us / 1e6
	if sec != s.sec {
		s.load(sec)
	}
	b = append(b, s.head...)
	if !s.rfc {
		return b
	}
	b = appendPadded(b, uint64(us%1e6), 10, 6, hexDigits)
	return append(b, s.offset...)
}

func (s *stamper) load(sec int64) {
	t := time.Unix(sec, 0).In(s.loc)
	s.sec = sec
	if s.rfc {
		s.head = t.AppendFormat(s.head[:0], "2006-01-02T15:04:05.")
		s.offset = t.Format("-07:00")
		return
	}
	s.head = t.AppendFormat(s.head[:0], time.Stamp)
}

// begin starts a line from one of the host's Postfix daemons.
func (g *generator) begin(us int64, h *host, daemon string, pid int) {
	g.beginTag(us, priInfo, h.name, h.tag, daemon, pid)
}

// beginWarn starts a warning line from one of the host's Postfix daemons.
func (g *generator) beginWarn(us int64, h *host, daemon string, pid int) {
	g.beginTag(us, priWarning, h.name, h.tag, daemon, pid)
	g.s("warning: ")
}

// beginTag starts a line whose tag is prefix+name; pid 0 means the tag has none.
func (g *generator) beginTag(us int64, pri int, hostName, prefix, name string, pid int) {
	b := g.ln[:0]
	g.lnTime = us
	if g.stamp.rfc {
		b = append(b, '<')
		b = strconv.AppendInt(b, int64(pri), 10)
		b = append(b, ">1 "...)
	}
	b = g.stamp.appendStamp(b, us)
	b = append(b, ' ')
	b = append(b, hostName...)
	b = append(b, ' ')
	b = append(b, prefix...)
	b = append(b, name...)
	g.ln = appendPID(b, pid, g.stamp.rfc)
	g.headLen = len(g.ln)
}

func appendPID(b []byte, pid int, rfc bool) []byte {
	switch {
	case rfc && pid == 0:
		return append(b, " - - -  "...)
	case rfc:
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(pid), 10)
		return append(b, " - -  "...)
	case pid == 0:
		return append(b, ": "...)
	}
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(pid), 10)
	return append(b, "]: "...)
}

// s appends text to the line being built.
func (g *generator) s(text string) { g.ln = append(g.ln, text...) }

// n appends a decimal number to the line being built.
func (g *generator) n(v int) { g.ln = strconv.AppendInt(g.ln, int64(v), 10) }

// addr appends "<address>".
func (g *generator) addr(a string) {
	g.ln = append(g.ln, '<')
	g.ln = append(g.ln, a...)
	g.ln = append(g.ln, '>')
}

// peer appends "name[ip]".
func (g *generator) peer(name, ip string) {
	g.ln = append(g.ln, name...)
	g.ln = append(g.ln, '[')
	g.ln = append(g.ln, ip...)
	g.ln = append(g.ln, ']')
}

// delay appends a duration in microseconds as Postfix logs delay= and delays=:
// two significant digits, whole seconds from ten seconds on, "0" below 0.01 s.
func (g *generator) delay(us int64) {
	g.ln = appendDelay(g.ln, us)
}

func appendDelay(b []byte, us int64) []byte {
	switch {
	case us < 10000:
		return append(b, '0')
	case us >= 10e6:
		return strconv.AppendInt(b, us/1e6, 10)
	case us >= 1e6:
		return appendFraction(b, us/1e6, us/1e5%10, 1)
	}
	return appendFraction(b, 0, us/1e4, 2)
}

// appendFraction appends whole.frac with frac of the given digits, dropping
// trailing zeros as Postfix does ("0.1", "2").
func appendFraction(b []byte, whole, frac int64, digits int) []byte {
	b = strconv.AppendInt(b, whole, 10)
	for digits > 0 && frac%10 == 0 {
		frac /= 10
		digits--
	}
	if digits == 0 {
		return b
	}
	b = append(b, '.')
	return appendPadded(b, uint64(frac), 10, digits, hexDigits)
}

// end finishes the line being built and schedules it at its time.
func (g *generator) end() {
	g.ln = append(g.ln, '\n')
	g.schedule(g.lnTime, g.ln)
}
