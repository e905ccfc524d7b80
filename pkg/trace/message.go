package trace

import (
	"sort"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
)

// traces turns the linked hops into messages: each hop without a parent
// starts one, and notifications about it hang under it.
func (g *graph) traces() []*Trace {
	var out []*Trace
	for _, h := range g.order {
		if h.Parent == nil && !probeOnly(h) {
			out = append(out, g.message(h))
		}
	}
	for _, group := range groupLoose(g.loose) {
		out = append(out, rejectedAttempt(group))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].First.Before(out[j].First) })
	return out
}

// message builds the trace rooted at hop root.
func (g *graph) message(root *Hop) *Trace {
	t := &Trace{MessageID: root.MessageID, From: root.From}
	var walk func(h *Hop)
	walk = func(h *Hop) {
		t.Hops = append(t.Hops, h)
		sortChildren(h)
		for _, c := range h.Children {
			if c.Link == LinkBounce {
				t.Notifications = append(t.Notifications, g.message(c))
				continue
			}
			walk(c)
		}
	}
	walk(root)
	for _, h := range t.Hops {
		if t.Subject == "" {
			t.Subject = h.Subject
		}
		if t.MessageID == "" {
			t.MessageID = h.MessageID
		}
		if t.From == "" {
			t.From = h.From
		}
	}
	t.Recipients = g.recipients(root)
	t.Events = orderEvents(t.Hops)
	t.First, t.Last = span(t.Events)
	return t
}

// probeOnly reports whether a hop is an address verification probe: its
// deliveries are all probe results. Probes are not messages.
func probeOnly(h *Hop) bool {
	probe := false
	for _, ev := range h.Events {
		if ev.Kind == event.KindDelivery {
			if !isProbe(ev) {
				return false
			}
			probe = true
		}
	}
	return probe && len(h.Children) == 0
}

func sortChildren(h *Hop) {
	sort.SliceStable(h.Children, func(i, j int) bool {
		return h.Children[i].arrival.Before(h.Children[j].arrival)
	})
}

// groupLoose groups rejects without a queue ID by smtpd session and sender,
// so that one refused transaction with three recipients is one attempt.
func groupLoose(rejects []*event.Event) [][]*event.Event {
	index := map[string]int{}
	var groups [][]*event.Event
	for _, r := range rejects {
		k := sessionKey(r) + "/" + r.From
		if r.PID == 0 {
			k += "/" + r.Time.String()
		}
		i, ok := index[k]
		if ok && r.Time.Sub(groups[i][len(groups[i])-1].Time) < skew {
			groups[i] = append(groups[i], r)
			continue
		}
		index[k] = len(groups)
		groups = append(groups, []*event.Event{r})
	}
	return groups
}

// rejectedAttempt makes a trace of a transaction refused before anything was
// queued: every recipient is rejected at the host that refused it.
func rejectedAttempt(rejects []*event.Event) *Trace {
	h := &Hop{ID: sessionKey(rejects[0]) + "/" + rejects[0].Time.Format("150405.000"),
		Host: rejects[0].Host, Instance: rejects[0].Instance, From: rejects[0].From,
		Client: rejects[0].Client, ClientAddr: rejects[0].ClientAddr}
	t := &Trace{From: h.From, Hops: []*Hop{h}}
	for _, r := range rejects {
		h.addEvent(r)
		d := DispositionRejected
		if r.Status == "discard" || r.Status == "milter-discard" {
			d = DispositionDiscarded // accepted, then dropped: the client saw success
		}
		t.Recipients = append(t.Recipients, &Recipient{
			Address: r.To, Path: []string{r.Host}, Hops: []*Hop{h},
			Disposition: d, Reason: r.Reply, DSN: r.DSN,
			Time: r.Time, Final: r,
		})
	}
	t.Events = orderEvents(t.Hops)
	t.First, t.Last = span(t.Events)
	return t
}

func span(evs []*event.Event) (first, last time.Time) {
	for _, ev := range evs {
		if first.IsZero() || ev.Time.Before(first) {
			first = ev.Time
		}
		if ev.Time.After(last) {
			last = ev.Time
		}
	}
	return first, last
}
