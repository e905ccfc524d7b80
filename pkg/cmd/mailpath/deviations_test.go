package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
)

// The lab run with deliberate deviations, and the routes it is judged by.
var (
	deviationsDir    = filepath.Join("..", "..", "..", "lab", "deviations")
	deviationsRoutes = filepath.Join(deviationsDir, "lab.yaml")
)

// labDeviation is one scenario of deviations.json. Recipients says what the
// lab did to each recipient ("" for one kept on its route), since a "mixed"
// scenario's recipients deviate each in their own way.
type labDeviation struct {
	Name, Deviation string
	Recipients      []struct{ Address, Deviation string }
}

func readDeviations(t *testing.T) []labDeviation {
	raw, err := os.ReadFile(filepath.Join(deviationsDir, "deviations.json"))
	require.NoError(t, err)
	var d struct {
		Scenarios []labDeviation `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal(raw, &d))
	return d.Scenarios
}

// deviationOf reads which scenarios the lab took off their route on purpose.
func deviationOf(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, s := range readDeviations(t) {
		out[s.Name] = s.Deviation
	}
	return out
}

// recipientDeviations reads, by scenario, what the lab did to each recipient
// on purpose; every recipient of a deviating scenario is listed.
func recipientDeviations(t *testing.T) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, s := range readDeviations(t) {
		out[s.Name] = map[string]string{}
		for _, r := range s.Recipients {
			out[s.Name][r.Address] = r.Deviation
		}
	}
	return out
}

// recipientDeviation is what the lab did to the key recipient want of sc:
// deviations.json must name it, so a recipient it forgot fails rather than
// passing as one kept on its route.
func recipientDeviation(t *testing.T, devs map[string]map[string]string, sc string,
	want labkey.Recipient) string {
	t.Helper()
	dev, ok := devs[sc][want.Address]
	require.True(t, ok, "deviations.json lacks %s of %s", want.Address, sc)
	return dev
}

// traced finds the key recipient want among the traced ones.
func traced(t *testing.T, got []jsonTrace, want labkey.Recipient) jsonRecipient {
	t.Helper()
	i := slices.IndexFunc(got[0].Recipients, func(r jsonRecipient) bool {
		return strings.EqualFold(r.Address, want.Address)
	})
	require.GreaterOrEqual(t, i, 0, "recipient %s not traced", want.Address)
	return got[0].Recipients[i]
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
// the lab's deviation run from its real log and checks each recipient's
// verdict, each hop's mark and the sentence against what the lab did to it.
// mixed-deviation has all of them in one message, beside a recipient that
// keeps to its route.
func TestDeviationsGetTheirMarks(t *testing.T) {
	key, err := labkey.Load(filepath.Join(deviationsDir, "key.json"))
	require.NoError(t, err)
	devs := recipientDeviations(t)
	verdicts := map[string]string{"": "ok", "skip-filter": "deviated",
		"wrong-host": "deviated", "dropped-inside": "failed", "stuck": "stuck"}
	sentences := map[string]string{"": "as the route expects",
		"skip-filter": `stage "filter" was skipped`, "wrong-host": "filter3 was used",
		"dropped-inside": "discarded at store", "stuck": "past the stage's"}
	seen := map[string]int{}
	for _, sc := range key.Scenarios {
		if devs[sc.Name] == nil {
			continue
		}
		require.Len(t, devs[sc.Name], len(sc.Recipients), "deviations.json of %s", sc.Name)
		for _, want := range sc.Recipients {
			seen[recipientDeviation(t, devs, sc.Name, want)]++
		}
		t.Run(sc.Name, func(t *testing.T) {
			got := traceJSON(t, filepath.Join(deviationsDir, "mail-rfc3164.log"),
				"--message-id", sc.MessageID, "--routes", deviationsRoutes)
			checkScenario(t, key, sc, got)
			for _, want := range sc.Recipients {
				dev := recipientDeviation(t, devs, sc.Name, want)
				r := traced(t, got, want)
				require.Equal(t, verdicts[dev], r.Verdict, want.Address+": "+r.Sentence)
				require.Equal(t, wantMarks(dev, want), r.Marks, want.Address)
				require.Contains(t, r.Sentence, sentences[dev], want.Address)
			}
		})
	}
	// Each deviation once on its own, and once more in mixed-deviation (all but
	// dropped-inside, whose body rule cannot single out one recipient), with bob
	// on his route: a lost entry would otherwise go unnoticed.
	require.Equal(t, map[string]int{"skip-filter": 2, "wrong-host": 2, "dropped-inside": 1,
		"stuck": 2, "": 1}, seen, "the deviations the lab makes, by recipient")
}

// TestDiscoveredRoutesFlagTheDeviations proposes routes from the lab's
// normal traffic, then judges the deviation run's deliberate deviations by
// them: none may pass as ok, and the stuck ones must be stuck, past the wait
// proposed from how long normal mail stayed at its stage; the recipient of
// mixed-deviation that keeps to its route must still be ok.
func TestDiscoveredRoutesFlagTheDeviations(t *testing.T) {
	routes := filepath.Join(t.TempDir(), "discovered.yaml")
	var stdout, stderr bytes.Buffer
	code := run([]string{"routes", "discover", "--logs", filepath.Join(recorded,
		"mail-rfc3164.log"), "--tz", "UTC", "--since", "2026-12-01T00:00:00Z",
		"--coverage", "0.99", "--out", routes}, &stdout, &stderr)
	require.Equal(t, exitMatched, code, stderr.String())
	key, err := labkey.Load(filepath.Join(deviationsDir, "key.json"))
	require.NoError(t, err)
	devs := recipientDeviations(t)
	for _, sc := range key.Scenarios {
		if devs[sc.Name] == nil {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			got := traceJSON(t, filepath.Join(deviationsDir, "mail-rfc3164.log"),
				"--message-id", sc.MessageID, "--routes", routes)
			for _, want := range sc.Recipients {
				dev := recipientDeviation(t, devs, sc.Name, want)
				r := traced(t, got, want)
				msg := want.Address + ": " + r.Sentence
				require.NotEmpty(t, r.Verdict, "a discovered route applies to "+msg)
				switch dev {
				case "":
					// Normal traffic is what the routes were discovered from.
					require.Equal(t, "ok", r.Verdict, msg)
				case "stuck":
					require.Equal(t, "stuck", r.Verdict, msg)
				default:
					require.NotEqual(t, "ok", r.Verdict, msg)
				}
			}
		})
	}
}

// TestEmptyMessageIDIsBadUsage: a Message-ID with nothing inside its angle
// brackets matched every message without one (in this run, the key's reject
// and discard scenarios). It is bad usage now, named on stderr, and nothing
// is traced.
func TestEmptyMessageIDIsBadUsage(t *testing.T) {
	logPath := filepath.Join(deviationsDir, "mail-rfc5424.log")
	// Spaces around a seed are trimmed first: a blank one is no seed at all.
	for id, want := range map[string]string{"<>": `--message-id: message id "<>"`,
		"<": `--message-id: message id "<"`, ">": `--message-id: message id ">"`,
		" ": "no seed", " <> ": `--message-id: message id "<>"`} {
		t.Run(id, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"trace", "--logs", logPath, "--message-id", id}, &stdout,
				&stderr)
			require.Equal(t, exitBadInput, code, "stderr: %s", stderr.String())
			require.Contains(t, stderr.String(), want)
			require.Empty(t, stdout.String())
		})
	}
}
