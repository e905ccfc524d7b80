package route

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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
