package trace

import (
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// recipients walks every envelope recipient of the message rooted at root
// along its hops to its disposition.
func (g *graph) recipients(root *Hop) []*Recipient {
	var out []*Recipient
	for _, r := range entryRecipients(root) {
		out = append(out, g.walk(root, r)...)
	}
	return out
}

// entryRecipients lists the envelope recipients a hop received: the orig_to
// (or to) of its deliveries, the to= of its rejects and checks, in order of
// appearance. A hop that logged no recipient at all gives one unnamed one,
// so that a held or dropped message still shows its fate.
func entryRecipients(h *Hop) []*Recipient {
	seen := map[string]bool{}
	var out []*Recipient
	add := func(addr string) {
		k := strings.ToLower(addr)
		if addr == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, &Recipient{Address: addr})
	}
	for _, ev := range h.Events {
		switch ev.Kind {
		case event.KindDelivery:
			if isProbe(ev) {
				continue
			}
			if ev.OrigTo != "" && !sameAddr(ev.OrigTo, ev.To) && !seen[strings.ToLower(ev.To)] {
				add(ev.OrigTo)
				continue
			}
			add(ev.To)
		case event.KindReject, event.KindHeader, event.KindContent:
			add(ev.To)
		}
	}
	if len(out) == 0 {
		out = append(out, &Recipient{})
	}
	return out
}

// isProbe tells an address verification probe's result, which is no
// delivery: Postfix logs it with status deliverable or undeliverable.
func isProbe(ev *event.Event) bool {
	switch ev.Status {
	case "deliverable", "undeliverable", "undeliverable-but-not-cached":
		return true
	}
	return false
}

func sameAddr(a, b string) bool { return strings.EqualFold(a, b) }

// walk follows recipient r through hop h. An alias expanded in h turns r into
// one recipient per expansion, each remembering r's address as OrigTo.
func (g *graph) walk(h *Hop, r *Recipient) []*Recipient {
	r.Hops = append(r.Hops, h)
	if n := len(r.Path); n == 0 || r.Path[n-1] != h.Host {
		r.Path = append(r.Path, h.Host)
	}
	groups := deliveriesFor(h, r.Address)
	if c := requeued(h); c != nil && pending(groups) {
		return g.walk(c, r)
	}
	if len(groups) == 0 {
		if out := g.walkImplied(h, r); out != nil {
			return out
		}
		g.undelivered(h, r)
		return []*Recipient{r}
	}
	var out []*Recipient
	for _, grp := range groups {
		rr := r
		if len(groups) > 1 || !sameAddr(grp.to, r.Address) {
			rr = r.fork(grp.to)
		}
		out = append(out, g.conclude(h, rr, grp.final)...)
	}
	return out
}

// requeued returns the copy postsuper -r made of hop h, if any.
func requeued(h *Hop) *Hop {
	for _, c := range h.Children {
		if c.Link == LinkRequeue {
			return c
		}
	}
	return nil
}

// pending reports whether a recipient's delivery lines in a hop leave it
// still queued there: none at all, or a single deferral.
func pending(groups []deliveryGroup) bool {
	if len(groups) == 0 {
		return true
	}
	if len(groups) > 1 {
		return false
	}
	st := strings.ToLower(groups[0].final.Status)
	return st == "deferred" || st == "softbounce"
}

func (r *Recipient) fork(to string) *Recipient {
	c := *r
	c.Path = append([]string(nil), r.Path...)
	c.Hops = append([]*Hop(nil), r.Hops...)
	if !sameAddr(to, r.Address) {
		if c.OrigTo == "" {
			c.OrigTo = r.Address
		}
		c.Address = to
	}
	return &c
}

type deliveryGroup struct {
	to    string
	final *event.Event
}

// deliveriesFor returns, per final address, the last delivery line about
// addr in hop h: a line to addr, or one whose orig_to is addr (an alias).
func deliveriesFor(h *Hop, addr string) []deliveryGroup {
	var out []deliveryGroup
	index := map[string]int{}
	for _, ev := range h.Events {
		if ev.Kind != event.KindDelivery || isProbe(ev) {
			continue
		}
		if !sameAddr(ev.To, addr) && !(ev.OrigTo != "" && sameAddr(ev.OrigTo, addr)) {
			continue
		}
		if addr == "" {
			continue
		}
		k := strings.ToLower(ev.To)
		if i, ok := index[k]; ok {
			if !ev.Time.Before(out[i].final.Time) {
				out[i].final = ev
			}
			continue
		}
		index[k] = len(out)
		out = append(out, deliveryGroup{to: ev.To, final: ev})
	}
	return out
}

// walkImplied follows r from a hop that logged no delivery line for it into
// the children that did receive it, when the hand-off line is lost (cut,
// dropped by a syslog daemon) but the next hop's own lines tie it to this
// one. The recipients it returns are marked inferred. It returns nil when no
// child took r, or when the hop itself stopped r (a reject, hold or discard).
func (g *graph) walkImplied(h *Hop, r *Recipient) []*Recipient {
	if rejectFor(h, r.Address) != nil || lastCheck(h) != nil {
		return nil
	}
	var out []*Recipient
	for _, c := range h.Children {
		if c.Link == LinkBounce || g.handedByLine(h, c) {
			continue
		}
		for _, in := range entryRecipients(c) {
			if r.Address != "" && !sameAddr(in.Address, r.Address) {
				continue
			}
			rr := r.fork(r.Address)
			rr.Address, rr.Inferred = in.Address, true
			out = append(out, g.walk(c, rr)...)
		}
	}
	return out
}

// handedByLine reports whether one of h's delivery lines names child c: then
// c is reached through that line, not implied.
func (g *graph) handedByLine(h, c *Hop) bool {
	for _, ev := range h.Events {
		if g.child[ev] == c {
			return true
		}
	}
	return false
}
