package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
	"github.com/mailpath/mailpath/pkg/logsource/file"
	"github.com/mailpath/mailpath/pkg/trace"
)

var recorded = filepath.Join("..", "..", "lab", "recorded")

// TestSearchListsTheLabsMessages searches the recorded lab log and checks
// the rows against the lab's key: which messages entered where, and which
// had a recipient bounced, rejected, deferred or held.
func TestSearchListsTheLabsMessages(t *testing.T) {
	key, err := labkey.Load(filepath.Join(recorded, "key.json"))
	require.NoError(t, err)
	src, err := file.Open([]string{filepath.Join(recorded, "mail-rfc3164.log")},
		file.Options{Location: time.UTC})
	require.NoError(t, err)
	cases := []struct {
		name   string
		filter Filter
		want   func(labkey.Scenario) bool
	}{
		{"entered on mx2", Filter{EntryHosts: []string{"mx2"}},
			func(s labkey.Scenario) bool { return s.EntryHost == "mx2" }},
		{"with a bounced recipient", Filter{Status: trace.DispositionBounced},
			hasDisposition(labkey.Bounced)},
		{"with a rejected recipient", Filter{Status: trace.DispositionRejected},
			hasDisposition(labkey.Rejected)},
		{"with a deferred recipient", Filter{Status: trace.DispositionDeferred},
			hasDisposition(labkey.Deferred)},
		{"tagged spam", Filter{Tag: "[spam]"},
			func(s labkey.Scenario) bool { return s.Name == "spam" }},
		{"to an outside address", Filter{To: "carol@ext.example"},
			func(s labkey.Scenario) bool {
				return slices.ContainsFunc(s.Recipients, func(r labkey.Recipient) bool {
					return r.Address == "carol@ext.example"
				})
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), src, tc.filter)
			require.NoError(t, err)
			var want, got []string
			for _, s := range key.Scenarios {
				if tc.want(s) {
					want = append(want, s.Name)
				}
			}
			for _, row := range res.Rows {
				got = append(got, scenarioOf(t, key, row))
			}
			require.ElementsMatch(t, want, got)
		})
	}
}

func hasDisposition(d labkey.Disposition) func(labkey.Scenario) bool {
	return func(s labkey.Scenario) bool {
		return slices.ContainsFunc(s.Recipients, func(r labkey.Recipient) bool {
			return r.Disposition == d
		})
	}
}

// scenarioOf names the scenario a row is, by Message-ID or, for a message
// that left none in the log, by its entry queue ID or its recipient.
func scenarioOf(t *testing.T, key *labkey.Key, row Row) string {
	for _, s := range key.Scenarios {
		switch {
		case row.MessageID != "" && row.MessageID == s.MessageID:
			return s.Name
		case row.Seed.QueueID != "" && row.Seed.QueueID == s.SMTP.QueueID:
			return s.Name
		case !s.SMTP.Accepted && slices.Contains(row.Recipients, s.Recipients[0].Address):
			return s.Name
		}
	}
	t.Fatalf("row matches no scenario: %+v", row)
	return ""
}

func TestSearchRejectsAnEmptyWindow(t *testing.T) {
	src, err := file.Open([]string{filepath.Join(recorded, "mail-rfc3164.log")}, file.Options{})
	require.NoError(t, err)
	now := time.Now()
	_, err = Run(context.Background(), src, Filter{Since: now, Until: now.Add(-time.Hour)})
	require.ErrorIs(t, err, trace.ErrEmptyWindow)
}
