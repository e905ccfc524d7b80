package trace

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/logsource"
)

// Options tune [Run]. The zero value is usable.
type Options struct {
	// MaxRounds bounds the queries one trace makes (default 12). Every round
	// after the first asks only for IDs the previous rounds discovered.
	MaxRounds int
	// Lookback is how far before the earliest line found so far later rounds
	// search, for lines of a queue ID written before its Message-ID line: an
	// smtpd client= line is logged at the first accepted recipient, cleanup's
	// message-id= as soon as the headers are in, seconds later. Default 2m.
	Lookback time.Duration
	// Follow is how far after the latest line found so far later rounds
	// search at first. Copies that are still open at that horizon (no
	// "removed", not expired: deferred, held, in flight) are then followed to
	// the end of the logs in one more round. Default 5m.
	Follow time.Duration
}

// Result is the outcome of [Run].
type Result struct {
	Traces []*Trace
	// Unparsed are the wanted lines the parser did not understand; they are
	// kept whole so a person can read them.
	Unparsed []event.Event
	// Partial is set when a source could not answer a round completely, or
	// the round limit stopped the search; Reasons say what is missing.
	Partial bool
	Reasons []string
	Rounds  int
	Lines   int
	// Waited is the time the source spent waiting for its backend.
	Waited time.Duration
}

// Run traces seed through src: it queries for the seed, then for the queue
// IDs, Message-IDs and smtpd sessions each round's lines name, until a round
// brings nothing new, and builds the traces the seed names.
func Run(ctx context.Context, src logsource.Source, seed Seed, opt Options) (*Result, error) {
	if err := seed.Validate(); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	res := &Result{}
	c := newCollector()
	terms := seed.terms()
	asked := map[string]bool{}
	if seed.Since.IsZero() && seed.Until.IsZero() {
		// A windowed first round may have cut a message's first or last
		// hops; then its Message-ID is asked again with the follow-up window.
		for _, t := range terms {
			asked[termKey(t)] = true
		}
	}
	q := logsource.Query{Terms: terms, Since: seed.Since, Until: seed.Until}
	var horizon time.Time    // where bounded follow-up rounds stopped
	ids := map[string]bool{} // Message-IDs of the messages the seed named so far
	var built []*Trace       // the last Build, of the first builtFrom lines
	builtFrom := -1
	for len(q.Terms) > 0 {
		if res.Rounds == opt.MaxRounds {
			res.Partial = true
			res.Reasons = append(res.Reasons, fmt.Sprintf(
				"stopped after %d query rounds with %d terms left", res.Rounds, len(q.Terms)))
			break
		}
		if err := c.round(ctx, src, q, res); err != nil {
			return nil, err
		}
		built, builtFrom = Build(c.events), len(c.events)
		selected := related(built, seed, ids)
		first, last := spanOf(selected)
		q = nextQuery(newTerms(selected, asked, c.hosts), first, last, opt)
		if !q.Until.IsZero() && len(q.Terms) > 0 && q.Terms[0].Until.IsZero() {
			horizon = maxTime(horizon, q.Until)
		}
		if len(q.Terms) == 0 && !horizon.IsZero() {
			q = continuation(selected, horizon, asked)
			horizon = time.Time{}
		}
	}
	if builtFrom != len(c.events) {
		// The last round brought lines the loop has not correlated yet.
		built = Build(c.events)
	}
	res.Traces = Select(built, seed)
	res.Lines = len(c.events)
	return res, nil
}

// related returns the traces the seed names and those that share a
// Message-ID with any it named in this or an earlier round. Until a round
// has brought a message's hand-off lines, its hops stand apart, or hang on
// heuristic links, and the seed (a recipient, say) may not name the whole
// yet; it must still be followed. ids accumulates across rounds.
func related(traces []*Trace, seed Seed, ids map[string]bool) []*Trace {
	named := Select(traces, seed)
	for _, t := range named {
		for _, h := range allHops(t) {
			if h.MessageID != "" && h.MessageID != "<>" {
				ids[h.MessageID] = true
			}
		}
	}
	out := named
	for _, t := range traces {
		if !slices.Contains(named, t) && anyHop(t, func(h *Hop) bool { return ids[h.MessageID] }) {
			out = append(out, t)
		}
	}
	return out
}

// sessionWindow is how far before an smtpd client= line its session's
// rejects without a queue ID are looked for. smtpd opens the queue file at
// the first accepted recipient, so the recipients it refused before carry
// NOQUEUE and come first, seconds before, in the same transaction; those it
// refuses later carry the queue ID. A window that misses the session's
// connect line still splits sessions right: a reject is bounded by the next
// disconnect after it too.
const sessionWindow = 30 * time.Second

// nextQuery bounds a round: by the terms' own windows when every term has
// one (a round of smtpd sessions only), else from Lookback before the
// earliest line found so far to Follow after the latest. Open-ended terms
// come first in the query.
func nextQuery(terms []logsource.Term, first, last time.Time, opt Options) logsource.Query {
	q := logsource.Query{Terms: terms}
	sort.SliceStable(terms, func(i, j int) bool {
		return terms[i].Until.IsZero() && !terms[j].Until.IsZero()
	})
	for i, t := range terms {
		if t.Since.IsZero() || t.Until.IsZero() {
			if !first.IsZero() {
				q.Since, q.Until = first.Add(-opt.Lookback), last.Add(opt.Follow)
			}
			return q
		}
		if i == 0 || t.Since.Before(q.Since) {
			q.Since = t.Since
		}
		if t.Until.After(q.Until) {
			q.Until = t.Until
		}
	}
	return q
}

// continuation asks, from the horizon of the bounded rounds to the end of the
// logs, for the lines of every copy not yet closed: a deferred copy is
// retried, a held one released, for days. The seed's window bounds where a
// message is found, not how far it is followed.
func continuation(traces []*Trace, horizon time.Time, asked map[string]bool) logsource.Query {
	q := logsource.Query{Since: horizon}
	for _, t := range traces {
		for _, h := range allHops(t) {
			if h.QueueID == "" || closed(h) {
				continue
			}
			term := logsource.Term{Host: h.Host, QueueID: h.QueueID}
			if k := "continue|" + termKey(term); !asked[k] {
				asked[k] = true
				q.Terms = append(q.Terms, term)
			}
		}
	}
	return q
}

// closed reports whether a copy's last line is in: qmgr removed or expired
// it, or an administrator deleted it.
func closed(h *Hop) bool {
	for _, ev := range h.Events {
		switch {
		case ev.Kind == event.KindRemoved, ev.Kind == event.KindExpired:
			return true
		case ev.Kind == event.KindPostsuper && ev.Status == "removed":
			return true
		}
	}
	return false
}

func (o Options) withDefaults() Options {
	if o.MaxRounds <= 0 {
		o.MaxRounds = 12
	}
	if o.Lookback <= 0 {
		o.Lookback = 2 * time.Minute
	}
	if o.Follow <= 0 {
		o.Follow = 5 * time.Minute
	}
	return o
}

// collector keeps the lines of all rounds, each once.
type collector struct {
	events []event.Event
	seen   map[lineID]bool
	hosts  map[string]bool
}

func newCollector() *collector {
	return &collector{seen: map[lineID]bool{}, hosts: map[string]bool{}}
}

func (c *collector) round(ctx context.Context, src logsource.Source, q logsource.Query,
	res *Result) error {
	res.Rounds++
	r, err := src.Find(ctx, q)
	res.Waited += r.Waited
	if err != nil {
		return fmt.Errorf("query round %d: %w", res.Rounds, err)
	}
	if r.Partial {
		res.Partial = true
		res.Reasons = append(res.Reasons, fmt.Sprintf("round %d: %s", res.Rounds, r.Reason))
	}
	for _, ev := range r.Events {
		k := lineKey(&ev)
		if c.seen[k] {
			continue
		}
		c.seen[k] = true
		ev.Seq = int64(len(c.events))
		if ev.Kind == event.KindUnparsed {
			res.Unparsed = append(res.Unparsed, ev)
		} else if ev.Host != "" {
			c.hosts[firstLabel(ev.Host)] = true
		}
		c.events = append(c.events, ev)
	}
	return nil
}

// lineID names one log line across rounds: by its file and line number
// when it has them, else by its host, time and text (Loki's identity of an
// entry within a stream).
type lineID struct {
	source string
	lineNo int64
	host   string
	ns     int64
	line   string
}

func lineKey(ev *event.Event) lineID {
	if ev.Source != "" && ev.LineNo > 0 {
		return lineID{source: ev.Source, lineNo: ev.LineNo}
	}
	return lineID{host: ev.Host, ns: ev.Time.UnixNano(), line: ev.Line}
}

func termKey(t logsource.Term) string {
	return t.Host + "|" + t.Text + "|" + t.QueueID + "|" + strconv.Itoa(t.PID)
}

// newTerms lists what the selected traces name that no round asked for yet.
func newTerms(traces []*Trace, asked, hosts map[string]bool) []logsource.Term {
	var out []logsource.Term
	add := func(t logsource.Term) {
		if k := termKey(t); !asked[k] {
			asked[k] = true
			out = append(out, t)
		}
	}
	known := map[string]bool{}
	for _, t := range traces {
		for _, h := range allHops(t) {
			known[h.QueueID] = true
		}
	}
	for _, t := range traces {
		for _, h := range allHops(t) {
			hopTerms(h, hosts, known, add)
		}
	}
	return out
}

func hopTerms(h *Hop, hosts, known map[string]bool, add func(logsource.Term)) {
	if h.QueueID != "" {
		add(logsource.Term{Host: h.Host, QueueID: h.QueueID})
	}
	if id := bareID(h.MessageID); id != "" {
		add(logsource.Term{Text: id})
	}
	for _, ev := range h.Events {
		for _, t := range eventTerms(h, ev, hosts) {
			if t.QueueID == "" || !known[t.QueueID] {
				add(t)
			}
		}
	}
}

// eventTerms are the IDs one line points to: the next hop's queue ID on a
// host whose logs we read, a notification's or requeued copy's queue ID, and
// the smtpd process whose session holds the hop's rejects.
func eventTerms(h *Hop, ev *event.Event, hosts map[string]bool) []logsource.Term {
	switch {
	case ev.Kind == event.KindDelivery && ev.QueuedAs != "" && ev.Status == "sent":
		host := ""
		if relayIsHost(ev, h.Host) {
			host = h.Host
		} else if !hosts[firstLabel(ev.RelayName)] {
			return nil
		}
		return []logsource.Term{{Host: host, QueueID: ev.QueuedAs}}
	case ev.Kind == event.KindNotify:
		return []logsource.Term{{Host: h.Host, QueueID: ev.Child}}
	case ev.Kind == event.KindPickup && ev.Parent != "":
		return []logsource.Term{{Host: h.Host, QueueID: ev.Parent}}
	case ev.Kind == event.KindContent && ev.QueuedAs != "":
		return []logsource.Term{{Host: h.Host, QueueID: ev.QueuedAs}}
	case ev.Kind == event.KindClient && ev.PID > 0 && h.Parent == nil:
		// Only the entry hop's session is asked for: a host inside the
		// system that refuses a recipient tells its sender, whose delivery
		// line, already read, carries the reply.
		return []logsource.Term{{Host: h.Host, PID: ev.PID,
			Since: ev.Time.Add(-sessionWindow), Until: ev.Time.Add(time.Second)}}
	}
	return nil
}

func allHops(t *Trace) []*Hop {
	hops := append([]*Hop(nil), t.Hops...)
	for _, n := range t.Notifications {
		hops = append(hops, allHops(n)...)
	}
	return hops
}

// spanOf returns the earliest and latest line time of the traces.
func spanOf(traces []*Trace) (first, last time.Time) {
	for _, t := range traces {
		if !t.First.IsZero() && (first.IsZero() || t.First.Before(first)) {
			first = t.First
		}
		last = maxTime(last, t.Last)
	}
	return first, last
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
