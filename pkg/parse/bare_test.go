package parse

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/event"
)

// TestBareMatchesWholeLine checks the second input shape, a message body with
// its header given apart as Loki keeps syslog-received lines: it must give
// the same event as the whole line does.
func TestBareMatchesWholeLine(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 11, 12, 0, time.UTC)
	cases := []struct {
		name string
		tag  string
		pid  int
		body string
	}{
		{"a delivery with the next hop's queue ID", "postfix-mx1/smtp", 811,
			"4F2A1C0123: to=<bob@example.net>, relay=filter1.example.net[192.0.2.3]:25, " +
				"delay=0.3, delays=0.1/0/0.1/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: " +
				"queued as 4jgCPv0Wqbz1SDsV)"},
		{"a reject without queue ID", "postfix-mx1/smtpd", 12,
			"NOQUEUE: reject: RCPT from c.example[192.0.2.9]: 550 5.1.1 <x@example.net>: " +
				"Recipient address rejected: User unknown; from=<a@example.org> " +
				"to=<x@example.net> proto=ESMTP helo=<c.example>"},
		{"a Dovecot delivery into Junk", "dovecot", 0,
			"lmtp(erin@example.net)<7><GKSWDGNVEWuOXwAA0NjWpQ>: msgid=<s@example.org>: " +
				"saved mail to Junk"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pid := ""
			if tc.pid > 0 {
				pid = "[" + strconv.Itoa(tc.pid) + "]"
			}
			whole := "Dec  3 10:11:12 mx1 " + tc.tag + pid + ": " + tc.body
			a := New(at.Add(time.Hour), time.UTC).Line([]byte(whole), "f", 1)
			b := Bare(at, "mx1", tc.tag, tc.pid, tc.body)
			require.NotEqual(t, event.KindUnparsed, b.Kind, b.Err)
			require.Equal(t, event.FormatBare, b.Format)
			require.Equal(t, tc.body, b.Line)
			a.Format, a.Line, a.Source, a.LineNo = b.Format, b.Line, b.Source, b.LineNo
			require.Equal(t, a, b)
		})
	}
}
