package trace

import (
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// mailboxAgents are the delivery agents that write into a mailbox (or hand
// to a local delivery program) rather than to another MTA.
var mailboxAgents = map[string]bool{"local": true, "virtual": true, "pipe": true, "lmtp": true}

// conclude decides r's fate from the last delivery line about it in hop h.
// Postfix's status= is evidence, not the answer: a "sent" to a content filter
// that answered "discarded" is a discard, and a "sent" that created a queue
// on another host we read is a hand-off, followed there.
func (g *graph) conclude(h *Hop, r *Recipient, ev *event.Event) []*Recipient {
	r.Final, r.Time, r.DSN = ev, ev.Time, ev.DSN
	switch strings.ToLower(ev.Status) {
	case "sent":
		if c := g.child[ev]; c != nil {
			r.Inferred = r.Inferred || c.Heuristic
			return g.walk(c, r)
		}
		return []*Recipient{g.sent(h, r, ev)}
	case "deferred", "softbounce":
		r.Disposition, r.Reason = DispositionDeferred, ev.Reply
		if exp := lastOf(h, event.KindExpired); exp != nil && !exp.Time.Before(ev.Time) {
			r.Disposition, r.Final, r.Time = DispositionExpired, exp, exp.Time
		}
	case "bounced":
		r.Disposition, r.Reason = DispositionBounced, ev.Reply
	case "expired":
		r.Disposition, r.Reason = DispositionExpired, ev.Reply
	default:
		r.Disposition, r.Reason = DispositionInFlight, ev.Status+" "+ev.Reply
	}
	return []*Recipient{r}
}

// sent concludes a successful delivery line with no followed hop.
func (g *graph) sent(h *Hop, r *Recipient, ev *event.Event) *Recipient {
	switch {
	case ev.Note == "discarded":
		r.Disposition, r.Reason = DispositionDiscarded, ev.Reply
		if c := contentVerdict(h, r.Address); c != nil {
			r.Reason = "blocked " + c.Note + ": " + ev.Reply
		}
	case mailboxAgents[ev.Daemon] || ev.Relay == "local" || ev.Relay == "virtual":
		r.Disposition = DispositionDelivered
		r.Mailbox = ev.To
		r.Folder = folderOf(h, r.Address, ev)
		if r.Folder == "" && ev.Daemon != "lmtp" && ev.Daemon != "pipe" {
			r.Folder = "INBOX"
		}
	case g.reads(ev.RelayName):
		// Relayed means handed to a host whose logs are not read. This host's
		// are, yet they hold no copy of this message: lost on the way, or
		// its lines never reached the log.
		r.Disposition, r.Relay = DispositionInFlight, ev.RelayName
		r.Reason = "handed to " + ev.RelayName + ", whose lines hold no record of it"
	default:
		r.Disposition, r.Relay = DispositionRelayed, ev.RelayName
	}
	return r
}

// folderOf finds the folder Dovecot filed the message into for rcpt: the last
// store line for that mailbox in the hop. Sieve may keep and file a copy, so
// the last store wins.
func folderOf(h *Hop, rcpt string, ev *event.Event) string {
	folder := ""
	for _, s := range h.Events {
		if s.Kind != event.KindStore {
			continue
		}
		if SameMailbox(rcpt, s.Mailbox) || (ev != nil && sameSession(ev.Session, s.Session)) {
			folder = s.Folder
		}
	}
	return folder
}

// undelivered concludes a recipient for whom hop h logged no delivery line.
func (g *graph) undelivered(h *Hop, r *Recipient) {
	if ev := rejectFor(h, r.Address); ev != nil {
		r.Disposition, r.Reason, r.DSN, r.Final, r.Time = DispositionRejected, ev.Reply,
			ev.DSN, ev, ev.Time
		if ev.Status == "discard" || ev.Status == "milter-discard" {
			r.Disposition = DispositionDiscarded
		}
		return
	}
	if ev := lastCheck(h); ev != nil {
		r.Final, r.Time, r.Reason = ev, ev.Time, checkReason(ev)
		switch ev.Status {
		case "discard", "milter-discard":
			r.Disposition = DispositionDiscarded
		case "hold", "milter-hold":
			r.Disposition = DispositionInFlight
		}
		if r.Disposition != "" {
			return
		}
	}
	g.noLine(h, r)
}

// checkReason says which check stopped the message, on what, and with the
// text the rule gave, e.g. "hold by header check on Subject: x: spam rule".
func checkReason(ev *event.Event) string {
	check := ev.Check
	if check == "" {
		check = "header"
	}
	r := ev.Status + " by " + check + " check on " + ev.Note
	if ev.Reply != "" {
		r += ": " + ev.Reply
	}
	return r
}

// noLine concludes a recipient from hop-level lines alone.
func (g *graph) noLine(h *Hop, r *Recipient) {
	if c := contentVerdict(h, r.Address); c != nil && c.Status == "blocked" {
		r.Disposition, r.Final, r.Time = DispositionDiscarded, c, c.Time
		r.Reason = "blocked " + c.Note
		return
	}
	if s := storeFor(h, r.Address); s != nil {
		r.Disposition, r.Final, r.Time, r.Inferred = DispositionDelivered, s, s.Time, true
		r.Mailbox, r.Folder = s.Mailbox, s.Folder
		return
	}
	if exp := lastOf(h, event.KindExpired); exp != nil {
		// The status tells expired from force-expired (postsuper -e).
		r.Disposition, r.Final, r.Time, r.Reason = DispositionExpired, exp, exp.Time, exp.Status
		return
	}
	if ps := lastOf(h, event.KindPostsuper); ps != nil && ps.Status == "removed" {
		r.Disposition, r.Final, r.Time = DispositionDiscarded, ps, ps.Time
		r.Reason = "removed by postsuper"
		return
	}
	r.Disposition = DispositionInFlight
	if ps := lastOf(h, event.KindPostsuper); ps != nil && ps.Status == "placed on hold" {
		r.Reason = "on hold (postsuper)"
	}
}

func rejectFor(h *Hop, addr string) *event.Event {
	var found *event.Event
	for _, ev := range h.Events {
		if ev.Kind == event.KindReject && (ev.To == "" || sameAddr(ev.To, addr) || addr == "") {
			found = ev
		}
	}
	return found
}

// lastCheck returns the hop's last header or body check that stops mail.
func lastCheck(h *Hop) *event.Event {
	var found *event.Event
	for _, ev := range h.Events {
		if ev.Kind != event.KindHeader {
			continue
		}
		switch ev.Status {
		case "hold", "milter-hold", "discard", "milter-discard":
			found = ev
		}
	}
	return found
}

func contentVerdict(h *Hop, addr string) *event.Event {
	var found *event.Event
	for _, ev := range h.Events {
		if ev.Kind == event.KindContent && (ev.To == "" || sameAddr(ev.To, addr)) {
			found = ev
		}
	}
	return found
}

func storeFor(h *Hop, addr string) *event.Event {
	var found *event.Event
	for _, ev := range h.Events {
		if ev.Kind == event.KindStore && (addr == "" || SameMailbox(addr, ev.Mailbox)) {
			found = ev
		}
	}
	return found
}

func lastOf(h *Hop, k event.Kind) *event.Event {
	var found *event.Event
	for _, ev := range h.Events {
		if ev.Kind == k {
			found = ev
		}
	}
	return found
}
