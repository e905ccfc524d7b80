package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
)

// The lab run with deliberate deviations, and the routes it is judged by.
var (
	deviationsDir    = filepath.Join("..", "..", "..", "lab", "deviations")
	deviationsRoutes = filepath.Join(deviationsDir, "lab.yaml")
)

// deviationOf reads which scenarios the lab took off their route on purpose.
func deviationOf(t *testing.T) map[string]string {
	raw, err := os.ReadFile(filepath.Join(deviationsDir, "deviations.json"))
	require.NoError(t, err)
	var d struct {
		Scenarios []struct{ Name, Deviation string } `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal(raw, &d))
	out := map[string]string{}
	for _, s := range d.Scenarios {
		out[s.Name] = s.Deviation
	}
	return out
}

// wantMarks derives the marks a recipient must get from the key's path and
// what the lab did: every host of the path taken, but the one the deviation
// put there; a missed stage where a filter was skipped; and the host where
// the mail stopped, last.
func wantMarks(dev string, r labkey.Recipient) []jsonMark {
	stages := map[string]string{"mx1": "mx", "mx2": "mx", "filter1": "filter",
		"filter2": "filter", "filter3": "filter", "store": "store", "out": "out"}
	var out []jsonMark
	for i, h := range r.Path {
		if dev == "skip-filter" && i == 1 {
			out = append(out, jsonMark{Stage: "filter", Kind: "missed"})
		}
		kind := "taken"
		if dev == "wrong-host" && h == "filter3" {
			kind = "wrong"
		}
		out = append(out, jsonMark{Host: h, Stage: stages[h], Kind: kind})
	}
	last := r.Path[len(r.Path)-1]
	switch dev {
	case "dropped-inside":
		out = append(out, jsonMark{Host: last, Stage: stages[last], Kind: "dropped"})
	case "stuck":
		out = append(out, jsonMark{Host: last, Stage: stages[last], Kind: "stuck"})
	}
	return out
}

// TestDeviationsGetTheirMarks traces each deliberately deviating scenario of
// the lab's deviation run from its real log and checks the verdict, each
// hop's mark and the sentence against what the lab did.
func TestDeviationsGetTheirMarks(t *testing.T) {
	key, err := labkey.Load(filepath.Join(deviationsDir, "key.json"))
	require.NoError(t, err)
	devs := deviationOf(t)
	verdicts := map[string]string{"skip-filter": "deviated", "wrong-host": "deviated",
		"dropped-inside": "failed", "stuck": "stuck"}
	sentences := map[string]string{"skip-filter": `stage "filter" was skipped`,
		"wrong-host": "filter3 was used", "dropped-inside": "discarded at store",
		"stuck": "past the stage's"}
	seen := 0
	for _, sc := range key.Scenarios {
		dev := devs[sc.Name]
		if dev == "" {
			continue
		}
		seen++
		t.Run(sc.Name, func(t *testing.T) {
			got := traceJSON(t, filepath.Join(deviationsDir, "mail-rfc3164.log"),
				"--message-id", sc.MessageID, "--routes", deviationsRoutes)
			checkScenario(t, key, sc, got)
			r := got[0].Recipients[0]
			require.Equal(t, verdicts[dev], r.Verdict, r.Sentence)
			require.Equal(t, wantMarks(dev, sc.Recipients[0]), r.Marks)
			require.Contains(t, r.Sentence, sentences[dev])
		})
	}
	require.Equal(t, 4, seen, "the four deviations the lab makes")
}

// TestDiscoveredRoutesFlagTheDeviations proposes routes from the lab's
// normal traffic, then judges the deviation run's deliberate deviations by
// them: none may pass as ok, and the stuck one must be stuck, past the wait
// proposed from how long normal mail stayed at its stage.
func TestDiscoveredRoutesFlagTheDeviations(t *testing.T) {
	routes := filepath.Join(t.TempDir(), "discovered.yaml")
	var stdout, stderr bytes.Buffer
	code := run([]string{"routes", "discover", "--logs", filepath.Join(recorded,
		"mail-rfc3164.log"), "--tz", "UTC", "--since", "2026-12-01T00:00:00Z",
		"--coverage", "0.99", "--out", routes}, &stdout, &stderr)
	require.Equal(t, exitMatched, code, stderr.String())
	key, err := labkey.Load(filepath.Join(deviationsDir, "key.json"))
	require.NoError(t, err)
	devs := deviationOf(t)
	for _, sc := range key.Scenarios {
		dev := devs[sc.Name]
		if dev == "" {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			got := traceJSON(t, filepath.Join(deviationsDir, "mail-rfc3164.log"),
				"--message-id", sc.MessageID, "--routes", routes)
			r := got[0].Recipients[0]
			require.NotEqual(t, "ok", r.Verdict, r.Sentence)
			require.NotEmpty(t, r.Verdict, "a discovered route applies: %s", r.Sentence)
			if dev == "stuck" {
				require.Equal(t, "stuck", r.Verdict, r.Sentence)
			}
		})
	}
}
