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

var recorded = filepath.Join("..", "..", "..", "lab", "recorded")

func TestExitStatus(t *testing.T) {
	logPath := filepath.Join(recorded, "mail-rfc3164.log")
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no seed is bad usage", []string{"trace", "--logs", logPath}, exitBadInput, "no seed"},
		{"a blank tag is no seed", []string{"trace", "--logs", logPath, "--tag", " "},
			exitBadInput, "no seed"},
		{"a blank sender is no seed", []string{"trace", "--logs", logPath, "--from", " "},
			exitBadInput, "no seed"},
		{"two seeds are bad usage",
			[]string{"trace", "--logs", logPath, "--from", "a@b", "--to", "c@d"},
			exitBadInput, "more than one seed"},
		{"a queue id without host is bad usage",
			[]string{"trace", "--logs", logPath, "--queue-id", "4F2A1C0123"},
			exitBadInput, "HOST:QID"},
		{"an unreadable file is named",
			[]string{"trace", "--logs", "/nonexistent/mail.log", "--from", "a@b"},
			exitBadInput, "/nonexistent/mail.log"},
		{"a bad time is named",
			[]string{"trace", "--logs", logPath, "--from", "a@b", "--since", "yesterday"},
			exitBadInput, "--since"},
		{"no logs is bad usage", []string{"trace", "--from", "a@b"}, exitBadInput, "--logs"},
		{"nothing matching exits 1 and says so",
			[]string{"trace", "--logs", logPath, "--message-id", "<nobody@nowhere.invalid>"},
			exitNoMatch, "no message matched"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			require.Equal(t, tc.code, code, "stderr: %s", stderr.String())
			require.Contains(t, stderr.String(), tc.stderr)
		})
	}
}

// TestBrokenLinesDoNotStopATrace damages a copy of the lab log with binary,
// truncated and overlong lines that carry the traced Message-ID, and checks
// that the trace still comes out as the key says and that the damaged lines
// are counted and named on stderr.
func TestBrokenLinesDoNotStopATrace(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(recorded, "mail-rfc3164.log"))
	require.NoError(t, err)
	id := "plain.edd705@client.lab.mailpath.test"
	junk := []string{
		"\x00\x01\x02\xff\xfe binary " + id + " \x00",
		"Dec  3 11:4",
		"Dec  3 11:41:22 mx1 postfix-mx1/cleanup[1]: trunc " + id[:10],
		strings.Repeat("z", 9<<20) + " " + id,
	}
	lines := strings.SplitAfter(string(src), "\n")
	var b strings.Builder
	for i, l := range lines {
		b.WriteString(l)
		if i%50 == 10 && len(junk) > 0 {
			b.WriteString(junk[0] + "\n")
			junk = junk[1:]
		}
	}
	b.WriteString("Dec  3 11:59:59 mx1 postfix-mx1/qmgr[9]: cut off at the end " + id)
	p := filepath.Join(t.TempDir(), "damaged.log")
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))

	var stdout, stderr bytes.Buffer
	code := run([]string{"trace", "--json", "--tz", "UTC", "--logs", p, "--message-id", id},
		&stdout, &stderr)
	require.Equal(t, exitMatched, code, "stderr: %s", stderr.String())
	require.Contains(t, stderr.String(), "3 line(s) could not be parsed")
	require.Contains(t, stderr.String(), "damaged.log:")
	require.Contains(t, stdout.String(), `"disposition":"delivered"`)
	require.Contains(t, stdout.String(), `"path":["mx1","filter1","store"]`)
}

// TestLostHandOffLine deletes, then cuts short, the line in which mx1 handed
// the plain scenario to filter1. The next hops' own lines still tie the
// message together: the recipient must come out as the key says, marked
// inferred, and the cut line must be reported.
func TestLostHandOffLine(t *testing.T) {
	key := recordedKey(t)
	sc, _ := key.Scenario("plain")
	src, err := os.ReadFile(filepath.Join(recorded, "mail-rfc3164.log"))
	require.NoError(t, err)
	cases := []struct {
		name     string
		edit     func(line string) string
		unparsed string
	}{
		{"deleted", func(string) string { return "" }, ""},
		{"cut short", func(l string) string { return l[:90] + "\n" },
			"1 line(s) could not be parsed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			for _, l := range strings.SplitAfter(string(src), "\n") {
				if strings.Contains(l, sc.SMTP.QueueID+": to=<") {
					l = tc.edit(l)
				}
				b.WriteString(l)
			}
			p := filepath.Join(t.TempDir(), "lost.log")
			require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
			var stdout, stderr bytes.Buffer
			code := run([]string{"trace", "--json", "--tz", "UTC", "--logs", p,
				"--message-id", sc.MessageID}, &stdout, &stderr)
			require.Equal(t, exitMatched, code, stderr.String())
			var got jsonTrace
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &got))
			require.Len(t, got.Recipients, 1)
			r := got.Recipients[0]
			require.Equal(t, sc.Recipients[0].Address, r.Address)
			require.Equal(t, string(sc.Recipients[0].Disposition), r.Disposition)
			require.Equal(t, sc.Recipients[0].Path, r.Path)
			require.Equal(t, sc.Recipients[0].Folder, r.Folder)
			require.True(t, r.Inferred)
			require.Contains(t, stderr.String(), tc.unparsed)
		})
	}
}

// TestRecipientSeedFindsEveryMessageToIt seeds by each recipient address the
// key knows and expects every message the key delivered, relayed or refused
// for it, aliases included.
func TestRecipientSeedFindsEveryMessageToIt(t *testing.T) {
	key := recordedKey(t)
	want := map[string][]string{}
	for _, s := range key.Scenarios {
		if s.Name == "discard" || s.Name == "reject" {
			continue // no Message-ID in the log to compare by
		}
		for _, r := range s.Recipients {
			want[r.Address] = append(want[r.Address], s.MessageID)
		}
	}
	for addr, ids := range want {
		t.Run(addr, func(t *testing.T) {
			got := traceJSON(t, filepath.Join(recorded, "mail-rfc5424.log"), "--to", addr)
			var gotIDs []string
			for _, tr := range got {
				gotIDs = append(gotIDs, tr.MessageID)
			}
			for _, id := range ids {
				require.Contains(t, gotIDs, id)
			}
		})
	}
}

// TestMissingHopOnAReadHostIsNotRelayed removes filter2's lines for the copy
// mx2 handed it in the multi scenario. filter2 is a host whose lines are
// read, so the recipients of that copy were not relayed: they are in flight,
// with a reason that says no record was found.
func TestMissingHopOnAReadHostIsNotRelayed(t *testing.T) {
	key := recordedKey(t)
	sc, _ := key.Scenario("multi")
	src, err := os.ReadFile(filepath.Join(recorded, "mail-rfc3164.log"))
	require.NoError(t, err)
	gone := sc.Recipients[slices.IndexFunc(sc.Recipients, func(r labkey.Recipient) bool {
		return r.Disposition == labkey.Relayed
	})].QueueIDs["filter2"]
	require.NotEmpty(t, gone)
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(src), "\n") {
		if !strings.Contains(l, " filter2 ") || !strings.Contains(l, gone) {
			b.WriteString(l)
		}
	}
	p := filepath.Join(t.TempDir(), "missing.log")
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	got := traceJSON(t, p, "--message-id", sc.MessageID)
	for _, r := range got[0].Recipients {
		want := sc.Recipients[slices.IndexFunc(sc.Recipients, func(k labkey.Recipient) bool {
			return k.Address == r.Address
		})]
		if want.QueueIDs["filter2"] != gone {
			continue
		}
		require.Equal(t, "in_flight", r.Disposition, r.Address)
		require.Contains(t, r.Reason, "no record", r.Address)
	}
}
