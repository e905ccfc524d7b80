package route

import (
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/trace"
)

// Verdict is the result of comparing a recipient's path with its route.
type Verdict string

// Verdicts, as the vocabulary defines them.
const (
	VerdictOK       Verdict = "ok"
	VerdictDeviated Verdict = "deviated"
	VerdictStuck    Verdict = "stuck"
	VerdictLost     Verdict = "lost"
	VerdictFailed   Verdict = "failed"
)

// MarkKind says how one host of a path, or one stage, fared.
type MarkKind string

// Mark kinds.
const (
	MarkTaken   MarkKind = "taken"   // a hop to a host its stage allows
	MarkWrong   MarkKind = "wrong"   // a hop to a host its stage, or every stage, refuses
	MarkMissed  MarkKind = "missed"  // a stage expected but not taken; Host is empty
	MarkDropped MarkKind = "dropped" // where the message was bounced, rejected and so on
	MarkStuck   MarkKind = "stuck"   // where it waits past its stage's max_wait
	MarkLost    MarkKind = "lost"    // the host that has no record of the hand-off
)

// Mark is one step of the comparison. Stage is empty for a hop no stage
// allows.
type Mark struct {
	Host  string
	Stage string
	Kind  MarkKind
}

// Result is the outcome of [Compare].
type Result struct {
	Verdict Verdict
	// Marks run in path order: one taken or wrong mark per host of the path,
	// a missed mark where a stage was skipped, and last a dropped, stuck or
	// lost mark for where the message ended or waits.
	Marks []Mark
	// Missed are the stages expected but not taken: skipped ones, and those
	// after the host where a message ended (for a dropped message, or one
	// delivered too early). Stages not yet reached by mail still under way
	// are not missed.
	Missed []Stage
	// Pending is set when the recipient has no final disposition yet, in
	// flight or deferred within its stage's max_wait: an ok verdict then
	// means on its route so far.
	Pending bool
	// Branch names the branch the recipient took, if any; Expect is the
	// ending compared, the branch's or the route's.
	Branch   string
	Expect   Expect
	Sentence string
}

// Compare aligns recipient r's path with route's stages, a hop to any host
// its stage allows and optional stages skipped for free, and gives the
// verdict. now is what the time a deferred or in-flight recipient has waited
// is measured against. route and r must not be nil.
func Compare(route *Route, r *trace.Recipient, now time.Time) Result {
	c := &comparison{r: r, now: now}
	c.stages, c.res.Expect, c.res.Branch = plan(route, r)
	c.ops = align(c.stages, r.Path, c.freeTail())
	c.res.Marks, c.res.Missed = c.marks()
	c.judge()
	return c.res
}

// comparison is the state of one [Compare].
type comparison struct {
	r      *trace.Recipient
	now    time.Time
	stages []Stage
	ops    []op
	res    Result
}

// plan resolves the branches along route for r: the stages r should pass,
// the ending it should reach and the branch that chose them.
func plan(route *Route, r *trace.Recipient) ([]Stage, Expect, string) {
	expect, branch := route.Expect, ""
	var out []Stage
	stages := route.Stages
	for i := 0; i < len(stages); i++ {
		out = append(out, stages[i])
		b := pickBranch(stages[i].Branches, r)
		if b == nil {
			continue
		}
		stages, i, branch = b.Stages, -1, b.Name
		if b.Expect != nil {
			expect = *b.Expect
		}
	}
	return out, expect, branch
}

func pickBranch(bs []Branch, r *trace.Recipient) *Branch {
	for i := range bs {
		if _, ok := bs[i].Match.fits(nil, r, r.Address); ok {
			return &bs[i]
		}
	}
	return nil
}

// freeTail reports whether stages after the last hop cost nothing: mail
// still under way has not reached them yet, mail that was lost never could.
func (c *comparison) freeTail() bool {
	return c.pending() || c.lost() || c.dropped()
}

func (c *comparison) pending() bool {
	d := c.r.Disposition
	return !c.lost() && (d == trace.DispositionInFlight || d == trace.DispositionDeferred)
}

// lost tells a hand-off to a host whose logs are read but hold no record of
// it, which the trace leaves in flight with a reason saying so.
func (c *comparison) lost() bool {
	return c.r.Disposition == trace.DispositionInFlight && strings.Contains(c.r.Reason, "no record")
}

func (c *comparison) dropped() bool {
	switch c.r.Disposition {
	case trace.DispositionBounced, trace.DispositionRejected, trace.DispositionDiscarded,
		trace.DispositionExpired:
		return true
	}
	return false
}

// allows reports whether host may be at stage s.
func (s Stage) allows(host string) bool {
	for _, h := range s.Hosts {
		if globFits(h, host) {
			return true
		}
	}
	return false
}
