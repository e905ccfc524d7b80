package route

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/logsource/file"
	"github.com/mailpath/mailpath/pkg/trace"
)

// TestDiscoverProposesRoutesTheLabPasses discovers routes from the whole
// recorded lab log, proposes them at coverage 0.9 and compares every normal
// delivered or relayed recipient of the key with them: each is ok. A
// scenario whose key entry has a deviation field is meant to leave its route,
// so it is not judged here. The written routes read back unchanged.
func TestDiscoverProposesRoutesTheLabPasses(t *testing.T) {
	traces := readLab(t)
	d := Discover(traces, DiscoverOptions{})
	db := Propose(d, 0.9)
	out, err := d.YAML(db, 0.9)
	require.NoError(t, err)
	t.Logf("proposed:\n%s", out)
	back, err := Parse("proposed.yaml", out)
	require.NoError(t, err)
	require.Equal(t, withoutPos(db), withoutPos(back))

	normal := normalRecipients(t)
	judged := 0
	for _, tr := range traces {
		for _, r := range tr.Recipients {
			if !normal[strings.ToLower(r.Address)+" "+tr.MessageID] {
				continue
			}
			rt, why := back.RouteFor(tr, r)
			require.NotNil(t, rt, why)
			res := Compare(rt, r, tr.Last)
			require.Equal(t, VerdictOK, res.Verdict, "%s %s: %s: %s", tr.MessageID, r.Address,
				why, res.Sentence)
			judged++
		}
	}
	require.Equal(t, len(normal), judged, "every normal recipient of the key is traced")
}

// readLab reads every line of the recorded lab log and builds its traces.
func readLab(t *testing.T) []*trace.Trace {
	t.Helper()
	src, err := file.Open([]string{filepath.Join(labDir, "mail-rfc3164.log")},
		file.Options{Location: time.UTC})
	require.NoError(t, err)
	res, err := src.Find(context.Background(), logsource.Query{Terms: []logsource.Term{{}}})
	require.NoError(t, err)
	return trace.Build(res.Events)
}

// normalRecipients reads the lab key by hand, for the deviation field that
// labkey does not know: the delivered and relayed recipients of scenarios
// without one, as "address message-id".
func normalRecipients(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(labDir, "key.json"))
	require.NoError(t, err)
	var key struct {
		Scenarios []struct {
			MessageID  string          `json:"message_id"`
			Deviation  json.RawMessage `json:"deviation"`
			Recipients []struct {
				Address     string `json:"address"`
				Disposition string `json:"disposition"`
			} `json:"recipients"`
		} `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal(raw, &key))
	out := map[string]bool{}
	for _, sc := range key.Scenarios {
		if len(sc.Deviation) > 0 {
			continue
		}
		for _, r := range sc.Recipients {
			if r.Disposition == "delivered" || r.Disposition == "relayed" {
				out[strings.ToLower(r.Address)+" "+sc.MessageID] = true
			}
		}
	}
	require.NotEmpty(t, out)
	return out
}

// withoutPos is db with every route's position cleared, for comparing a
// proposal with the file written from it.
func withoutPos(db *DB) *DB {
	out := &DB{}
	for _, r := range db.Routes {
		c := *r
		c.Pos = Pos{}
		out.Routes = append(out.Routes, &c)
	}
	return out
}

// rcpt is a recipient of a hand-built trace.
func rcpt(addr string, d trace.Disposition, folder string, path ...string) *trace.Recipient {
	return &trace.Recipient{Address: addr, Disposition: d, Folder: folder, Path: path}
}

// handTraces are ten recipients for a.test (six through a filter, three
// skipping it, one through hosts no other takes), two still under way and
// one handed outside.
func handTraces() []*trace.Trace {
	del := trace.DispositionDelivered
	var rs []*trace.Recipient
	for range 6 {
		rs = append(rs, rcpt("u@a.test", del, "INBOX", "mx1", "filter1", "store"))
	}
	for range 3 {
		rs = append(rs, rcpt("v@a.test", del, "INBOX", "mx2", "store"))
	}
	rs = append(rs, rcpt("w@a.test", del, "INBOX", "mx1", "filter9", "odd", "store"),
		rcpt("x@a.test", trace.DispositionDeferred, "", "mx1"),
		rcpt("y@a.test", trace.DispositionInFlight, "", "mx2"),
		rcpt("z@b.example", trace.DispositionRelayed, "", "mx1", "filter1", "out"))
	return []*trace.Trace{{Recipients: rs}}
}

func TestDiscoverCountsPathsAndShares(t *testing.T) {
	d := Discover(handTraces(), DiscoverOptions{})
	require.Equal(t, 2, d.Pending)
	require.Len(t, d.Classes, 2)
	a, out := d.Classes[0], d.Classes[1]
	require.Equal(t, "a.test", a.Name)
	require.Equal(t, Outside, out.Name)
	require.Equal(t, 10, a.Total)
	require.Equal(t, map[trace.Disposition]int{trace.DispositionDelivered: 10}, a.Dispositions)
	var got []string
	for _, p := range a.Paths {
		got = append(got, fmt.Sprintf("%s %d %.2f", PathText(p.Hosts), p.Count, p.Share))
	}
	require.Equal(t, []string{"mx1 > filter1 > store 6 0.60", "mx2 > store 3 0.30",
		"mx1 > filter9 > odd > store 1 0.10"}, got)
	require.Equal(t, 1, out.Total)

	byEntry := Discover(handTraces(), DiscoverOptions{ByEntryHost: true})
	var names []string
	for _, c := range byEntry.Classes {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"mx1/a.test", "mx2/a.test", "mx1/outside"}, names)
}

func TestProposeKeepsPathsUpToTheCoverage(t *testing.T) {
	cases := []struct {
		name     string
		coverage float64
		stages   []Stage
		rare     Verdict // the verdict of the one recipient through odd
	}{
		{"leaves the rare path out at 0.9, so it is flagged", 0.9, []Stage{
			{Name: "mx", Hosts: []string{"mx1", "mx2"}},
			{Name: "filter", Hosts: []string{"filter1"}, Optional: true},
			{Name: "store", Hosts: []string{"store"}},
		}, VerdictDeviated},
		{"keeps every path at 1, its hosts optional", 1, []Stage{
			{Name: "mx", Hosts: []string{"mx1", "mx2"}},
			{Name: "filter", Hosts: []string{"filter1", "filter9"}, Optional: true},
			{Name: "odd", Hosts: []string{"odd"}, Optional: true},
			{Name: "store", Hosts: []string{"store"}},
		}, VerdictOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			traces := handTraces()
			db := Propose(Discover(traces, DiscoverOptions{}), tc.coverage)
			require.Len(t, db.Routes, 2)
			a := db.Routes[0]
			require.Equal(t, Match{RecipientDomain: "a.test"}, a.Match)
			for i := range tc.stages {
				// Hand-built hops carry no times: every stay is zero, so each
				// stage gets the smallest proposed wait.
				tc.stages[i].MaxWait = time.Second
			}
			require.Equal(t, tc.stages, a.Stages)
			require.Equal(t, Expect{Kind: ExpectDelivered, Folder: "INBOX"}, a.Expect)
			require.Equal(t, Expect{Kind: ExpectRelayed, Via: []string{"out"}},
				db.Routes[1].Expect)
			for _, r := range traces[0].Recipients[:10] {
				rt, _ := db.RouteFor(traces[0], r)
				want := VerdictOK
				if slices.Contains(r.Path, "odd") {
					want = tc.rare
				}
				require.Equal(t, want, Compare(rt, r, time.Time{}).Verdict, r.Path)
			}
		})
	}
}

func TestProposeMakesAliasCopiesABranch(t *testing.T) {
	del, rel := trace.DispositionDelivered, trace.DispositionRelayed
	alias := rcpt("carol@c.example", rel, "", "mx1", "store", "out")
	alias.OrigTo = "team@a.test"
	tr := &trace.Trace{Recipients: []*trace.Recipient{
		rcpt("u@a.test", del, "INBOX", "mx1", "store"),
		rcpt("u@a.test", del, "Junk", "mx1", "store"), alias,
	}}
	d := Discover([]*trace.Trace{tr}, DiscoverOptions{})
	require.Equal(t, "outside sent to a.test", d.Classes[1].Name)
	db := Propose(d, 0.99)
	require.Len(t, db.Routes, 1)
	require.Equal(t, Expect{Kind: ExpectDelivered}, db.Routes[0].Expect, "two folders")
	want := []Branch{{Name: "to-c.example", Match: Match{RecipientDomain: "c.example"},
		Stages: []Stage{{Name: "out", Hosts: []string{"out"}}},
		Expect: &Expect{Kind: ExpectRelayed, Via: []string{"out"}}}}
	require.Equal(t, want, db.Routes[0].Stages[1].Branches)
	for _, r := range tr.Recipients {
		rt, _ := db.RouteFor(tr, r)
		require.Equal(t, VerdictOK, Compare(rt, r, time.Time{}).Verdict, r.Address)
	}
	out, err := db.YAML()
	require.NoError(t, err)
	back, err := Parse("x.yaml", out)
	require.NoError(t, err)
	require.Equal(t, withoutPos(db), withoutPos(back))
}
