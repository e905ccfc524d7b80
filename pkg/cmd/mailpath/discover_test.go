package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/route"
)

var labLog = filepath.Join(recorded, "mail-rfc3164.log")

// discoverCLI runs routes discover under a root of its own, wired as run
// wires the other commands.
func discoverCLI(args ...string) (string, string, error) {
	root := &cobra.Command{Use: "mailpath", SilenceUsage: true, SilenceErrors: true}
	routes := &cobra.Command{Use: "routes"}
	routes.AddCommand(newDiscoverCmd())
	root.AddCommand(routes)
	var stdout, stderr bytes.Buffer
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	root.SetArgs(append([]string{"routes", "discover"}, args...))
	err := root.Execute()
	return stdout.String(), stderr.String(), err
}

// TestRoutesDiscoverProposesRoutesTheLabPasses discovers routes from the
// recorded lab at coverage 0.9 and traces every normal scenario (one with no
// deviation field in the key) against them: its delivered and relayed
// recipients are ok.
func TestRoutesDiscoverProposesRoutesTheLabPasses(t *testing.T) {
	out := filepath.Join(t.TempDir(), "proposed.yaml")
	stdout, stderr, err := discoverCLI("--logs", labLog, "--tz", "UTC", "--since",
		"2026-12-01T00:00:00Z", "--coverage", "0.9", "--out", out)
	require.NoError(t, err, stderr)
	t.Log(stdout)
	require.Regexp(t, `store\.lab\.mailpath\.test +mx2 > filter2 > store +5 +27\.8% +`+
		`delivered 5 +yes`, stdout)
	require.Regexp(t, `outside +mx1 +1 +9\.1% +expired 1 +no`, stdout)
	_, err = route.Load(out)
	require.NoError(t, err)

	judged := 0
	for _, sc := range normalScenarios(t) {
		seed := []string{"--queue-id", sc.EntryHost + ":" + sc.SMTP.QueueID, "--routes", out}
		got := traceJSON(t, labLog, seed...)
		for _, r := range got[0].Recipients {
			if d := sc.disposition(r.Address); d == "delivered" || d == "relayed" {
				require.Equal(t, "ok", r.Verdict, "%s %s: %s", sc.Name, r.Address, r.Sentence)
				judged++
			}
		}
	}
	require.Greater(t, judged, 20)
}

func TestRoutesDiscoverWritesRoutesToStdout(t *testing.T) {
	stdout, stderr, err := discoverCLI("--logs", labLog, "--tz", "UTC", "--since",
		"2026-12-01T00:00:00Z")
	require.NoError(t, err, stderr)
	require.Contains(t, stderr, "CLASS")
	require.Contains(t, stderr, "left out")
	db, err := route.Parse("stdout", []byte(stdout))
	require.NoError(t, err)
	require.Equal(t, "store.lab.mailpath.test", db.Routes[0].Name)
	require.Equal(t, route.Outside, db.Routes[len(db.Routes)-1].Name)
}

func TestRoutesDiscoverRefusesABadCoverage(t *testing.T) {
	_, _, err := discoverCLI("--logs", labLog, "--coverage", "1.5")
	require.ErrorContains(t, err, "reading --coverage: value=1.5")
}

// keyScenario is a scenario of the lab key as read by hand, for the
// deviation field that labkey does not know.
type keyScenario struct {
	Name      string          `json:"name"`
	EntryHost string          `json:"entry_host"`
	Deviation json.RawMessage `json:"deviation"`
	SMTP      struct {
		Accepted bool   `json:"accepted"`
		QueueID  string `json:"queue_id"`
	} `json:"smtp"`
	Recipients []struct {
		Address     string `json:"address"`
		Disposition string `json:"disposition"`
	} `json:"recipients"`
}

func (sc keyScenario) disposition(addr string) string {
	for _, r := range sc.Recipients {
		if r.Address == addr {
			return r.Disposition
		}
	}
	return ""
}

// normalScenarios are the accepted scenarios of the key with no deviation.
func normalScenarios(t *testing.T) []keyScenario {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(recorded, "key.json"))
	require.NoError(t, err)
	var key struct {
		Scenarios []keyScenario `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal(raw, &key))
	var out []keyScenario
	for _, sc := range key.Scenarios {
		if len(sc.Deviation) == 0 && sc.SMTP.Accepted {
			out = append(out, sc)
		}
	}
	return out
}
