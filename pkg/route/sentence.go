package route

import (
	"fmt"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/trace"
)

// deviation says how the path left the route, or "" when it did not: the
// first wrong hop or skipped stage, with how many more there are.
func (c *comparison) deviation() string {
	var first string
	more := 0
	for i, o := range c.ops {
		s := c.problem(i, o)
		switch {
		case s == "":
		case first == "":
			first = s
		default:
			more++
		}
	}
	if more > 0 {
		first += fmt.Sprintf(" (and %d more %s)", more, plural(more, "deviation"))
	}
	return first
}

// problem describes op o, the i-th, when it is a deviation.
func (c *comparison) problem(i int, o op) string {
	switch {
	case o.kind == opTake && !o.ok:
		s := c.stages[o.stage]
		return fmt.Sprintf("%s was used at stage %q, where the route allows %s",
			c.r.Path[o.hop], s.Name, or(s.Hosts))
	case o.kind == opExtra && o.hop == 0:
		return fmt.Sprintf("the message entered at %s, which no stage of the route allows",
			c.r.Path[o.hop])
	case o.kind == opExtra:
		return fmt.Sprintf("%s handed the message to %s, which no stage of the route allows",
			c.r.Path[o.hop-1], c.r.Path[o.hop])
	case o.kind == opSkip && !o.ok:
		return c.skipSentence(i, c.stages[o.stage])
	case o.kind == opTail && !o.ok && !c.freeTail():
		return fmt.Sprintf("stage %q was skipped: the message ended at %s (%s)",
			c.stages[o.stage].Name, c.lastHost(), c.r.Disposition)
	}
	return ""
}

// skipSentence says which hand-off jumped over stage s, skipped at op i.
func (c *comparison) skipSentence(i int, s Stage) string {
	prev, next := "", ""
	for j := i - 1; j >= 0 && prev == ""; j-- {
		if c.ops[j].hop >= 0 {
			prev = c.r.Path[c.ops[j].hop]
		}
	}
	for j := i + 1; j < len(c.ops) && next == ""; j++ {
		if c.ops[j].hop >= 0 {
			next = c.r.Path[c.ops[j].hop]
		}
	}
	if prev == "" {
		return fmt.Sprintf("stage %q was skipped: the message entered at %s", s.Name, next)
	}
	return fmt.Sprintf("stage %q was skipped: %s handed the message straight to %s",
		s.Name, prev, next)
}

// outcome says how the recipient ended, e.g. "delivered to INBOX of bob@x".
func (c *comparison) outcome() string {
	r := c.r
	switch r.Disposition {
	case trace.DispositionDelivered:
		return "delivered to " + orDefault(r.Folder, "the mailbox") + " of " +
			orDefault(r.Mailbox, r.Address)
	case trace.DispositionRelayed:
		return strings.TrimSuffix("relayed by "+c.lastHost()+" to "+r.Relay, " to ")
	}
	return string(r.Disposition) + " at " + c.lastHost() + because(r.Reason)
}

func (c *comparison) expectedSentence() string { return c.outcome() + " as the route expects" }

func (c *comparison) unexpectedSentence() string {
	return c.outcome() + ", where the route expects it " + string(c.res.Expect.Kind)
}

func (c *comparison) wrongRejecterSentence() string {
	return c.outcome() + ", where the route expects it rejected at " + c.res.Expect.At
}

func (c *comparison) lostSentence() string {
	return fmt.Sprintf("%s handed the message to %s, whose logs hold no record of it",
		c.lastHost(), c.r.Relay)
}

func (c *comparison) stuckSentence(s *Stage, wait time.Duration) string {
	return fmt.Sprintf("the message stopped at %s: %s for %s%s, past the stage's %s",
		c.lastHost(), waitWord(c.r.Disposition), duration(wait), because(c.r.Reason),
		duration(s.MaxWait))
}

func (c *comparison) pendingSentence(s *Stage, wait time.Duration) string {
	out := fmt.Sprintf("on its way: %s at %s for %s%s", waitWord(c.r.Disposition),
		c.lastHost(), duration(wait), because(c.r.Reason))
	switch {
	case s == nil:
		return out
	case s.MaxWait > 0:
		return out + ", within the stage's " + duration(s.MaxWait)
	}
	return out + fmt.Sprintf("; stage %q sets no max_wait", s.Name)
}

func waitWord(d trace.Disposition) string {
	if d == trace.DispositionInFlight {
		return "in flight"
	}
	return string(d)
}

func because(reason string) string {
	if reason == "" {
		return ""
	}
	return " (" + reason + ")"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// or lists names as "a", "a or b", "a, b or c".
func or(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// duration writes d to the second without zero tails: 3h, 1h30m, 12s.
func duration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// shortName is a host name's first label: the syslog name of an FQDN.
func shortName(host string) string {
	name, _, _ := strings.Cut(host, ".")
	return name
}
