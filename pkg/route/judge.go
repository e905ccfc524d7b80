package route

import (
	"time"

	"github.com/mailpath/mailpath/pkg/trace"
)

// Judgement is one recipient's comparison with the route that applies to it.
// Route is nil when no route matches.
type Judgement struct {
	Route  *Route
	Why    string // which rule made the route apply
	Result Result
}

// Judge compares every top-level recipient of the traces with its route.
// now is what waiting is measured against; see [LastLine] for logs that end.
func (db *DB) Judge(traces []*trace.Trace, now time.Time) map[*trace.Recipient]Judgement {
	out := map[*trace.Recipient]Judgement{}
	for _, t := range traces {
		for _, r := range t.Recipients {
			rt, why := db.RouteFor(t, r)
			j := Judgement{Route: rt, Why: why}
			if rt != nil {
				j.Result = Compare(rt, r, now)
			}
			out[r] = j
		}
	}
	return out
}

// LastLine is the time of the latest line of the traces: the "now" of logs
// that are read after the fact, such as files.
func LastLine(traces []*trace.Trace) time.Time {
	var last time.Time
	for _, t := range traces {
		if t.Last.After(last) {
			last = t.Last
		}
	}
	return last
}
