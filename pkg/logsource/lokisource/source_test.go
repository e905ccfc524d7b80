package lokisource

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/labkey"
	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/logsource/file"
	"github.com/mailpath/mailpath/pkg/loki"
	"github.com/mailpath/mailpath/pkg/loki/lokitest"
	"github.com/mailpath/mailpath/pkg/trace"
)

var recorded = filepath.Join("..", "..", "..", "lab", "recorded")

func newSource(t testing.TB, srv *lokitest.Server, tenant string) *Source {
	c, err := loki.New(loki.Config{URL: srv.URL, Tenant: tenant})
	require.NoError(t, err)
	s, err := New(c, Options{Now: func() time.Time {
		return time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC)
	}})
	require.NoError(t, err)
	return s
}

// TestLabFromLokiEqualsFile pushes the recorded lab into a Loki that speaks
// Loki's wire format and traces every scenario from it and from the file:
// the recipients must come out the same, and each trace must stay within
// the request bound the package documents.
func TestLabFromLokiEqualsFile(t *testing.T) {
	key, err := labkey.Load(filepath.Join(recorded, "key.json"))
	require.NoError(t, err)
	logPath := filepath.Join(recorded, "mail-rfc5424.log")
	srv := lokitest.NewServer(t, lokitest.Options{Tenants: true})
	srv.PushSyslogFile(t, "lab", logPath)
	fromLoki := newSource(t, srv, "lab")
	fromFile, err := file.Open([]string{logPath}, file.Options{Location: time.UTC})
	require.NoError(t, err)
	for _, sc := range key.Scenarios {
		seed := trace.Seed{MessageID: sc.MessageID}
		switch {
		case !sc.SMTP.Accepted:
			seed = trace.Seed{To: sc.Recipients[0].Address}
		case sc.Name == "discard":
			seed = trace.Seed{Host: sc.EntryHost, QueueID: sc.SMTP.QueueID}
		}
		t.Run(sc.Name, func(t *testing.T) {
			srv.ResetRequests()
			got, err := trace.Run(context.Background(), fromLoki, seed, trace.Options{})
			require.NoError(t, err)
			requests := len(srv.Requests())
			want, err := trace.Run(context.Background(), fromFile, seed, trace.Options{})
			require.NoError(t, err)
			require.False(t, got.Partial, got.Reasons)
			require.Equal(t, summary(want), summary(got))
			require.LessOrEqual(t, requests, requestBound(got.Rounds))
			t.Logf("%d rounds, %d requests", got.Rounds, requests)
		})
	}
}

// summary is what must agree between sources: per trace, the Message-ID
// and each recipient's address, path, disposition, folder and reason.
func summary(r *trace.Result) []string {
	var out []string
	for _, t := range r.Traces {
		for _, rc := range t.Recipients {
			out = append(out, fmt.Sprintf("%s %s %v %s %s %q", t.MessageID, rc.Address, rc.Path,
				rc.Disposition, rc.Folder, rc.Reason))
		}
	}
	return out
}

// requestBound is the package doc's bound for small answers: at most two
// queries per round, each one request when its answer fits one page.
func requestBound(rounds int) int { return 2 * rounds }

// chain pushes one message that passes hops hosts h1..hN, each relaying to
// the next with "queued as", the last delivering over LMTP.
func chain(srv *lokitest.Server, tenant string, hops int, at time.Time) string {
	id := fmt.Sprintf("<chain%d@example.org>", hops)
	qid := func(i int) string { return fmt.Sprintf("%05X%05X", hops, i) }
	push := func(host, app string, pid int, line string) {
		at = at.Add(10 * time.Millisecond)
		srv.Push(tenant, map[string]string{"job": "syslog", "host": host, "app": app},
			lokitest.Entry{Time: at, Line: line, Metadata: map[string]string{
				"pid": strconv.Itoa(pid)}})
	}
	for i := 1; i <= hops; i++ {
		h := fmt.Sprintf("h%d", i)
		prev := fmt.Sprintf("h%d.example.net[192.0.2.%d]", i-1, i-1)
		push(h, "postfix/smtpd", 100+i, qid(i)+": client="+prev)
		push(h, "postfix/cleanup", 200+i, qid(i)+": message-id="+id)
		push(h, "postfix/qmgr", 300+i, qid(i)+": from=<a@example.org>, size=10, nrcpt=1 "+
			"(queue active)")
		if i < hops {
			push(h, "postfix/smtp", 400+i, fmt.Sprintf("%s: to=<b@example.net>, relay=h%d."+
				"example.net[192.0.2.%d]:25, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent "+
				"(250 2.0.0 Ok: queued as %s)", qid(i), i+1, i+1, qid(i+1)))
		} else {
			push(h, "postfix/lmtp", 400+i, qid(i)+": to=<b@example.net>, relay=h"+
				strconv.Itoa(i)+".example.net[private/dovecot-lmtp], delay=0.1, "+
				"delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 <b@example.net> x Saved)")
		}
		push(h, "postfix/qmgr", 300+i, qid(i)+": removed")
	}
	return id
}

// TestRequestsDoNotGrowWithHops traces messages of 2 to 12 hops and counts
// Loki requests: the count must be the same for every length.
func TestRequestsDoNotGrowWithHops(t *testing.T) {
	srv := lokitest.NewServer(t, lokitest.Options{})
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	ids := map[int]string{}
	for hops := 2; hops <= 12; hops++ {
		ids[hops] = chain(srv, "", hops, at.Add(time.Duration(hops)*time.Hour))
	}
	src := newSource(t, srv, "")
	counts := map[int]int{}
	for hops := 2; hops <= 12; hops++ {
		srv.ResetRequests()
		res, err := trace.Run(context.Background(), src, trace.Seed{MessageID: ids[hops]},
			trace.Options{})
		require.NoError(t, err)
		require.Len(t, res.Traces, 1)
		require.Len(t, res.Traces[0].Recipients, 1)
		r := res.Traces[0].Recipients[0]
		require.Equal(t, trace.DispositionDelivered, r.Disposition)
		require.Len(t, r.Path, hops)
		counts[hops] = len(srv.Requests())
		require.LessOrEqual(t, counts[hops], requestBound(res.Rounds))
	}
	for hops := 3; hops <= 12; hops++ {
		require.Equal(t, counts[2], counts[hops], "requests for %d hops vs 2: %v", hops, counts)
	}
}

// TestLineCapMakesAPartialAnswer caps the lines a query may bring below what
// the message has: the trace must say it is partial, and why.
func TestLineCapMakesAPartialAnswer(t *testing.T) {
	srv := lokitest.NewServer(t, lokitest.Options{})
	id := chain(srv, "", 6, time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
	c, err := loki.New(loki.Config{URL: srv.URL, MaxEntries: 2})
	require.NoError(t, err)
	src, err := New(c, Options{MaxLines: 4, Now: func() time.Time {
		return time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC)
	}})
	require.NoError(t, err)
	res, err := trace.Run(context.Background(), src, trace.Seed{MessageID: id}, trace.Options{})
	require.NoError(t, err)
	require.True(t, res.Partial)
	require.NotEmpty(t, res.Reasons)
}

func TestPlanEscapesHostileText(t *testing.T) {
	s, err := New(nil, Options{})
	require.NoError(t, err)
	hostile := "<a\"b\\c|~.*(x)\n@example.org>"
	qs := s.plan(logsource.Query{Terms: []logsource.Term{{Text: hostile},
		{Host: `mx"1`, QueueID: "4F2A1C0123"}}})
	require.Len(t, qs, 1)
	// Needles are sorted, so one round's query reads the same every time.
	require.Equal(t, `{host=~".+"} |= "4F2A1C0123" or `+loki.Quote(hostile), qs[0].query)
}

func TestLooksFramed(t *testing.T) {
	for line, want := range map[string]bool{
		"<22>1 2026-12-03T10:11:12Z mx1 postfix/smtpd 1 - - x":           true,
		"2026-12-03T10:11:12.123456+00:00 mx1 postfix/smtpd[1]: x":       true,
		"Dec  3 10:11:12 mx1 postfix/smtpd[1]: connect from x":           true,
		"Dec 13 10:11:12 mx1 postfix/smtpd[1]: connect from x":           true,
		"4F2A1C0123: to=<b@example.net>, relay=x[192.0.2.1]:25, dsn=2.0": false,
		"connect from unknown[192.0.2.1]":                                false,
		"NOQUEUE: reject: RCPT from x[192.0.2.1]: 550 5.1.1 <a@b>: no":   false,
	} {
		require.Equal(t, want, looksFramed(line), line)
	}
}
