package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
)

// labDirs are the lab runs to check: the bundled recording, and the run CI
// makes fresh (MAILPATH_LAB_OUT), which CI must provide.
func labDirs(t *testing.T) []string {
	dirs := []string{filepath.Join("..", "..", "..", "lab", "recorded")}
	if out := os.Getenv("MAILPATH_LAB_OUT"); out != "" {
		dirs = append(dirs, out)
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI is set but MAILPATH_LAB_OUT is not: CI must run the lab (lab/lab.sh run)")
	}
	return dirs
}

var labFormats = []string{"mail-rfc3164.log", "mail-rfc5424.log", "mail-iso8601.log"}

// TestLabScenarios traces every scenario of every lab run from each of its
// three framings and checks each recipient's path and fate against the
// lab's answer key, which the lab wrote from what it saw, not from the log.
func TestLabScenarios(t *testing.T) {
	for _, dir := range labDirs(t) {
		key, err := labkey.Load(filepath.Join(dir, "key.json"))
		require.NoError(t, err)
		for _, format := range labFormats {
			logPath := filepath.Join(dir, format)
			for _, sc := range key.Scenarios {
				for _, seed := range seedsFor(sc) {
					name := filepath.Base(dir) + "/" + format + "/" + sc.Name + "/" + seed[0]
					t.Run(name, func(t *testing.T) {
						got := traceJSON(t, logPath, seed...)
						checkScenario(t, key, sc, got)
					})
				}
			}
		}
	}
}

// seedsFor returns the CLI seeds that must each find the scenario's message:
// its Message-ID when the entry MX logged one, and its entry queue ID; a
// message refused at RCPT has neither, so it is found by recipient.
func seedsFor(sc labkey.Scenario) [][]string {
	if !sc.SMTP.Accepted {
		return [][]string{{"--to", sc.Recipients[0].Address}}
	}
	seeds := [][]string{{"--queue-id", sc.EntryHost + ":" + sc.SMTP.QueueID}}
	if sc.Name != "discard" { // discarded at the Subject, before cleanup saw the Message-ID
		seeds = append(seeds, []string{"--message-id", sc.MessageID})
	}
	return seeds
}

func traceJSON(t *testing.T, logPath string, seed ...string) []jsonTrace {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := append([]string{"trace", "--json", "--tz", "UTC", "--logs", logPath}, seed...)
	code := run(args, &stdout, &stderr)
	require.Equal(t, exitMatched, code, "stderr: %s", stderr.String())
	return decodeTraces(t, &stdout)
}

// decodeTraces reads trace --json output, one object per line.
func decodeTraces(t *testing.T, r io.Reader) []jsonTrace {
	t.Helper()
	var out []jsonTrace
	dec := json.NewDecoder(r)
	for dec.More() {
		var jt jsonTrace
		require.NoError(t, dec.Decode(&jt))
		out = append(out, jt)
	}
	return out
}

func checkScenario(t *testing.T, key *labkey.Key, sc labkey.Scenario, traces []jsonTrace) {
	require.Len(t, traces, 1, "one message per scenario")
	tr := traces[0]
	require.Len(t, tr.Recipients, len(sc.Recipients), "recipients: %+v", tr.Recipients)
	for _, want := range sc.Recipients {
		i := slices.IndexFunc(tr.Recipients, func(r jsonRecipient) bool {
			return strings.EqualFold(r.Address, want.Address)
		})
		require.GreaterOrEqual(t, i, 0, "recipient %s missing from %+v", want.Address,
			tr.Recipients)
		got := tr.Recipients[i]
		require.Equal(t, string(want.Disposition), got.Disposition, "%s: %+v", want.Address, got)
		require.Equal(t, want.Path, got.Path, want.Address)
		require.Equal(t, want.OrigTo, got.OrigTo, want.Address)
		if want.Disposition == labkey.Delivered {
			require.Equal(t, want.Folder, got.Folder, want.Address)
		}
		if want.RelayHost != "" {
			h, ok := key.Host(want.RelayHost)
			require.True(t, ok)
			require.Equal(t, h.FQDN, got.Relay, want.Address)
		}
		require.Contains(t, got.Reason, want.ReasonContains, want.Address)
		for host, qid := range want.QueueIDs {
			require.Contains(t, got.QueueIDs, host+":"+qid, want.Address)
		}
	}
	if sc.DSN != nil {
		checkDSN(t, sc, tr)
	}
}

func checkDSN(t *testing.T, sc labkey.Scenario, tr jsonTrace) {
	require.Len(t, tr.Notifications, 1, "one notification for %s", sc.Name)
	n := tr.Notifications[0]
	require.Equal(t, sc.DSN.MessageID, n.MessageID)
	require.Len(t, n.Recipients, 1)
	require.Equal(t, sc.DSN.DeliveredTo, n.Recipients[0].Address)
	require.Equal(t, "delivered", n.Recipients[0].Disposition)
}
