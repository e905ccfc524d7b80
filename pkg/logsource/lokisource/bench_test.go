package lokisource

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/loggen"
	"github.com/mailpath/mailpath/pkg/loki/lokitest"
	"github.com/mailpath/mailpath/pkg/trace"
)

// busyLoki is a fake Loki holding a generated 8 MiB multi-host log (about
// 50,000 lines), with the Message-IDs of some delivered messages to trace.
func busyLoki(tb testing.TB) (*lokitest.Server, []string) {
	p := filepath.Join(tb.TempDir(), "busy.log")
	fh, err := os.Create(p)
	require.NoError(tb, err)
	var ids []string
	n := 0
	_, err = loggen.Generate(fh, loggen.Config{Seed: 5, TargetBytes: 8 << 20,
		Format: loggen.FormatRFC5424}, func(m loggen.Message) {
		n++
		if n%50 == 0 && m.BounceOf == "" && len(m.QueueIDs) > 0 &&
			slices.ContainsFunc(m.Recipients, func(r loggen.Recipient) bool {
				return r.Disposition == loggen.DispositionDelivered
			}) {
			ids = append(ids, m.MessageID)
		}
	})
	require.NoError(tb, err)
	require.NoError(tb, fh.Close())
	srv := lokitest.NewServer(tb, lokitest.Options{})
	srv.PushSyslogFile(tb, "", p)
	return srv, ids
}

// traceTimes traces id and returns the client's own time (the wall time less
// the time spent waiting for answers, from sending a request to having read
// its answer) and the time the server spent answering.
func traceTimes(tb testing.TB, srv *lokitest.Server, src *Source, id string) (client,
	server time.Duration) {
	before := srv.ServerTime()
	start := time.Now()
	res, err := trace.Run(context.Background(), src, trace.Seed{MessageID: id}, trace.Options{})
	wall := time.Since(start)
	require.NoError(tb, err)
	require.Len(tb, res.Traces, 1, id)
	require.Positive(tb, res.Waited)
	return wall - res.Waited, srv.ServerTime() - before
}

// BenchmarkTraceFromLoki reports the client's own time per trace (decoding
// answers, parsing lines, correlating, planning queries: the wall time less
// the time spent waiting for answers) next to the time the server spent
// answering, as client-ns/op and server-ns/op.
func BenchmarkTraceFromLoki(b *testing.B) {
	srv, ids := busyLoki(b)
	src := newSource(b, srv, "")
	var client, server time.Duration
	i := 0
	for b.Loop() {
		c, s := traceTimes(b, srv, src, ids[i%len(ids)])
		client += c
		server += s
		i++
	}
	b.ReportMetric(float64(client.Nanoseconds())/float64(i), "client-ns/op")
	b.ReportMetric(float64(server.Nanoseconds())/float64(i), "server-ns/op")
	b.ReportMetric(float64(client)/float64(server), "client/server")
}

// TestClientTimeUnderATenthOfServer holds the client's own time per trace
// under 10% of the time the server takes to answer, over 40 traces. Like
// every budget, it runs alone when MAILPATH_BUDGET is set (scripts/test.sh
// does): beside other test packages the timings say nothing.
func TestClientTimeUnderATenthOfServer(t *testing.T) {
	if os.Getenv("MAILPATH_BUDGET") == "" {
		t.Skip("set MAILPATH_BUDGET=1 to hold the client-time budget (scripts/test.sh does)")
	}
	if raceEnabled {
		t.Skip("timings under the race detector mean nothing")
	}
	srv, ids := busyLoki(t)
	src := newSource(t, srv, "")
	var client, server time.Duration
	for i := 0; i < 40; i++ {
		c, s := traceTimes(t, srv, src, ids[i%len(ids)])
		client += c
		server += s
	}
	ratio := float64(client) / float64(server)
	t.Logf("per trace: client %v, server %v, ratio %.3f", client/40, server/40, ratio)
	require.Less(t, ratio, 0.10)
}
