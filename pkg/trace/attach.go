package trace

import (
	"slices"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
)

// attachRejects gives each reject without a queue ID to the message its
// smtpd session went on to queue, if any: Postfix logs NOQUEUE for recipients
// refused before the first one was accepted, and only the process ID ties
// them to the queue ID that follows. Rejects of sessions that queued nothing
// stay loose and become traces of their own.
func (g *graph) attachRejects() {
	for _, r := range g.rejects {
		if h := g.sessionHop(r); h != nil {
			h.addEvent(r)
			continue
		}
		g.loose = append(g.loose, r)
	}
}

// sessionHop finds the hop created in the same smtpd session as ev: the
// same host, instance and PID, between the connect before ev and the next.
func (g *graph) sessionHop(ev *event.Event) *Hop {
	if ev.PID == 0 {
		return nil
	}
	lines := g.sessions[sessionKey(ev)]
	start, end := sessionBounds(lines, ev)
	for _, s := range lines[start:end] {
		if s.Kind == event.KindClient && (ev.From == "" || sameFrom(g, s, ev.From)) {
			return g.hop(s.Host, s.Instance, s.QueueID, false)
		}
	}
	return nil
}

func sameFrom(g *graph, client *event.Event, from string) bool {
	h := g.hop(client.Host, client.Instance, client.QueueID, false)
	return h == nil || h.From == "" || strings.EqualFold(h.From, from)
}

// sessionBounds returns the index range of ev's session among the lines of
// its smtpd process: from the last connect before ev to the first connect or
// disconnect after it. Lines are in log order, so that a second-resolution
// stamp shared by two sessions of one process does not merge them.
func sessionBounds(lines []*event.Event, ev *event.Event) (int, int) {
	at := slices.Index(lines, ev)
	if at < 0 {
		return 0, 0
	}
	start, end := 0, len(lines)
	for i := at; i >= 0; i-- {
		if lines[i].Kind == event.KindConnect {
			start = i
			break
		}
	}
	for i := at + 1; i < len(lines); i++ {
		switch lines[i].Kind {
		case event.KindConnect:
			return start, i
		case event.KindDisconnect:
			return start, i + 1
		}
	}
	return start, end
}

// attachStores files each Dovecot delivery under the hop that handed it to
// Dovecot: by the LMTP session ID in the 250 reply when there is one, else by
// Message-ID and mailbox. A store line whose hand-off line is missing joins
// the last hop with its Message-ID, marked as inferred by having no delivery.
func (g *graph) attachStores() {
	for _, s := range g.stores {
		if h := g.storeHop(s); h != nil {
			h.addEvent(s)
		}
	}
}

func (g *graph) storeHop(s *event.Event) *Hop {
	if s.Session != "" {
		if h := g.ix.bySession[baseSession(s.Session)]; h != nil {
			return h
		}
	}
	if s.MessageID == "" {
		return nil
	}
	hops := g.ix.byMsgID[s.MessageID]
	for _, h := range hops {
		for _, ev := range h.Events {
			if ev.Kind == event.KindDelivery && mailboxAgents[ev.Daemon] &&
				SameMailbox(ev.To, s.Mailbox) && absDur(ev.Time.Sub(s.Time)) < 10*time.Minute {
				return h
			}
		}
	}
	var last *Hop
	for _, h := range hops {
		if !h.arrival.After(s.Time.Add(skew)) && !passedOn(h) {
			last = h
		}
	}
	return last
}

// passedOn reports whether hop h handed its message to another hop (filter,
// relay, forward), so that a mailbox store cannot be its own last step.
func passedOn(h *Hop) bool {
	for _, c := range h.Children {
		if c.Link != LinkBounce {
			return true
		}
	}
	return false
}

// sameSession compares Dovecot session IDs, ignoring the ":R2" and ":T2"
// suffixes Dovecot adds for later recipients and transactions.
func sameSession(a, b string) bool {
	return a != "" && b != "" && baseSession(a) == baseSession(b)
}

// SameMailbox compares a Postfix recipient with a Dovecot user, which may be
// the whole address or only its local part.
func SameMailbox(rcpt, user string) bool {
	if strings.EqualFold(rcpt, user) {
		return true
	}
	local, _, _ := strings.Cut(rcpt, "@")
	return user != "" && !strings.Contains(user, "@") && strings.EqualFold(local, user)
}
