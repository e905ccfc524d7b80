package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
)

func recordedKey(t *testing.T) *labkey.Key {
	key, err := labkey.Load(filepath.Join(recorded, "key.json"))
	require.NoError(t, err)
	return key
}

// TestSeedsNamingSeveralMessages checks that a sender seed gives one trace
// per message that sender sent, as the key lists them.
func TestSeedsNamingSeveralMessages(t *testing.T) {
	key := recordedKey(t)
	sc, _ := key.Scenario("plain")
	var want []string
	for _, s := range key.Scenarios {
		if s.Sender == sc.Sender && s.SMTP.Accepted && s.Name != "discard" {
			want = append(want, s.MessageID)
		}
	}
	got := traceJSON(t, filepath.Join(recorded, "mail-rfc3164.log"), "--from", sc.Sender)
	var ids []string
	for _, tr := range got {
		if tr.MessageID != "" {
			ids = append(ids, tr.MessageID)
		}
	}
	for _, id := range want {
		require.Contains(t, ids, id)
	}
	// Each message comes out as the key has it, and no reject of another
	// session on the same smtpd process joins it.
	for _, tr := range got {
		for _, s := range key.Scenarios {
			if s.MessageID == tr.MessageID && s.Name != "discard" {
				checkScenario(t, key, s, []jsonTrace{tr})
			}
		}
	}
	// The discarded message has no Message-ID line; the rejected one never
	// got a queue. Both are traces of their own.
	require.Len(t, got, len(want)+2)
}

func TestTagAndRecipientSeeds(t *testing.T) {
	key := recordedKey(t)
	logPath := filepath.Join(recorded, "mail-iso8601.log")
	spam, _ := key.Scenario("spam")
	got := traceJSON(t, logPath, "--tag", "[SPAM]")
	require.Len(t, got, 1)
	checkScenario(t, key, *spam, got)

	multi, _ := key.Scenario("multi")
	relayed := multi.Recipients[slices.IndexFunc(multi.Recipients, func(r labkey.Recipient) bool {
		return r.Disposition == labkey.Relayed
	})]
	got = traceJSON(t, logPath, "--to", relayed.Address)
	ids := []string{}
	for _, tr := range got {
		ids = append(ids, tr.MessageID)
	}
	require.Contains(t, ids, multi.MessageID)
}

func TestWindowBoundsTheSeed(t *testing.T) {
	key := recordedKey(t)
	sc, _ := key.Scenario("plain")
	logPath := filepath.Join(recorded, "mail-rfc5424.log")
	all := traceJSON(t, logPath, "--from", sc.Sender)
	first, err := time.Parse(time.RFC3339Nano, all[0].First)
	require.NoError(t, err)
	var stdout, stderr strings.Builder
	code := run([]string{"trace", "--json", "--logs", logPath, "--from", sc.Sender,
		"--until", first.Add(-time.Hour).Format(time.RFC3339)}, &stdout, &stderr)
	require.Equal(t, exitNoMatch, code, "nothing before the first line: %s", stdout.String())
}

// TestClockSkewKeepsCausalOrder puts one host's clock 40 seconds behind in a
// copy of the lab log. The paths and dispositions must not change, and every
// hop's lines must still come after the hand-off that created the hop.
func TestClockSkewKeepsCausalOrder(t *testing.T) {
	key := recordedKey(t)
	skewed := skewHost(t, filepath.Join(recorded, "mail-rfc5424.log"), "store", -40*time.Second)
	for _, name := range []string{"plain", "multi", "alias", "spam"} {
		sc, _ := key.Scenario(name)
		got := traceJSON(t, skewed, "--message-id", sc.MessageID)
		checkScenario(t, key, *sc, got)
		requireHandOffsFirst(t, got[0])
	}
}

// requireHandOffsFirst checks that no hop's first line comes before the
// line of its parent that names it (queued as).
func requireHandOffsFirst(t *testing.T, tr jsonTrace) {
	pos := map[string]int{}
	for i, ev := range tr.Events {
		k := ev.Host + ":" + ev.QueueID
		if _, ok := pos[k]; !ok {
			pos[k] = i
		}
	}
	for _, h := range tr.Hops {
		if h.Parent == "" || h.Link != "relay" {
			continue
		}
		handoff := -1
		for i, ev := range tr.Events {
			if ev.Host+":"+ev.QueueID == h.Parent && strings.Contains(ev.Reply, h.QueueID) {
				handoff = i
			}
		}
		require.GreaterOrEqual(t, handoff, 0, "hand-off to %s", h.QueueID)
		require.Greater(t, pos[h.Host+":"+h.QueueID], handoff, "hop %s:%s", h.Host, h.QueueID)
	}
}

var stamp5424 = regexp.MustCompile(`^(<\d+>1 )(\S+) (\S+) (.*)$`)

// skewHost copies an RFC 5424 log with host's stamps moved by d.
func skewHost(t *testing.T, src, host string, d time.Duration) string {
	in, err := os.Open(src)
	require.NoError(t, err)
	defer in.Close()
	p := filepath.Join(t.TempDir(), "skewed.log")
	out, err := os.Create(p)
	require.NoError(t, err)
	defer out.Close()
	w := bufio.NewWriter(out)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := sc.Text()
		if m := stamp5424.FindStringSubmatch(line); m != nil && m[3] == host {
			ts, err := time.Parse(time.RFC3339Nano, m[2])
			require.NoError(t, err)
			line = m[1] + ts.Add(d).Format(time.RFC3339Nano) + " " + m[3] + " " + m[4]
		}
		w.WriteString(line + "\n")
	}
	require.NoError(t, w.Flush())
	return p
}

// TestWindowFindsButDoesNotCut starts and ends the window inside the multi
// scenario's life. The window only says where the message must be found: the
// trace still follows it whole, as the key records it.
func TestWindowFindsButDoesNotCut(t *testing.T) {
	key := recordedKey(t)
	sc, _ := key.Scenario("multi")
	logPath := filepath.Join(recorded, "mail-rfc5424.log")
	whole := traceJSON(t, logPath, "--message-id", sc.MessageID)
	first, err := time.Parse(time.RFC3339Nano, whole[0].First)
	require.NoError(t, err)
	last, err := time.Parse(time.RFC3339Nano, whole[0].Last)
	require.NoError(t, err)
	mid := first.Add(last.Sub(first) / 2).Format(time.RFC3339Nano)
	for _, window := range [][]string{{"--since", mid}, {"--until", mid}} {
		t.Run(window[0], func(t *testing.T) {
			args := append([]string{"--message-id", sc.MessageID}, window...)
			checkScenario(t, key, *sc, traceJSON(t, logPath, args...))
		})
	}
}

// TestSeedsAsPeopleTypeThem: addresses with angle brackets or in another
// case, hosts in another case or as full names, the null sender.
func TestSeedsAsPeopleTypeThem(t *testing.T) {
	key := recordedKey(t)
	plain, _ := key.Scenario("plain")
	multi, _ := key.Scenario("multi")
	fqdn := key.Hosts[slices.IndexFunc(key.Hosts, func(h labkey.Host) bool {
		return h.Name == plain.EntryHost
	})].FQDN
	logPath := filepath.Join(recorded, "mail-rfc3164.log")
	cases := []struct {
		name string
		seed []string
		want *labkey.Scenario
	}{
		{"a recipient in brackets and capitals",
			[]string{"--to", "<" + strings.ToUpper(plain.Recipients[0].Address) + ">"}, plain},
		{"a sender in brackets", []string{"--from", "<" + plain.Sender + ">"}, plain},
		{"a host in capitals", []string{"--queue-id",
			strings.ToUpper(plain.EntryHost) + ":" + plain.SMTP.QueueID}, plain},
		{"a host by its full name", []string{"--queue-id", fqdn + ":" + plain.SMTP.QueueID},
			plain},
		{"the null sender of a bounce", []string{"--from", "<>"}, multi},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := traceJSON(t, logPath, tc.seed...)
			i := slices.IndexFunc(got, func(tr jsonTrace) bool {
				return tr.MessageID == tc.want.MessageID
			})
			require.GreaterOrEqual(t, i, 0, "found %d traces", len(got))
			checkScenario(t, key, *tc.want, got[i:i+1])
		})
	}
	var stdout, stderr strings.Builder
	code := run([]string{"trace", "--logs", logPath, "--queue-id", "mx1:"}, &stdout, &stderr)
	require.Equal(t, exitBadInput, code)
	require.Contains(t, stderr.String(), "needs a queue id")
}

func scenarioByID(t *testing.T, key *labkey.Key, id string) labkey.Scenario {
	for _, s := range key.Scenarios {
		if s.MessageID == id {
			return s
		}
	}
	t.Fatalf("no scenario has Message-ID %s", id)
	return labkey.Scenario{}
}
