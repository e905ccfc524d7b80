package plugin

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/loki/lokitest"
	"github.com/mailpath/mailpath/pkg/trace"
)

// emptyIDs are Message-IDs with nothing inside the brackets. Traced, they
// named every message without a Message-ID: in lab/deviations, the key's
// reject and discard scenarios.
var emptyIDs = []string{"<>", "<", ">", " ", " <> "}

// TestEmptyMessageIDIsABadRequest: the trace query and every resource that
// traces refuse an empty Message-ID with a bad request naming messageId.
func TestEmptyMessageIDIsABadRequest(t *testing.T) {
	ds := runFiles(t, labRuns[1], nil)
	for _, id := range emptyIDs {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			r := query(t, ds, map[string]any{"queryType": "trace", "messageId": id}).
				Responses["Q0"]
			require.Error(t, r.Error)
			require.Equal(t, backend.StatusBadRequest, r.Status)
			// The query model trims its text: a blank one is no seed at all.
			want := "messageId"
			if strings.TrimSpace(id) == "" {
				want = "no seed"
			}
			require.Contains(t, r.Error.Error(), want)
			for path, params := range map[string]url.Values{
				"/lines": {"node": {"host:mx1"}},
				"/node":  {"host": {"mx1"}},
				"/edge":  {"source": {"mx1"}, "target": {"filter1"}},
			} {
				params.Set("messageId", id)
				status, body := call(t, ds, http.MethodGet, path, params)
				require.Equal(t, http.StatusBadRequest, status, "%s: %s", path, body)
				require.Contains(t, string(body), "parameter messageId", path)
				require.Contains(t, string(body), strconv.Quote(id), path)
			}
		})
	}
}

// TestTraceQueryRefusesNodeAndEdge: a trace query keeps the lines of one
// node or one edge, never both, as the lines resource.
func TestTraceQueryRefusesNodeAndEdge(t *testing.T) {
	r := query(t, labFiles(t), map[string]any{"queryType": "trace",
		"messageId": "<plain.edd705@client.lab.mailpath.test>", "node": "host:mx1",
		"edge": "host:mx1->host:filter1"}).Responses["Q0"]
	require.Error(t, r.Error)
	require.Equal(t, backend.StatusBadRequest, r.Status)
	require.Equal(t, backend.ErrorSourceDownstream, r.ErrorSource)
	require.Contains(t, r.Error.Error(), `node="host:mx1"`)
	require.Contains(t, r.Error.Error(), `edge="host:mx1->host:filter1"`)
}

// oldMessage pushes to a fake Loki a message delivered on mx1 three hours
// ago, and returns its lines as pushed.
func oldMessage(srv *lokitest.Server) (at time.Time, lines []string) {
	at = time.Now().Add(-3 * time.Hour).Truncate(time.Millisecond)
	qid := "4F2A1C0123"
	for i, l := range []struct{ app, text string }{
		{"postfix/cleanup", "message-id=<old.1@example.org>"},
		{"postfix/qmgr", "from=<a@example.org>, size=9, nrcpt=1 (queue active)"},
		{"postfix/local", "to=<b@example.org>, relay=local, delay=0.1, " +
			"delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)"},
		{"postfix/qmgr", "removed"},
	} {
		line := qid + ": " + l.text
		srv.Push("", map[string]string{"job": "syslog", "host": "mx1", "app": l.app},
			lokitest.Entry{Time: at.Add(time.Duration(i) * time.Millisecond), Line: line,
				Metadata: map[string]string{"pid": "7"}})
		lines = append(lines, line)
	}
	return at, lines
}

// TestLinesFromAndTo: with a window of one hour, the lines of a message of
// three hours ago are found only when from and to cover it, for the lines
// resource and the node resource alike.
func TestLinesFromAndTo(t *testing.T) {
	srv := lokitest.NewServer(t, lokitest.Options{})
	at, want := oldMessage(srv)
	ds := newDS(t, map[string]any{"lokiUrl": srv.URL, "window": "1h"}, nil)
	params := url.Values{"messageId": {"<old.1@example.org>"}, "node": {"host:mx1"}}
	require.Empty(t, getLines(t, ds, params), "outside the window without from and to")

	params.Set("from", strconv.FormatInt(at.Add(-time.Minute).UnixMilli(), 10))
	params.Set("to", strconv.FormatInt(at.Add(time.Minute).UnixMilli(), 10))
	var got []string
	for _, l := range getLines(t, ds, params) {
		got = append(got, l.Line)
	}
	require.Equal(t, want, got)

	params.Del("node")
	params.Set("host", "mx1")
	status, body := call(t, ds, http.MethodGet, "/node", params)
	require.Equal(t, http.StatusOK, status, string(body))
	var old []map[string]string
	require.NoError(t, json.Unmarshal(body, &old))
	got = nil
	for _, l := range old {
		got = append(got, l["line"])
	}
	require.Equal(t, want, got)
}

func TestLinesValidateFromAndTo(t *testing.T) {
	id := "<plain.edd705@client.lab.mailpath.test>"
	cases := []struct {
		name     string
		from, to string
		want     string
	}{
		{"from alone", "1764762000000", "", "from and to"},
		{"to alone", "", "1764762000000", "from and to"},
		{"from after to", "1764762000001", "1764762000000", "from=1764762000001"},
		{"not an integer", "1764762000000.5", "1764762000000", "parameter from"},
		{"a date", "1764762000000", "2026-12-03", "parameter to"},
		{"a sign", "-1", "1764762000000", "parameter from"},
		{"overlong", "1764762000000", strings.Repeat("9", 20), "parameter to"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			params := url.Values{"messageId": {id}, "node": {"host:mx1"}}
			for k, v := range map[string]string{"from": tc.from, "to": tc.to} {
				if v != "" {
					params.Set(k, v)
				}
			}
			status, body := call(t, labFiles(t), http.MethodGet, "/lines", params)
			require.Equal(t, http.StatusBadRequest, status, string(body))
			require.Contains(t, string(body), tc.want)
		})
	}
}

// TestNoticeMarksANotificationsLines traces the multi scenario, whose
// bounce reached the sender (the key's DSN). The notice's lines are those of
// the queue IDs that logged the key's DSN Message-ID in the raw log; they
// carry the queue ID of the first of them, where the notice was queued. The
// message's own lines, of the key's queue IDs, carry "".
func TestNoticeMarksANotificationsLines(t *testing.T) {
	key := loadKey(t, recorded)
	sc, ok := key.Scenario("multi")
	require.True(t, ok)
	require.NotNil(t, sc.DSN)
	noticeQIDs := dsnQueueIDs(t, sc.DSN.MessageID)
	require.NotEmpty(t, noticeQIDs)
	own := map[string]bool{}
	for _, r := range sc.Recipients {
		for _, q := range r.QueueIDs {
			own[q] = true
		}
	}
	ev := traced(t, labFiles(t), map[string]any{"messageId": sc.MessageID})["events"]
	qids, notices := column(t, ev, "queue_id"), column(t, ev, "notice")
	for i := range qids {
		switch {
		case slices.Contains(noticeQIDs, qids[i]):
			require.Equal(t, noticeQIDs[0], notices[i], "line %d", i)
		case own[qids[i]]:
			require.Empty(t, notices[i], "line %d", i)
		}
	}
	require.Contains(t, notices, noticeQIDs[0])

	// The sender's side: the out host logged both the copy that bounced and
	// the notice; its drawer tells them apart.
	marks := map[string]string{}
	for _, l := range getLines(t, labFiles(t), url.Values{"messageId": {sc.MessageID},
		"node": {"host:out"}}) {
		marks[l.QueueID] = l.Notice
	}
	require.Equal(t, noticeQIDs[0], marks[noticeQIDs[0]])
	require.Equal(t, "", marks[sc.Recipients[1].QueueIDs["out"]])
	require.Contains(t, marks, sc.Recipients[1].QueueIDs["out"])
}

// dsnQueueIDs reads the raw lab log for the queue IDs whose cleanup logged
// the Message-ID id, in the log's order.
func dsnQueueIDs(t *testing.T, id string) []string {
	raw, err := os.ReadFile(filepath.Join(recorded, "mail-rfc5424.log"))
	require.NoError(t, err)
	re := regexp.MustCompile(`/cleanup .* ([0-9A-Za-z]+): message-id=` + regexp.QuoteMeta(id))
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
		out = append(out, m[1])
	}
	return out
}

// TestQueueIDSeedsSayWhatIsMissing: a host without its queue ID is told so,
// and a queue ID without its host is told so, as the CLI tells them.
func TestQueueIDSeedsSayWhatIsMissing(t *testing.T) {
	for seed, want := range map[string]error{"mx1:": trace.ErrHostNeedsQueueID,
		":ABC": trace.ErrQueueIDNeedsHost, "ABC": trace.ErrQueueIDNeedsHost} {
		r := query(t, labFiles(t), map[string]any{"queryType": "trace", "queueId": seed}).
			Responses["Q0"]
		require.Equal(t, backend.StatusBadRequest, r.Status, seed)
		require.ErrorContains(t, r.Error, want.Error(), seed)
	}
}
