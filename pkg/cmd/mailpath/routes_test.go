package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
)

var labRoutes = filepath.Join("..", "..", "..", "provisioning", "routes", "lab.yaml")

// TestTraceWithRoutesJudgesEveryRecipient compares every recipient of the
// recorded lab with the lab's routes: what the key says was delivered or
// relayed is ok, what it says failed is failed.
func TestTraceWithRoutesJudgesEveryRecipient(t *testing.T) {
	runs := []struct{ dir, routes string }{
		{recorded, labRoutes}, {deviationsDir, deviationsRoutes}}
	devs := deviationOf(t)
	for _, run := range runs {
		t.Run(filepath.Base(run.dir), func(t *testing.T) {
			judgeRun(t, run.dir, run.routes, devs)
		})
	}
}

// judgeRun checks the normal scenarios of one lab run: the deliberate
// deviations have their own test.
func judgeRun(t *testing.T, dir, routes string, devs map[string]string) {
	key, err := labkey.Load(filepath.Join(dir, "key.json"))
	require.NoError(t, err)
	logPath := filepath.Join(dir, "mail-rfc3164.log")
	want := map[labkey.Disposition]string{labkey.Delivered: "ok", labkey.Relayed: "ok",
		labkey.Bounced: "failed", labkey.Rejected: "failed", labkey.Discarded: "failed",
		labkey.Expired: "failed"}
	for _, sc := range key.Scenarios {
		if devs[sc.Name] != "" {
			continue
		}
		for _, seed := range seedsFor(sc)[:1] {
			t.Run(sc.Name, func(t *testing.T) {
				got := traceJSON(t, logPath, append(seed, "--routes", routes)...)
				for _, r := range got[0].Recipients {
					k := sc.Recipients[indexOf(t, sc, r.Address)]
					if w, ok := want[k.Disposition]; ok {
						require.Equal(t, w, r.Verdict, "%s: %s", r.Address, r.Sentence)
					}
					require.NotEmpty(t, r.Sentence, r.Address)
					requireHostsTaken(t, k, r)
				}
			})
		}
	}
}

func indexOf(t *testing.T, sc labkey.Scenario, addr string) int {
	for i, r := range sc.Recipients {
		if r.Address == addr {
			return i
		}
	}
	t.Fatalf("%s: no recipient %s in the key", sc.Name, addr)
	return -1
}

func TestRoutesCheckNamesTheMistake(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("routes:\n  - name: x\n    stages:\n"+
		"      - name: mx\n        hosts: []\n    expect: delivered\n"), 0o644))
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitBadInput, run([]string{"routes", "check", bad}, &stdout, &stderr))
	require.Contains(t, stderr.String(), "bad.yaml:5:9:")
	require.Contains(t, stderr.String(), "lists no hosts")
	stdout.Reset()
	require.Equal(t, exitMatched, run([]string{"routes", "check", labRoutes}, &stdout, &stderr))
	require.Contains(t, stdout.String(), "valid")
}

// requireHostsTaken holds a normal recipient's marks to its key path: each
// host of the path taken, in order, and nothing wrong or lost; the stages a
// failed message never reached are missed, and a last mark says where it
// stopped.
func requireHostsTaken(t *testing.T, k labkey.Recipient, r jsonRecipient) {
	t.Helper()
	bad := []string{"wrong", "lost", "missed"}
	if r.Verdict == "failed" {
		bad = bad[:2]
	}
	var hosts []string
	for _, m := range r.Marks {
		require.NotContains(t, bad, m.Kind, "%s: %+v", r.Address, r.Marks)
		if m.Kind == "taken" {
			hosts = append(hosts, m.Host)
		}
	}
	require.Equal(t, k.Path, hosts, r.Address)
}
