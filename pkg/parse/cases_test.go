package parse

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/event"
)

// caseRef is the time the case logs are read as of; it settles the year of
// their RFC 3164 stamps.
var caseRef = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

// caseLine returns line n (from 1) of the case log whose name starts with
// the case number in ref "NN:n", as it is in testdata/cases.
func caseLine(t *testing.T, ref string) []byte {
	t.Helper()
	num, n, ok := strings.Cut(ref, ":")
	require.True(t, ok, "case reference %q is not NN:line", ref)
	files, err := filepath.Glob(filepath.Join("testdata", "cases", num+"-*.log"))
	require.NoError(t, err)
	require.Len(t, files, 1, "case %s", num)
	data, err := os.ReadFile(files[0])
	require.NoError(t, err)
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	i, err := strconv.Atoi(n)
	require.NoError(t, err)
	require.LessOrEqual(t, i, len(lines), "case %s has %d lines", num, len(lines))
	return lines[i-1]
}

// requireFields checks every field want sets against got; Kind always.
func requireFields(t *testing.T, want, got event.Event) {
	t.Helper()
	require.Equal(t, want.Kind, got.Kind, "kind of %q (err %q)", got.Line, got.Err)
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := 0; i < wv.NumField(); i++ {
		if wv.Field(i).IsZero() {
			continue
		}
		name := wv.Type().Field(i).Name
		if w, ok := wv.Field(i).Interface().(time.Time); ok {
			require.True(t, w.Equal(got.Time), "time of %q: %s", got.Line, got.Time)
			continue
		}
		require.Equal(t, wv.Field(i).Interface(), gv.Field(i).Interface(), "field %s of %q",
			name, got.Line)
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCaseLines parses single lines of the real cases in testdata/cases;
// the wanted fields are what each case's .expect.md says the line holds.
func TestCaseLines(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want event.Event
	}{
		{"reads a three-part tag as instance, service and daemon", "01:2", event.Event{
			Kind: event.KindClient, Instance: "postfix", Service: "smtps", Daemon: "smtpd",
			PID: 10057, QueueID: "EA8FF222F6", Client: "unknown", ClientAddr: "203.0.113.55",
			Note: "sasl_username=test01@example.com",
		}},
		{"keeps a milter line as context of its queue ID", "01:4", event.Event{
			Kind: event.KindOther, Program: "opendkim", QueueID: "EA8FF222F6",
		}},
		{"keeps a TLS line without queue ID as context", "01:7", event.Event{
			Kind: event.KindOther, PID: 10065,
		}},
		{"stores a Google reply whole without making up a downstream ID", "01:8", event.Event{
			Kind: event.KindDelivery, Status: "sent", DSN: "2.0.0", Delay: 1.8,
			Delays: []string{"0.74", "0.03", "0.19", "0.82"}, RelayName: "mx1.example.net",
			RelayAddr: "198.51.100.26", RelayPort: 25,
			Reply: "250 2.0.0 OK 1534672190 g10-v6si7304311pfd.86 - gsmtp",
		}},
		{"reads Amavis Passed SPAM with its queue ID and re-injected copy", "02:3", event.Event{
			Kind: event.KindContent, Status: "passed", Note: "SPAM", QueueID: "792B6131D7",
			QueuedAs: "E8339132AB", MessageID: "<spam@example.test>", Session: "00803-01",
			From: "root@mail.example.test", To: "hello@example.test",
		}},
		{"takes the innermost queued as of a nested filter reply", "02:4", event.Event{
			Kind: event.KindDelivery, Service: "smtp-amavis", QueuedAs: "E8339132AB",
			RelayPort: 10024,
		}},
		{"reads the folder of a Sieve fileinto", "02:5", event.Event{
			Kind: event.KindStore, Folder: "Junk", Mailbox: "hello@example.test",
			MessageID: "<spam@example.test>", Session: "Z8NYOdkBmmUpAwAAUi6ngw",
		}},
		{"tells a FILTER action from a reject", "03:2", event.Event{
			Kind: event.KindFilterNote, Status: "filter", From: "sender@example.com",
			To: "rcpt@example.net", ClientAddr: "127.0.0.1",
		}},
		{"accepts a disconnect without command statistics", "03:9", event.Event{
			Kind: event.KindDisconnect, Client: "localhost", ClientAddr: "127.0.0.1",
		}},
		{"reads Amavis without Queue-ID before the queue", "04:1", event.Event{
			Kind: event.KindContent, Status: "passed", Note: "CLEAN", QueuedAs: "D2ABE81EA7",
		}},
		{"reads the queue ID a proxy-accept names", "04:2", event.Event{
			Kind: event.KindFilterNote, Status: "proxy-accept", QueuedAs: "D2ABE81EA7",
			From: "test@example.net", To: "admin@example.com",
		}},
		{"keeps msgid=unspecified out of the Message-ID", "04:3", event.Event{
			Kind: event.KindStore, Folder: "INBOX", Session: "SL3HN4Ta2F+JDQAAagejBg",
		}},
		{"reads a socket inside the relay brackets", "04:4", event.Event{
			Kind: event.KindDelivery, RelayName: "mail.example.com",
			RelayAddr: "private/dovecot-lmtp", Session: "SL3HN4Ta2F+JDQAAagejBg",
		}},
		{"keeps a blank line as unparsed", "04:7", event.Event{Kind: event.KindUnparsed}},
		{"keeps orig_client of an XFORWARD client line", "04:8", event.Event{
			Kind: event.KindClient, QueueID: "5B28F81EA7",
			Note: "orig_client=p3nlsmtp16.example.net[198.51.100.241]",
		}},
		{"reads Amavis Blocked without Queue-ID by its task ID", "05:3", event.Event{
			Kind: event.KindContent, Status: "blocked", Note: "SPAM", Session: "03774-01",
		}},
		{"marks a 2.7.0 sent as discarded and takes no task ID as queue ID", "05:4",
			event.Event{
				Kind: event.KindDelivery, Status: "sent", DSN: "2.7.0", Note: "discarded",
				Session: "03774-01",
			}},
		{"reads Amavis Blocked INFECTED over LMTP", "05:9", event.Event{
			Kind: event.KindContent, Status: "blocked", Note: "INFECTED (Eicar-Test-Signature)",
			QueueID: "7FC7B22DF6",
		}},
		{"reads a long queue ID and its amavis service", "08:1", event.Event{
			Kind: event.KindDelivery, QueueID: "4JhJXC248TzgB0", Service: "amavis",
			OrigTo: "root", QueuedAs: "4JhJXC5F4CzgB6",
		}},
		{"reads forwarded as", "08:5", event.Event{
			Kind: event.KindDelivery, QueuedAs: "4JhJXC5ZqLzgB7", Note: "forwarded",
		}},
		{"reads a pipe delivery with a rewritten recipient", "08:7", event.Event{
			Kind: event.KindDelivery, To: "postmaster@example.net",
			OrigTo: "root@mail.example.org", Relay: "dovecot", Status: "sent",
		}},
		{"reads a host said line as an attempt", "09:1", event.Event{
			Kind: event.KindAttempt, QueueID: "732BB407C3", RelayName: "mx.example.net",
		}},
		{"reads a bounce notification's new queue ID", "09:4", event.Event{
			Kind: event.KindNotify, Status: "sender non-delivery", Child: "5DE184083C",
		}},
		{"reads expired", "10:1", event.Event{Kind: event.KindExpired, Status: "expired"}},
		{"reads force-expired", "10:2", event.Event{
			Kind: event.KindExpired, Status: "force-expired",
		}},
		{"reads a null-sender expiry with a 7-character queue ID", "10:3", event.Event{
			Kind: event.KindExpired, QueueID: "585BC3F",
		}},
		{"reads a deferral of the error transport", "10:5", event.Event{
			Kind: event.KindDelivery, Daemon: "error", Status: "deferred", DSN: "4.4.2",
			Delays: []string{"63350", "144", "0", "0"},
		}},
		{"reads a probe status", "10:6", event.Event{
			Kind: event.KindDelivery, Status: "undeliverable-but-not-cached",
		}},
		{"marks the discard transport's sent as discarded", "10:7", event.Event{
			Kind: event.KindDelivery, Daemon: "discard", Status: "sent", Note: "discarded",
		}},
		{"reads postsuper hold", "10:8", event.Event{
			Kind: event.KindPostsuper, Status: "placed on hold",
		}},
		{"reads postsuper removed", "10:11", event.Event{
			Kind: event.KindPostsuper, Status: "removed",
		}},
		{"keeps a postsuper summary without queue ID", "10:12", event.Event{
			Kind: event.KindOther,
		}},
		{"reads a 21-character short queue ID", "10:13", event.Event{
			Kind: event.KindOther, QueueID: "ED06590130AA1C9D6D862",
		}},
		{"reads ISO 8601 stamps with microseconds", "11:1", event.Event{
			Kind: event.KindDelivery, Format: event.FormatISO8601,
			Time: at("2026-03-03T10:18:23.504367Z"), Status: "deferred",
		}},
		{"reads pickup orig_id as the requeued copy's parent", "11:4", event.Event{
			Kind: event.KindPickup, QueueID: "94D3C762A0C", Parent: "A89EB7629C3",
		}},
		{"reads an Exim id in the reply", "11:5", event.Event{
			Kind: event.KindDelivery, QueuedAs: "1vxNiW-4o5NDgrjpxK-skOz", RelayPort: 587,
		}},
		{"strips the PRI prefix and keeps the postfix-In instance", "13:5", event.Event{
			Kind: event.KindClient, Format: event.FormatRFC3164, Host: "pro-mailer01-v",
			Instance: "postfix-In", Daemon: "smtpd", QueueID: "795941FED7",
			Time: at("2026-03-09T12:53:45Z"),
		}},
		{"keeps an rmilter line before the queue ID by its tag", "13:4", event.Event{
			Kind: event.KindOther, Session: "8d3d18f36d",
		}},
		{"joins the rmilter tag to its queue ID", "13:6", event.Event{
			Kind: event.KindOther, Session: "8d3d18f36d", QueueID: "795941FED7",
		}},
		{"keeps slash and percent in a Message-ID", "13:7", event.Event{
			Kind: event.KindMessageID, MessageID: "<58c14249.3tTSz/XetnnXQjtn%user@example.com>",
		}},
		{"reads a 13-character hex queue ID", "16:1", event.Event{
			Kind: event.KindClient, QueueID: "4FC7810101569",
		}},
		{"does not choke on an invalid client IP", "16:3", event.Event{
			Kind: event.KindConnect, ClientAddr: "231.231.231.256",
		}},
		{"keeps a dollar in a Message-ID", "16:5", event.Event{
			Kind:      event.KindMessageID,
			MessageID: "<000701da3823$63051820$290f4860$@example.net>",
		}},
		{"keeps a DNSSEC warning as context", "16:7", event.Event{Kind: event.KindOther}},
		{"reads a remote long queue ID", "16:9", event.Event{
			Kind: event.KindDelivery, QueuedAs: "4T02Hr4S5hz9vf6k",
		}},
		{"reads a multi-instance content filter hop", "16:10", event.Event{
			Kind: event.KindDelivery, Instance: "postfix-mx", Service: "content-filter",
			QueueID: "4HnkK60lBRz6tl1", QueuedAs: "4HnkK74hXyz6tl6",
		}},
		{"reads a reject with a long queue ID", "16:11", event.Event{
			Kind: event.KindReject, QueueID: "44JCRG5tYPzCqt2", Note: "BDAT",
			To: "some@example.com", DSN: "5.5.3",
		}},
		{"reads PREPEND as a header action with an SRS sender", "16:12", event.Event{
			Kind: event.KindHeader, Status: "prepend", QueueID: "48rT2v1hQrz1J0N",
			From: "SRS0=1sN3=5P=example.org=noreply@srs.example.org",
		}},
		{"takes any syslog_name prefix as Postfix", "17:1", event.Event{
			Kind: event.KindReject, Instance: "postfix-incoming", Note: "EHLO",
			ClientAddr: "198.51.100.238",
		}},
		{"reads the smtp-25 service", "17:4", event.Event{
			Kind: event.KindDisconnect, Service: "smtp-25",
		}},
		{"reads a Greek month", "17:6", event.Event{
			Kind: event.KindOther, Host: "mx2", Service: "submission",
			Time: at("2025-04-15T12:20:28Z"),
		}},
		{"reads a cleanup service name", "17:7", event.Event{
			Kind: event.KindOther, Service: "smtpd-in", Daemon: "cleanup",
		}},
		{"takes mail/smtp as Postfix and keeps a double space", "17:8", event.Event{
			Kind: event.KindDelivery, Instance: "mail", Daemon: "smtp",
			Reply: "250 2.0.0 OK  1762806198 a640c23a62f3a-b72bf94aa68si533830866b.237 - gsmtp",
		}},
		{"reads postfix-script as lifecycle", "17:9", event.Event{
			Kind: event.KindLifecycle, Daemon: "postfix-script",
		}},
		{"reads a milter FILTER override", "19:3", event.Event{
			Kind: event.KindHeader, Status: "milter-header-filter", Note: "X-Code: alpha",
			Reply: "relay:[smtp4dev-alpha]:2525,[smtp4dev-beta]:2525",
		}},
		{"reads the relay transport", "19:5", event.Event{
			Kind: event.KindDelivery, Service: "relay", Daemon: "smtp",
			RelayName: "smtp4dev-alpha",
		}},
		{"reads a Sieve store failure", "22:5", event.Event{
			Kind: event.KindStoreFail, Session: "kM7nKc69FGXsAwAAUi6ngw",
			MessageID: "<20230927234206.87D03B0E8@mail.example.test>",
		}},
		{"reads a line behind a docker compose prefix", "22:6", event.Event{
			Kind: event.KindStore, Host: "e0e21c2b008f", Folder: "INBOX",
			Session: "x8bOJuFsSWIkIgUA8mvyig",
		}},
		{"keeps a Dovecot line without host as unparsed", "22:7", event.Event{
			Kind: event.KindUnparsed,
		}},
		{"keeps the second half of a broken line as unparsed", "22:11", event.Event{
			Kind: event.KindUnparsed,
		}},
		{"reads the Dovecot 2.2 session word", "22:10", event.Event{
			Kind: event.KindOther, Mailbox: "admin@example.com", Session: "6rsyOj7m1FmBYgAA2BkgOg",
		}},
		{"keeps a line without header as unparsed", "22:13", event.Event{
			Kind: event.KindUnparsed,
		}},
		{"reads a reject with empty addresses", "28:1", event.Event{
			Kind: event.KindReject, Note: "RCPT", DSN: "4.7.1", ClientAddr: "192.0.2.10",
		}},
		{"keeps what a truncated reject holds", "28:2", event.Event{
			Kind: event.KindReject, Note: "VRFY", DSN: "5.1.1",
		}},
		{"reads a reject with a queue ID", "28:3", event.Event{
			Kind: event.KindReject, QueueID: "00ADB3C0899", To: "sales@example.org",
		}},
		{"reads a milter-reject at DATA with a non-padded day", "28:4", event.Event{
			Kind: event.KindReject, Status: "milter-reject", Note: "DATA",
			Time: at("2026-03-07T02:09:33Z"),
		}},
		{"takes the CONNECT client from after from, not the text", "28:7", event.Event{
			Kind: event.KindReject, Note: "CONNECT", ClientAddr: "192.0.2.114",
		}},
		{"reads lost connection after NOQUEUE", "28:8", event.Event{
			Kind: event.KindDisconnect, ClientAddr: "192.0.2.25",
		}},
		{"reads postscreen's comma trailer", "28:9", event.Event{
			Kind: event.KindReject, From: "spammer@example.com", To: "goodguy@example.com",
			ClientAddr: "203.0.113.173",
		}},
		{"keeps too many errors as context", "28:10", event.Event{Kind: event.KindOther}},
		{"does not take reject_warning for a reject", "28:11", event.Event{
			Kind: event.KindOther, Status: "reject_warning",
		}},
		{"reads a discard at MAIL", "28:12", event.Event{
			Kind: event.KindReject, Status: "discard",
			From: "bsdbdsfbw==_4343_sdfbddw==@in.example.com",
		}},
		{"reads a temporary milter-reject", "28:13", event.Event{
			Kind: event.KindReject, Status: "milter-reject", DSN: "4.7.1",
		}},
		{"reads a VRFY reject from an IPv6 client", "28:14", event.Event{
			Kind: event.KindReject, To: "aap@example.com",
			ClientAddr: "2001:db8:9999:20:88b:9b7d:2a54:2bd2",
		}},
		{"reads a proxy-reject with an empty reply", "28:15", event.Event{
			Kind: event.KindReject, Status: "proxy-reject", To: "user2@example.net",
		}},
		{"reads the Amavis ID of a proxy-reject", "28:16", event.Event{
			Kind: event.KindReject, Status: "proxy-reject", Session: "31619-02", DSN: "5.7.0",
		}},
		{"reads a postscreen CONNECT reject", "28:17", event.Event{
			Kind: event.KindReject, ClientAddr: "192.0.2.4", Reply: "too many connections",
		}},
		{"reads WHITELISTED", "29:2", event.Event{
			Kind: event.KindScreen, Status: "WHITELISTED", ClientAddr: "127.0.0.1",
		}},
		{"keeps escaped newlines of pipelined text in one line", "29:5", event.Event{
			Kind: event.KindOther, PID: 13048,
		}},
		{"reads PREGREET", "29:14", event.Event{
			Kind: event.KindScreen, Status: "PREGREET", ClientAddr: "192.0.2.2",
		}},
		{"reads PASS NEW from an IPv6 client", "29:19", event.Event{
			Kind: event.KindScreen, Status: "PASS NEW", ClientAddr: "2001:db8:4003:c01::23a",
		}},
		{"reads a header WARN action", "30:1", event.Event{
			Kind: event.KindHeader, Status: "warning", To: "frank.test@example.co.uk",
			ClientAddr: "198.51.100.173",
		}},
		{"keeps an encoded Subject raw and reads from local", "30:2", event.Event{
			Kind: event.KindHeader, Status: "info", Client: "local",
			Subject: "=?utf-8?Q?Gr=C3=BC=C3=9Fe?= =?utf-8?Q?_=E2=80=92?= test",
		}},
		{"does not take the client for part of a cut header", "30:3", event.Event{
			Kind: event.KindHeader, Status: "info", ClientAddr: "127.0.0.1",
		}},
		{"reads a milter redirect's new recipient", "30:4", event.Event{
			Kind: event.KindHeader, Status: "milter-header-redirect", Reply: "tom@example.com",
		}},
		{"takes the whole rest of the line as an encoded Message-ID", "30:5", event.Event{
			Kind: event.KindMessageID,
			MessageID: "=?utf-8?Q?=3CE1F7DC2C-82B5-4927-B0DB-0179227E665C=40ex?=? " +
				"=?utf-8?Q?=C3=A4mple=2Edk=3E?=",
		}},
		{"accepts a Message-ID without brackets", "30:7", event.Event{
			Kind: event.KindMessageID, MessageID: "maintenance-16-0-29@example.fr",
		}},
		{"takes the last trailer of a Subject injection", "30:9", event.Event{
			Kind: event.KindHeader, From: "attacker@example.net", To: "victim@example.org",
			Client: "mx.example.net", ClientAddr: "198.51.100.9",
		}},
		{"reads an IPv6 client", "33:3", event.Event{
			Kind: event.KindClient, Client: "mail-yw0-x234.example.com",
			ClientAddr: "2001:db8:4002:c05::234",
		}},
		{"reads postgrey's bare IPv6 client address", "33:2", event.Event{
			Kind: event.KindOther, Status: "pass", ClientAddr: "2001:db8:4002:c05::234",
			From: "joel@example.com", To: "joel@example.im",
		}},
		{"splits an IPv6 relay at the last bracket", "33:10", event.Event{
			Kind: event.KindDelivery, Status: "bounced", DSN: "5.7.1", RelayName: "mx.example.net",
			RelayAddr: "2001:db8:400e:c04::1b", RelayPort: 25,
		}},
		{"does not take the anvil text's stamp as the time", "33:13", event.Event{
			Kind: event.KindOther, Time: at("2026-01-01T00:00:00Z"),
		}},
		{"reads an IPv6 address that spells words", "33:14", event.Event{
			Kind: event.KindDisconnect, ClientAddr: "2001:db8:cfb1:1:f5d7:dead:beef:cafe",
		}},
		{"reads an Amavis task ID beside the innermost queued as", "34:7", event.Event{
			Kind: event.KindDelivery, QueuedAs: "8B22B43C3", Session: "16661-16",
		}},
		{"reads conn_use without losing delays", "34:8", event.Event{
			Kind: event.KindDelivery, Delay: 0.22, DSN: "2.0.0", OrigTo: "wietse@test",
			Delays: []string{"0.04", "0.01", "0.05", "0.1"},
		}},
		{"reads a provider id", "34:9", event.Event{
			Kind: event.KindDelivery, QueuedAs: "1MQ5vW-1is9Wh3TOa-00M8Bn",
		}},
		{"reads the BDAT bytes queued as wording", "34:11", event.Event{
			Kind: event.KindDelivery, QueuedAs: "41yYhh41qmznjbD",
		}},
		{"keeps an Exim log line as unparsed", "34:12", event.Event{Kind: event.KindUnparsed}},
		{"reads SOFTBOUNCE without a comma before delay", "35:1", event.Event{
			Kind: event.KindDelivery, Status: "SOFTBOUNCE", Delay: 0.21, DSN: "4.1.1",
		}},
		{"keeps Postfix's dsn beside the remote's own code", "35:7", event.Event{
			Kind: event.KindDelivery, Status: "bounced", DSN: "5.0.0",
		}},
		{"reads a SASL failure as an attempt", "35:12", event.Event{
			Kind: event.KindAttempt, QueueID: "D0F29603B4",
		}},
		{"reads PIX workarounds as an attempt", "35:14", event.Event{
			Kind: event.KindAttempt, QueueID: "B0ADE20FC7",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := caseLine(t, tt.src)
			got := New(caseRef, time.UTC).Line(raw, tt.src, 1)
			require.Equal(t, string(raw), got.Line)
			requireFields(t, tt.want, got)
			if got.Kind == event.KindUnparsed {
				require.NotEmpty(t, got.Err)
			}
		})
	}
}

// TestCaseBodies parses message parts whose syslog header is missing in the
// case (Dovecot's own log file): the grammar must still read them.
func TestCaseBodies(t *testing.T) {
	tests := []struct {
		name string
		tag  string
		msg  string
		want event.Event
	}{
		{"reads a Dovecot 2.2 redirect with a level word", "dovecot",
			"lmtp(tests@example.io): Info: xyz: sieve: msgid=<msg1@example.net>: " +
				"forwarded to <dest@example.com>",
			event.Event{Kind: event.KindOther, Session: "xyz", To: "dest@example.com"}},
		{"reads the keep beside it", "dovecot",
			"lmtp(tests@example.io): Info: xyz: sieve: msgid=<msg1@example.net>: " +
				"stored mail into mailbox 'INBOX'",
			event.Event{Kind: event.KindStore, Folder: "INBOX", MessageID: "<msg1@example.net>"}},
		{"reads a failed script whose implicit keep succeeded as a store", "dovecot",
			"lmtp(mail@example.com)<1272><nUf3EZ9rV2H4BAAAzhba8A>: Error: sieve: Execution " +
				"of script dict:proxy::sieve_before;user=mail@example.com;name=active " +
				"failed, but implicit keep was successful",
			event.Event{Kind: event.KindStore, Folder: "INBOX", Session: "nUf3EZ9rV2H4BAAAzhba8A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Bare(caseRef, "mail", tt.tag, 0, tt.msg)
			require.Equal(t, tt.msg, got.Line)
			requireFields(t, tt.want, got)
		})
	}
}
