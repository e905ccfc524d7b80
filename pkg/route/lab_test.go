package route

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
	"github.com/mailpath/mailpath/pkg/logsource/file"
	"github.com/mailpath/mailpath/pkg/trace"
)

var labDir = filepath.Join("..", "..", "lab", "recorded")

// labCase is one recipient of the recorded lab with the route it fell to.
type labCase struct {
	scenario string
	want     labkey.Recipient
	trace    *trace.Trace
	got      *trace.Recipient
}

// TestLabRoutesJudgeTheRecordedLab traces every scenario of the recorded lab
// and compares each recipient with provisioning/routes/lab.yaml. Delivered
// and relayed recipients are ok; bounced, rejected, discarded and expired
// ones failed. The deferred and held ones have no final disposition: at the
// end of the log they have waited seconds, within their stage's max_wait, so
// they are ok and pending; two hours later they are stuck.
func TestLabRoutesJudgeTheRecordedLab(t *testing.T) {
	db, err := Load(filepath.Join("..", "..", "provisioning", "routes", "lab.yaml"))
	require.NoError(t, err)
	cases, end := traceLab(t)
	for _, later := range []time.Duration{0, 2 * time.Hour} {
		for _, c := range cases {
			name := c.scenario + "/" + c.want.Address + "/+" + later.String()
			t.Run(name, func(t *testing.T) {
				rt, why := db.RouteFor(c.trace, c.got)
				require.NotNil(t, rt, why)
				res := Compare(rt, c.got, end.Add(later))
				t.Log(why + ": " + res.Sentence)
				verdict, pending := labVerdict(c.want.Disposition, later)
				require.Equal(t, verdict, res.Verdict, "%s: %s", why, res.Sentence)
				require.Equal(t, pending, res.Pending, res.Sentence)
				require.Empty(t, res.Missed[:skippedCount(res)], res.Sentence)
				for _, m := range res.Marks {
					require.NotEqual(t, MarkWrong, m.Kind, res.Sentence)
				}
			})
		}
	}
}

// skippedCount is how many missed stages were skipped on the way rather than
// left unreached by a message that ended early: none for a failed one.
func skippedCount(res Result) int {
	if res.Verdict == VerdictFailed {
		return 0
	}
	return len(res.Missed)
}

func labVerdict(d labkey.Disposition, later time.Duration) (Verdict, bool) {
	switch d {
	case labkey.Delivered, labkey.Relayed:
		return VerdictOK, false
	case "deferred", "in_flight":
		if later > 0 {
			return VerdictStuck, false
		}
		return VerdictOK, true
	}
	return VerdictFailed, false
}

func TestLabRoutesSayWhatHappened(t *testing.T) {
	db, err := Load(filepath.Join("..", "..", "provisioning", "routes", "lab.yaml"))
	require.NoError(t, err)
	cases, end := traceLab(t)
	want := map[string]string{
		"plain": "delivered to INBOX of bob@store.lab.mailpath.test as the route expects",
		"spam":  "delivered to Junk of erin@store.lab.mailpath.test as the route expects",
		"alias/carol@ext.example": "relayed by out to ext.lab.mailpath.test as the " +
			"route expects",
		"discard":  "discarded at mx2 (",
		"reject":   "rejected at mx1 (",
		"deferred": "on its way: deferred at out for ",
		"hold":     "on its way: in flight at mx1 for ",
	}
	for _, c := range cases {
		s, ok := want[c.scenario+"/"+c.want.Address]
		if !ok {
			s, ok = want[c.scenario]
		}
		if !ok {
			continue
		}
		rt, _ := db.RouteFor(c.trace, c.got)
		res := Compare(rt, c.got, end)
		require.True(t, strings.HasPrefix(res.Sentence, s), "%s: %s", c.scenario, res.Sentence)
	}
}

// traceLab traces every scenario of the recorded lab from its RFC 3164 log and
// returns its recipients with the time of the log's last line they reach.
func traceLab(t *testing.T) ([]labCase, time.Time) {
	t.Helper()
	key, err := labkey.Load(filepath.Join(labDir, "key.json"))
	require.NoError(t, err)
	src, err := file.Open([]string{filepath.Join(labDir, "mail-rfc3164.log")},
		file.Options{Location: time.UTC})
	require.NoError(t, err)
	var cases []labCase
	var end time.Time
	for _, sc := range key.Scenarios {
		res, err := trace.Run(context.Background(), src, labSeed(sc), trace.Options{})
		require.NoError(t, err, sc.Name)
		require.Len(t, res.Traces, 1, sc.Name)
		tr := res.Traces[0]
		if tr.Last.After(end) {
			end = tr.Last
		}
		for _, want := range sc.Recipients {
			cases = append(cases, labCase{sc.Name, want, tr, recipientOf(t, tr, want)})
		}
	}
	return cases, end
}

// labSeed finds a scenario by its entry queue ID, or by recipient when the
// MX refused it before it had one.
func labSeed(sc labkey.Scenario) trace.Seed {
	if !sc.SMTP.Accepted {
		return trace.Seed{To: sc.Recipients[0].Address}
	}
	return trace.Seed{Host: sc.EntryHost, QueueID: sc.SMTP.QueueID}
}

func recipientOf(t *testing.T, tr *trace.Trace, want labkey.Recipient) *trace.Recipient {
	t.Helper()
	for _, r := range tr.Recipients {
		if strings.EqualFold(r.Address, want.Address) {
			require.Equal(t, want.Path, r.Path, want.Address)
			return r
		}
	}
	t.Fatalf("recipient %s not traced", want.Address)
	return nil
}
