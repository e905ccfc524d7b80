package logsource

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/event"
)

func TestTermMatches(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	delivery := &event.Event{Time: at, Host: "mx1", PID: 42, QueueID: "4F2A1C0123",
		QueuedAs: "4jgCPv0Wqbz1SDsV", Kind: event.KindDelivery,
		Line: "4F2A1C0123: to=<b@example.net>, status=sent (250 Ok: queued as 4jgCPv0Wqbz1SDsV)"}
	broken := &event.Event{Kind: event.KindUnparsed, Line: "\x00 <a@b> junk"}
	cases := []struct {
		name string
		term Term
		ev   *event.Event
		want bool
	}{
		{"a queue term takes the copy's own lines", Term{Host: "mx1", QueueID: "4F2A1C0123"},
			delivery, true},
		{"a queue term takes the line that hands to it", Term{QueueID: "4jgCPv0Wqbz1SDsV"},
			delivery, true},
		{"a queue term on another host does not", Term{Host: "mx2", QueueID: "4F2A1C0123"},
			delivery, false},
		{"a queue ID inside other text is no match", Term{QueueID: "A1C01"}, delivery, false},
		{"a process term needs its host", Term{Host: "mx1", PID: 42}, delivery, true},
		{"a process term elsewhere does not match", Term{Host: "mx2", PID: 42}, delivery, false},
		{"a window excludes lines outside it",
			Term{Text: "to=<b@", Since: at.Add(time.Second)}, delivery, false},
		{"an empty term takes every line of its host", Term{Host: "mx1"}, delivery, true},
		{"a damaged line containing the text is kept whatever the host",
			Term{Host: "mx1", Text: "<a@b>"}, broken, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.term.Matches(tc.ev))
		})
	}
}

func TestQueryWantsHonoursItsWindow(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	ev := &event.Event{Time: at, Host: "mx1", Line: "x"}
	q := Query{Terms: []Term{{}}, Since: at.Add(-time.Minute), Until: at}
	require.True(t, q.Wants(ev), "until is inclusive")
	q.Since = at.Add(time.Nanosecond)
	require.False(t, q.Wants(ev))
}
