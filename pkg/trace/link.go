package trace

import (
	"net"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
)

// skew is how far apart two hosts' clocks may be for a heuristic link to
// still join a hand-off to its arrival.
const skew = 2 * time.Minute

// link joins hops: hand-offs that name the next queue ID, notifications,
// requeues and filter re-injections, then a heuristic pass for hops whose
// linking line is missing.
func (g *graph) link() {
	for _, h := range g.order {
		for _, ev := range h.Events {
			g.linkEvent(h, ev)
		}
	}
	for _, h := range g.order {
		if h.Parent == nil {
			g.inferParent(h)
		}
	}
}

func (g *graph) linkEvent(h *Hop, ev *event.Event) {
	switch {
	case ev.Kind == event.KindDelivery && ev.QueuedAs != "" && ev.Status == "sent":
		kind := LinkRelay
		if ev.Note == "forwarded" {
			kind = LinkForward
		}
		if c := g.findChild(h, ev, ev.QueuedAs); c != nil {
			g.child[ev] = c
			adopt(h, c, kind, false)
		}
	case ev.Kind == event.KindNotify:
		// The notification's own lines may lie outside the window; the line
		// naming it is enough to know it exists.
		c := g.sameHost(h, ev.Child)
		if c == nil {
			c = g.hop(h.Host, h.Instance, ev.Child, true)
			c.arrival = ev.Time
		}
		adopt(h, c, LinkBounce, false)
	case ev.Kind == event.KindPickup && ev.Parent != "":
		if p := g.sameHost(h, ev.Parent); p != nil {
			adopt(p, h, LinkRequeue, false)
		}
	case ev.Kind == event.KindContent && ev.QueuedAs != "" && ev.Status == "passed":
		if c := g.sameHost(h, ev.QueuedAs); c != nil {
			adopt(h, c, LinkFilter, false)
		}
	}
}

// adopt makes c a child of p unless c already has a parent or the link
// would close a cycle.
func adopt(p, c *Hop, kind Link, heuristic bool) {
	if c.Parent != nil || c == p {
		return
	}
	for a := p; a != nil; a = a.Parent {
		if a == c {
			return
		}
	}
	if kind == LinkRelay && p.Host == c.Host {
		kind = LinkFilter
	}
	c.Parent, c.Link, c.Heuristic = p, kind, heuristic
	p.Children = append(p.Children, c)
}

func (g *graph) sameHost(h *Hop, qid string) *Hop {
	for _, c := range g.byQID[qid] {
		if c.Host == h.Host && c != h {
			return c
		}
	}
	return nil
}

// findChild picks the hop a delivery handed the message to. Queue IDs are
// unique only per host, so among hops with the ID it prefers the one with the
// same Message-ID, then the host the relay name points at, then the one that
// arrived closest to the hand-off.
func (g *graph) findChild(h *Hop, ev *event.Event, qid string) *Hop {
	var best *Hop
	bestScore := -1
	for _, c := range g.byQID[qid] {
		if c == h {
			continue
		}
		score := 0
		if c.MessageID != "" && c.MessageID == h.MessageID {
			score += 4
		}
		if relayIsHost(ev, c.Host) {
			score += 2
		}
		if absDur(c.arrival.Sub(ev.Time)) < skew {
			score++
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

// relayIsHost reports whether a delivery's relay names host: the relay name's
// first label equals the host's first label, or the relay is given only as a
// loopback address (127.0.0.1[127.0.0.1], localhost) and the host is the
// sender's own. A loopback address with a host name is not enough: labs and
// containers give every host its own address in 127.0.0.0/8.
func relayIsHost(ev *event.Event, host string) bool {
	if ev.RelayName == "" {
		return false
	}
	if firstLabel(ev.RelayName) == firstLabel(host) {
		return true
	}
	if net.ParseIP(ev.RelayName) == nil && !strings.EqualFold(ev.RelayName, "localhost") {
		return false
	}
	ip := net.ParseIP(ev.RelayAddr)
	return ip != nil && ip.IsLoopback() && ev.Host == host
}

func firstLabel(name string) string {
	name = strings.ToLower(name)
	if i := strings.IndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}

// inferParent links a hop whose parent line is missing, from the other hops
// with the same Message-ID: the latest one that arrived before it (within
// the clock skew) and either handed mail to this hop's host without a queue
// ID in the reply, or sits on the same host when this hop came from
// loopback (a content filter's re-injection).
func (g *graph) inferParent(h *Hop) {
	if h.MessageID == "" || h.MessageID == "<>" {
		return
	}
	var best *Hop
	for _, p := range g.ix.byMsgID[h.MessageID] {
		if p == h || p.arrival.After(h.arrival.Add(skew)) {
			continue
		}
		// One host has one clock: there a parent never arrives after its child.
		if p.Host == h.Host && p.arrival.After(h.arrival) {
			continue
		}
		if !handsTo(p, h) {
			continue
		}
		if best == nil || p.arrival.After(best.arrival) {
			best = p
		}
	}
	if best != nil {
		adopt(best, h, LinkRelay, true)
		return
	}
	g.inferBounce(h)
}

// inferBounce links a notification whose "sender non-delivery notification"
// line is missing (Postfix 2.2 logged none). Postfix gives the mail it makes
// itself a Message-ID holding its own queue ID (<YYYYMMDDhhmmss.QID@host>);
// such a hop with no client or pickup of its own is taken as the bounce of
// the latest hop on its host that bounced a recipient just before it.
func (g *graph) inferBounce(h *Hop) {
	if !strings.Contains(h.MessageID, "."+h.QueueID+"@") || h.Client != "" {
		return
	}
	for _, ev := range h.Events {
		if ev.Kind == event.KindPickup || ev.Kind == event.KindClient {
			return
		}
	}
	var best *Hop
	var bestAt time.Time
	for _, p := range g.ix.byHost[h.Host] {
		if p == h {
			continue
		}
		for _, ev := range p.Events {
			if ev.Kind != event.KindDelivery || ev.Status != "bounced" ||
				ev.Time.After(h.arrival) || h.arrival.Sub(ev.Time) > skew {
				continue
			}
			if best == nil || ev.Time.After(bestAt) {
				best, bestAt = p, ev.Time
			}
		}
	}
	if best != nil {
		adopt(best, h, LinkBounce, true)
	}
}

func handsTo(p, h *Hop) bool {
	if p.Host == h.Host {
		ip := net.ParseIP(h.ClientAddr)
		return ip != nil && ip.IsLoopback()
	}
	for _, ev := range p.Events {
		if ev.Kind == event.KindDelivery && ev.Status == "sent" && ev.QueuedAs == "" &&
			relayIsHost(ev, h.Host) {
			return true
		}
	}
	return firstLabel(h.Client) == firstLabel(p.Host)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
