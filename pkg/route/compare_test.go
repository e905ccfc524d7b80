package route

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/trace"
)

const compareRoutes = `routes:
  - name: inbound
    stages:
      - {name: mx, hosts: [mx1, mx2], max_wait: 10m}
      - {name: filter, hosts: [filter1, filter2], max_wait: 10m}
      - {name: scan, hosts: [scan1], optional: true}
      - name: store
        hosts: [store]
        branches:
          - name: outside
            match: {recipient_domain: "*.example"}
            stages: [{name: out, hosts: [out], max_wait: 1h}]
            expect: {kind: relayed, via: [out]}
    expect: {kind: delivered, folder: INBOX}
  - name: outbound
    stages:
      - {name: mx, hosts: ["mx*"]}
      - {name: out, hosts: [out], max_wait: 1h}
    expect: {kind: relayed, via: [out]}
  - name: reject
    stages: [{name: mx, hosts: ["mx*"]}]
    expect: {kind: rejected, at: mx1}
`

var t0 = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// at builds the hops of path with the last one arriving at t.
func at(t time.Time, path ...string) []*trace.Hop {
	var hops []*trace.Hop
	for _, h := range path {
		hops = append(hops, &trace.Hop{Host: h, Events: []*event.Event{{Time: t}}})
	}
	return hops
}

func TestCompareMarksEachHopAndGivesTheVerdict(t *testing.T) {
	db, err := Parse("r.yaml", []byte(compareRoutes))
	require.NoError(t, err)
	tests := []struct {
		name     string
		route    string
		r        trace.Recipient
		now      time.Time
		verdict  Verdict
		marks    []Mark
		missed   []string
		pending  bool
		sentence string
	}{
		{
			name:  "takes every stage of a delivered message",
			route: "inbound",
			r: trace.Recipient{Address: "bob@store", Path: []string{"mx1", "filter2", "store"},
				Disposition: trace.DispositionDelivered, Folder: "INBOX"},
			verdict: VerdictOK,
			marks: []Mark{
				{"mx1", "mx", MarkTaken}, {"filter2", "filter", MarkTaken},
				{"store", "store", MarkTaken},
			},
			sentence: "delivered to INBOX of bob@store as the route expects",
		},
		{
			name:  "marks a host its stage does not allow",
			route: "inbound",
			r: trace.Recipient{Address: "bob@store", Path: []string{"mx1", "filter3", "store"},
				Disposition: trace.DispositionDelivered, Folder: "INBOX"},
			verdict: VerdictDeviated,
			marks: []Mark{
				{"mx1", "mx", MarkTaken}, {"filter3", "filter", MarkWrong},
				{"store", "store", MarkTaken},
			},
			sentence: `filter3 was used at stage "filter", where the route allows ` +
				`filter1 or filter2`,
		},
		{
			name:  "marks a skipped stage as missed",
			route: "inbound",
			r: trace.Recipient{Address: "bob@store", Path: []string{"mx1", "store"},
				Disposition: trace.DispositionDelivered, Folder: "INBOX"},
			verdict: VerdictDeviated,
			marks: []Mark{
				{"mx1", "mx", MarkTaken}, {"", "filter", MarkMissed},
				{"store", "store", MarkTaken},
			},
			missed:   []string{"filter"},
			sentence: `stage "filter" was skipped: mx1 handed the message straight to store`,
		},
		{
			name:  "marks a hop that no stage allows",
			route: "inbound",
			r: trace.Recipient{Address: "bob@store",
				Path:        []string{"mx1", "relay9", "filter1", "store"},
				Disposition: trace.DispositionDelivered, Folder: "INBOX"},
			verdict: VerdictDeviated,
			marks: []Mark{
				{"mx1", "mx", MarkTaken}, {"relay9", "", MarkWrong},
				{"filter1", "filter", MarkTaken}, {"store", "store", MarkTaken},
			},
			sentence: "mx1 handed the message to relay9, which no stage of the route allows",
		},
		{
			name:  "counts the deviations after the first",
			route: "inbound",
			r: trace.Recipient{Address: "bob@store", Path: []string{"mx9", "filter9", "store"},
				Disposition: trace.DispositionDelivered, Folder: "INBOX"},
			verdict: VerdictDeviated,
			marks: []Mark{
				{"mx9", "mx", MarkWrong}, {"filter9", "filter", MarkWrong},
				{"store", "store", MarkTaken},
			},
			sentence: `mx9 was used at stage "mx", where the route allows mx1 or mx2 ` +
				`(and 1 more deviation)`,
		},
		{
			name:  "misses the stages after a host that delivered too early",
			route: "inbound",
			r: trace.Recipient{Address: "bob@store", Path: []string{"mx1", "filter1"},
				Disposition: trace.DispositionDelivered, Folder: "INBOX"},
			verdict: VerdictDeviated,
			marks: []Mark{
				{"mx1", "mx", MarkTaken}, {"filter1", "filter", MarkTaken},
				{"", "store", MarkMissed},
			},
			missed:   []string{"store"},
			sentence: `stage "store" was skipped: the message ended at filter1 (delivered)`,
		},
		{
			name:  "tells a folder the route does not expect",
			route: "inbound",
			r: trace.Recipient{Address: "erin@store", Mailbox: "erin",
				Path:        []string{"mx1", "filter1", "store"},
				Disposition: trace.DispositionDelivered, Folder: "Junk"},
			verdict: VerdictDeviated,
			marks: []Mark{
				{"mx1", "mx", MarkTaken}, {"filter1", "filter", MarkTaken},
				{"store", "store", MarkTaken},
			},
			sentence: "delivered to Junk of erin, where the route expects folder INBOX",
		},
		{
			name:  "follows a branch for an alias copy sent outside",
			route: "inbound",
			r: trace.Recipient{Address: "carol@ext.example", OrigTo: "team@store",
				Path:        []string{"mx1", "filter1", "store", "out"},
				Disposition: trace.DispositionRelayed, Relay: "ext.lab"},
			verdict: VerdictOK,
			marks: []Mark{
				{"mx1", "mx", MarkTaken}, {"filter1", "filter", MarkTaken},
				{"store", "store", MarkTaken}, {"out", "out", MarkTaken},
			},
			sentence: "relayed by out to ext.lab as the route expects",
		},
		{
			name:  "fails a bounce where the route expects relaying",
			route: "outbound",
			r: trace.Recipient{Address: "nobody@nowhere.example", Path: []string{"mx2", "out"},
				Disposition: trace.DispositionBounced, Reason: "Host or domain name not found"},
			verdict: VerdictFailed,
			marks: []Mark{
				{"mx2", "mx", MarkTaken}, {"out", "out", MarkTaken},
				{"out", "out", MarkDropped},
			},
			sentence: "bounced at out (Host or domain name not found), where the route " +
				"expects it relayed",
		},
		{
			name:  "fails a discard and misses the stages it never reached",
			route: "inbound",
			r: trace.Recipient{Address: "dave@store", Path: []string{"mx2"},
				Disposition: trace.DispositionDiscarded, Reason: "lab discard rule"},
			verdict: VerdictFailed,
			marks: []Mark{
				{"mx2", "mx", MarkTaken}, {"", "filter", MarkMissed}, {"", "store", MarkMissed},
				{"mx2", "mx", MarkDropped},
			},
			missed: []string{"filter", "store"},
			sentence: "discarded at mx2 (lab discard rule), where the route expects it " +
				"delivered",
		},
		{
			name:  "accepts a rejection where the route expects one",
			route: "reject",
			r: trace.Recipient{Address: "nobody@store", Path: []string{"mx1"},
				Disposition: trace.DispositionRejected, Reason: "550 5.1.1 rejected"},
			verdict:  VerdictOK,
			marks:    []Mark{{"mx1", "mx", MarkTaken}, {"mx1", "mx", MarkDropped}},
			sentence: "rejected at mx1 (550 5.1.1 rejected) as the route expects",
		},
		{
			name:  "tells a rejection at another host",
			route: "reject",
			r: trace.Recipient{Address: "nobody@store", Path: []string{"mx2"},
				Disposition: trace.DispositionRejected},
			verdict:  VerdictDeviated,
			marks:    []Mark{{"mx2", "mx", MarkTaken}, {"mx2", "mx", MarkDropped}},
			sentence: "rejected at mx2, where the route expects it rejected at mx1",
		},
		{
			name:  "keeps a deferral within its stage's wait on its way",
			route: "outbound",
			r: trace.Recipient{Address: "x@unreachable.example", Path: []string{"mx2", "out"},
				Hops:        at(t0, "mx2", "out"),
				Disposition: trace.DispositionDeferred, Reason: "Connection refused"},
			now:     t0.Add(12 * time.Second),
			verdict: VerdictOK,
			pending: true,
			marks:   []Mark{{"mx2", "mx", MarkTaken}, {"out", "out", MarkTaken}},
			sentence: "on its way: deferred at out for 12s (Connection refused), " +
				"within the stage's 1h",
		},
		{
			name:  "calls a deferral past its stage's wait stuck",
			route: "outbound",
			r: trace.Recipient{Address: "x@unreachable.example", Path: []string{"mx2", "out"},
				Hops:        at(t0, "mx2", "out"),
				Disposition: trace.DispositionDeferred, Reason: "Connection refused"},
			now:     t0.Add(3 * time.Hour),
			verdict: VerdictStuck,
			marks: []Mark{
				{"mx2", "mx", MarkTaken}, {"out", "out", MarkTaken}, {"out", "out", MarkStuck},
			},
			sentence: "the message stopped at out: deferred for 3h (Connection refused), " +
				"past the stage's 1h",
		},
		{
			name:  "calls a held message past its stage's wait stuck",
			route: "inbound",
			r: trace.Recipient{Address: "bob@store", Path: []string{"mx1"},
				Hops: at(t0, "mx1"), Disposition: trace.DispositionInFlight,
				Reason: "hold by header check"},
			now:     t0.Add(90 * time.Minute),
			verdict: VerdictStuck,
			marks:   []Mark{{"mx1", "mx", MarkTaken}, {"mx1", "mx", MarkStuck}},
			sentence: "the message stopped at mx1: in flight for 1h30m (hold by header " +
				"check), past the stage's 10m",
		},
		{
			name:  "says a stage without max_wait never makes mail stuck",
			route: "outbound",
			r: trace.Recipient{Address: "x@unreachable.example", Path: []string{"mx2"},
				Hops: at(t0, "mx2"), Disposition: trace.DispositionDeferred},
			now:      t0.Add(48 * time.Hour),
			verdict:  VerdictOK,
			pending:  true,
			marks:    []Mark{{"mx2", "mx", MarkTaken}},
			sentence: `on its way: deferred at mx2 for 48h; stage "mx" sets no max_wait`,
		},
		{
			name:  "calls a hand-off that left no record lost",
			route: "inbound",
			r: trace.Recipient{Address: "bob@store", Path: []string{"mx1", "filter1"},
				Disposition: trace.DispositionInFlight, Relay: "store.lab.mailpath.test",
				Reason: "handed to store.lab.mailpath.test, whose lines hold no record of it"},
			verdict: VerdictLost,
			marks: []Mark{
				{"mx1", "mx", MarkTaken}, {"filter1", "filter", MarkTaken},
				{"store.lab.mailpath.test", "store", MarkLost},
			},
			sentence: "filter1 handed the message to store.lab.mailpath.test, whose logs " +
				"hold no record of it",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := routeNamed(t, db, tt.route)
			got := Compare(rt, &tt.r, tt.now)
			require.Equal(t, tt.verdict, got.Verdict, got.Sentence)
			require.Equal(t, tt.sentence, got.Sentence)
			require.Equal(t, tt.marks, got.Marks)
			require.Equal(t, tt.missed, stageNames(got.Missed))
			require.Equal(t, tt.pending, got.Pending)
		})
	}
}

func routeNamed(t *testing.T, db *DB, name string) *Route {
	t.Helper()
	for _, r := range db.Routes {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no route %q", name)
	return nil
}

func stageNames(stages []Stage) []string {
	var out []string
	for _, s := range stages {
		out = append(out, s.Name)
	}
	return out
}
