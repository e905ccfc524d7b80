package trace

import (
	"sort"

	"github.com/mailpath/mailpath/pkg/event"
)

// phase ranks what a line says within one hop's life, for lines that share
// a time stamp (RFC 3164 has whole seconds only).
var phase = map[event.Kind]int{
	event.KindConnect: 0, event.KindScreen: 0, event.KindClient: 1, event.KindPickup: 1,
	event.KindFilterNote: 1, event.KindReject: 2, event.KindMessageID: 2,
	event.KindHeader: 3, event.KindQueued: 4, event.KindContent: 5, event.KindAttempt: 5,
	event.KindStore: 6, event.KindStoreFail: 6, event.KindDelivery: 7,
	event.KindPostsuper: 7, event.KindExpired: 8, event.KindNotify: 8,
	event.KindRemoved: 9, event.KindDisconnect: 10,
}

// orderEvents lists the hops' events cause first, clock second: hops come in
// the order given (each parent before its children), and each hop's lines in
// the hop's own clock order. Two hosts' clocks are never compared, so a host
// whose clock runs seconds behind still shows its part after the hand-off
// that caused it.
func orderEvents(hops []*Hop) []*event.Event {
	var out []*event.Event
	for _, h := range hops {
		evs := append([]*event.Event(nil), h.Events...)
		sort.SliceStable(evs, func(i, j int) bool {
			a, b := evs[i], evs[j]
			if !a.Time.Equal(b.Time) {
				return a.Time.Before(b.Time)
			}
			if phase[a.Kind] != phase[b.Kind] {
				return phase[a.Kind] < phase[b.Kind]
			}
			return a.Seq < b.Seq
		})
		out = append(out, evs...)
	}
	return out
}
