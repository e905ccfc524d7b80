package route

import (
	"time"

	"github.com/mailpath/mailpath/pkg/trace"
)

// marks turns the alignment into marks and the list of missed stages.
func (c *comparison) marks() ([]Mark, []Stage) {
	var marks []Mark
	var missed []Stage
	for _, o := range c.ops {
		switch {
		case o.kind == opTake:
			marks = append(marks, Mark{c.r.Path[o.hop], c.stages[o.stage].Name, takenOr(o.ok)})
		case o.kind == opExtra:
			marks = append(marks, Mark{Host: c.r.Path[o.hop], Kind: MarkWrong})
		case o.ok, o.kind == opTail && (c.pending() || c.lost()):
			// An optional stage, or one mail under way has not reached yet.
		default:
			marks = append(marks, Mark{Stage: c.stages[o.stage].Name, Kind: MarkMissed})
			missed = append(missed, c.stages[o.stage])
		}
	}
	return marks, missed
}

func takenOr(ok bool) MarkKind {
	if ok {
		return MarkTaken
	}
	return MarkWrong
}

// judge sets the verdict, the closing mark and the sentence.
func (c *comparison) judge() {
	switch {
	case c.lost():
		c.judgeLost()
	case c.dropped():
		c.judgeDropped()
	case c.pending():
		c.judgePending()
	default:
		c.judgeEnded()
	}
}

func (c *comparison) set(v Verdict, sentence string) {
	c.res.Verdict, c.res.Sentence = v, sentence
}

// setUnlessDeviated gives verdict v unless the path deviated.
func (c *comparison) setUnlessDeviated(v Verdict, sentence string) {
	if dev := c.deviation(); dev != "" {
		sentence, v = dev, VerdictDeviated
	}
	c.set(v, sentence)
}

func (c *comparison) endMark(host string, k MarkKind) {
	c.res.Marks = append(c.res.Marks, Mark{Host: host, Stage: c.stageOf(host), Kind: k})
}

func (c *comparison) judgeLost() {
	c.endMark(c.r.Relay, MarkLost)
	c.set(VerdictLost, c.lostSentence())
}

func (c *comparison) judgeDropped() {
	c.endMark(c.lastHost(), MarkDropped)
	e := c.res.Expect
	switch {
	case e.Kind != ExpectRejected:
		c.set(VerdictFailed, c.unexpectedSentence())
	case c.r.Disposition != trace.DispositionRejected:
		c.set(VerdictDeviated, c.unexpectedSentence())
	case e.At != "" && !globFits(e.At, c.lastHost()):
		c.set(VerdictDeviated, c.wrongRejecterSentence())
	default:
		c.setUnlessDeviated(VerdictOK, c.expectedSentence())
	}
}

func (c *comparison) judgePending() {
	s, wait := c.waitStage(), c.now.Sub(c.arrival())
	if s != nil && s.MaxWait > 0 && wait > s.MaxWait {
		c.endMark(c.lastHost(), MarkStuck)
		c.set(VerdictStuck, c.stuckSentence(s, wait))
		return
	}
	c.res.Pending = true
	c.setUnlessDeviated(VerdictOK, c.pendingSentence(s, wait))
}

func (c *comparison) judgeEnded() {
	if dev := c.deviation(); dev != "" {
		c.set(VerdictDeviated, dev)
		return
	}
	if why := c.mismatch(); why != "" {
		c.set(VerdictDeviated, why)
		return
	}
	c.set(VerdictOK, c.expectedSentence())
}

// mismatch says how a delivered or relayed recipient ended otherwise than
// expected, or "".
func (c *comparison) mismatch() string {
	e, r := c.res.Expect, c.r
	switch {
	case string(e.Kind) != string(r.Disposition):
		return c.unexpectedSentence()
	case e.Folder != "" && !globFits(e.Folder, r.Folder):
		return c.outcome() + ", where the route expects folder " + e.Folder
	case len(e.Via) > 0 && !anyFits(e.Via, c.lastHost()):
		return c.outcome() + ", where the route expects it relayed by " + or(e.Via)
	}
	return ""
}

func anyFits(globs []string, s string) bool {
	for _, g := range globs {
		if globFits(g, s) {
			return true
		}
	}
	return false
}

// waitStage is the stage the recipient waits at: the one its last hop took.
func (c *comparison) waitStage() *Stage {
	last := -1
	for i, o := range c.ops {
		if o.kind == opTake || o.kind == opExtra {
			last = i
		}
	}
	if last < 0 || c.ops[last].kind != opTake || !c.ops[last].ok {
		return nil
	}
	return &c.stages[c.ops[last].stage]
}

// stageOf names the stage of the alignment that host took, else the first
// stage that allows it, else "".
func (c *comparison) stageOf(host string) string {
	for _, o := range c.ops {
		if o.kind == opTake && c.r.Path[o.hop] == host {
			return c.stages[o.stage].Name
		}
	}
	for _, s := range c.stages {
		if s.allows(host) || s.allows(shortName(host)) {
			return s.Name
		}
	}
	return ""
}

func (c *comparison) lastHost() string {
	if n := len(c.r.Path); n > 0 {
		return c.r.Path[n-1]
	}
	return ""
}

// arrival is when the recipient reached its last host: the earliest event of
// the hops it has there, else when its disposition was reached.
func (c *comparison) arrival() time.Time {
	var at time.Time
	host := c.lastHost()
	for i := len(c.r.Hops) - 1; i >= 0 && c.r.Hops[i].Host == host; i-- {
		if t := firstEvent(c.r.Hops[i]); !t.IsZero() && (at.IsZero() || t.Before(at)) {
			at = t
		}
	}
	if at.IsZero() {
		return c.r.Time
	}
	return at
}

func firstEvent(h *trace.Hop) time.Time {
	at := h.Arrival()
	for _, ev := range h.Events {
		if at.IsZero() || ev.Time.Before(at) {
			at = ev.Time
		}
	}
	return at
}
