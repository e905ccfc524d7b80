package trace

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/logsource"
)

// Seed is what a trace starts from. Exactly one of MessageID, QueueID (with
// Host), From, To and Tag is set; Since and Until bound the time when not
// zero.
type Seed struct {
	MessageID string
	Host      string
	QueueID   string
	From      string
	To        string
	Tag       string
	Since     time.Time
	Until     time.Time
}

// Validate reports a seed that names nothing or more than one thing, or a
// Message-ID with nothing inside its brackets.
func (s Seed) Validate() error {
	n := 0
	for _, v := range []string{s.MessageID, s.QueueID, s.From, s.To, s.Tag} {
		if v != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return ErrNoSeed
	case n > 1:
		return ErrManySeeds
	case s.MessageID != "" && bareID(s.MessageID) == "":
		return fmt.Errorf("message id %q: %w", s.MessageID, ErrEmptyMessageID)
	case s.QueueID != "" && s.Host == "":
		return fmt.Errorf("queue id %q: %w", s.QueueID, ErrQueueIDNeedsHost)
	case s.Host != "" && s.QueueID == "":
		return fmt.Errorf("host %q: %w", s.Host, ErrHostNeedsQueueID)
	case !s.Since.IsZero() && !s.Until.IsZero() && s.Until.Before(s.Since):
		return fmt.Errorf("since=%s until=%s: %w", s.Since.Format(time.RFC3339),
			s.Until.Format(time.RFC3339), ErrEmptyWindow)
	}
	return nil
}

// bareID strips the angle brackets a user may or may not type around a
// Message-ID, and the spaces around and inside them; logs show it with the
// brackets, and lines are searched for the inside. "" is no Message-ID:
// [Seed.Validate] refuses a seed whose ID comes out empty.
func bareID(id string) string {
	inside := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
	return strings.TrimSpace(inside)
}

// BareAddr strips the spaces and angle brackets a user may type around an
// address; "<>", the null sender of bounces, becomes "".
func BareAddr(a string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(a), "<"), ">")
}

// addressTerms searches for an address in the given shapes, as typed and in
// lower case: Postfix logs addresses as the client sent them, and mail
// domains are case-insensitive.
func addressTerms(addr string, shapes ...string) []logsource.Term {
	var out []logsource.Term
	for _, v := range []string{addr, strings.ToLower(addr)} {
		for _, shape := range shapes {
			t := logsource.Term{Text: fmt.Sprintf(shape, v)}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// terms returns the first round's query terms for the seed.
func (s Seed) terms() []logsource.Term {
	switch {
	case s.MessageID != "":
		return []logsource.Term{{Text: bareID(s.MessageID)}}
	case s.QueueID != "":
		return []logsource.Term{{Host: s.Host, QueueID: s.QueueID}}
	case s.From != "":
		return addressTerms(BareAddr(s.From), "from=<%s>")
	case s.To != "":
		return addressTerms(BareAddr(s.To), "to=<%s>", "(%s)")
	default:
		return []logsource.Term{{Text: s.Tag}}
	}
}

// Select keeps the traces the seed names, with their time inside the seed's
// window.
func Select(traces []*Trace, s Seed) []*Trace {
	var out []*Trace
	for _, t := range traces {
		if s.inWindow(t) && s.names(t) {
			out = append(out, t)
		}
	}
	return out
}

func (s Seed) inWindow(t *Trace) bool {
	if !s.Since.IsZero() && t.Last.Before(s.Since) {
		return false
	}
	return s.Until.IsZero() || !t.First.After(s.Until)
}

func (s Seed) names(t *Trace) bool {
	if s.namesItself(t) {
		return true
	}
	// A bounce notification is a message too: a seed naming it (its null
	// sender, its recipient) names the message it reports on.
	return slices.ContainsFunc(t.Notifications, s.names)
}

func (s Seed) namesItself(t *Trace) bool {
	switch {
	case s.MessageID != "":
		return bareID(t.MessageID) == bareID(s.MessageID) || anyHop(t, func(h *Hop) bool {
			return bareID(h.MessageID) == bareID(s.MessageID)
		})
	case s.QueueID != "":
		return anyHop(t, func(h *Hop) bool {
			return h.QueueID == s.QueueID && logsource.SameHost(h.Host, s.Host)
		})
	case s.From != "":
		return sameAddr(t.From, BareAddr(s.From))
	case s.To != "":
		to := BareAddr(s.To)
		for _, r := range t.Recipients {
			if sameAddr(r.Address, to) || sameAddr(r.OrigTo, to) {
				return true
			}
		}
		return false
	}
	return strings.Contains(t.Subject, s.Tag) || strings.Contains(t.MessageID, s.Tag) ||
		anyEvent(t, func(ev *event.Event) bool { return strings.Contains(ev.Line, s.Tag) })
}

func anyHop(t *Trace, f func(*Hop) bool) bool {
	for _, h := range t.Hops {
		if f(h) {
			return true
		}
	}
	return false
}

func anyEvent(t *Trace, f func(*event.Event) bool) bool {
	for _, ev := range t.Events {
		if f(ev) {
			return true
		}
	}
	return false
}
