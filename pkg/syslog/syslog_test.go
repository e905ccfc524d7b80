package syslog

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/event"
)

func TestSplit(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	jan := time.Date(2027, 1, 2, 3, 0, 0, 0, time.UTC) // a file last written on Jan 2nd
	cases := []struct {
		name   string
		ref    time.Time
		loc    *time.Location
		line   string
		want   Header
		wantMs string
	}{
		{"takes a December line in a January file as last year's", jan, time.UTC,
			"Dec 31 23:59:59 mx1 postfix-mx1/smtpd[123]: connect from a[192.0.2.1]",
			Header{Time: time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), Host: "mx1",
				Tag: "postfix-mx1/smtpd", PID: 123, Format: event.FormatRFC3164},
			"connect from a[192.0.2.1]"},
		{"takes a January line in a January file as this year's", jan, time.UTC,
			"Jan  1 00:00:01 mx1 postfix/qmgr[9]: 4F2A1C0123: removed",
			Header{Time: time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC), Host: "mx1",
				Tag: "postfix/qmgr", PID: 9, Format: event.FormatRFC3164},
			"4F2A1C0123: removed"},
		{"reads the stamp in the writer's zone", jan, berlin,
			"Jan  1 12:00:00 mx1 postfix/qmgr[9]: x",
			Header{Time: time.Date(2027, 1, 1, 11, 0, 0, 0, time.UTC), Host: "mx1",
				Tag: "postfix/qmgr", PID: 9, Format: event.FormatRFC3164}, "x"},
		{"accepts a PRI prefix", jan, time.UTC,
			"<22>Mar  9 12:53:44 pro-mailer01-v postfix-In/smtpd[24583]: " +
				"disconnect from x[192.0.2.9]",
			Header{Time: time.Date(2026, 3, 9, 12, 53, 44, 0, time.UTC), Host: "pro-mailer01-v",
				Tag: "postfix-In/smtpd", PID: 24583, Format: event.FormatRFC3164},
			"disconnect from x[192.0.2.9]"},
		{"repairs a Greek month and a day padded with no space", jan, time.UTC,
			"Απρ 5 12:20:28 mx2 postfix/submission/smtpd[6833]: Anonymous TLS",
			Header{Time: time.Date(2026, 4, 5, 12, 20, 28, 0, time.UTC), Host: "mx2",
				Tag: "postfix/submission/smtpd", PID: 6833, Format: event.FormatRFC3164},
			"Anonymous TLS"},
		{"reads rsyslog's ISO 8601 stamps with microseconds and zone", jan, time.UTC,
			"2026-03-03T10:18:23.504367+01:00 mail postfix/smtp[1010314]: A89EB7629C3: to=<b@x>",
			Header{Time: time.Date(2026, 3, 3, 9, 18, 23, 504367000, time.UTC), Host: "mail",
				Tag: "postfix/smtp", PID: 1010314, Format: event.FormatISO8601},
			"A89EB7629C3: to=<b@x>"},
		{"reads RFC 5424 and drops the space a BSD message keeps", jan, time.UTC,
			"<22>1 2026-12-03T10:11:12.123456+00:00 mx1 postfix-mx1/smtpd 123 - -  " +
				"E8339132AB: client=a[127.0.0.1]",
			Header{Time: time.Date(2026, 12, 3, 10, 11, 12, 123456000, time.UTC), Host: "mx1",
				Tag: "postfix-mx1/smtpd", PID: 123, Format: event.FormatRFC5424},
			"E8339132AB: client=a[127.0.0.1]"},
		{"reads RFC 5424 without a PID", jan, time.UTC,
			"<22>1 2026-12-03T10:11:12.5Z store dovecot - - - lmtp(x): saved mail to INBOX",
			Header{Time: time.Date(2026, 12, 3, 10, 11, 12, 500000000, time.UTC), Host: "store",
				Tag: "dovecot", Format: event.FormatRFC5424}, "lmtp(x): saved mail to INBOX"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, msg, err := NewParser(tc.ref, tc.loc).Split([]byte(tc.line))
			require.NoError(t, err)
			require.True(t, tc.want.Time.Equal(h.Time), "time %s, want %s", h.Time, tc.want.Time)
			h.Time = tc.want.Time
			require.Equal(t, tc.want, h)
			require.Equal(t, tc.wantMs, msg)
		})
	}
}

func TestSplitFailsWithAReason(t *testing.T) {
	p := NewParser(time.Now(), time.UTC)
	bad := []string{"", "Dec  3 10:1", "\x00\x01\x02", "2015-09-22 17:36:56 [2035] x"}
	for _, line := range bad {
		_, _, err := p.Split([]byte(line))
		require.Error(t, err, "%q", line)
		require.Contains(t, err.Error(), "frame", "%q", line)
	}
}

func TestSplitTag(t *testing.T) {
	cases := []struct {
		tag  string
		want Tag
	}{
		{"postfix/smtpd", Tag{Instance: "postfix", Daemon: "smtpd"}},
		{"postfix-out/relay/smtp", Tag{Instance: "postfix-out", Service: "relay", Daemon: "smtp"}},
		{"postfix/smtpd-amavis/smtpd", Tag{Instance: "postfix", Service: "smtpd-amavis",
			Daemon: "smtpd"}},
		{"postfix-mx/content-filter/smtp", Tag{Instance: "postfix-mx", Service: "content-filter",
			Daemon: "smtp"}},
		{"mail/smtp", Tag{Instance: "mail", Daemon: "smtp"}},
		{"dovecot", Tag{Instance: "dovecot", Daemon: "dovecot"}},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, SplitTag(tc.tag), tc.tag)
	}
}
