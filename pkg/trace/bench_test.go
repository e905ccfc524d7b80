package trace_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/loggen"
	"github.com/mailpath/mailpath/pkg/parse"
	"github.com/mailpath/mailpath/pkg/trace"
)

// benchBytes is the size of the generated log BenchmarkParseCorrelate reads.
var benchBytes int64 = 32 << 20

// BenchmarkParseCorrelate measures the engine's full-parse throughput: every
// line of a generated 32 MiB multi-host log parsed into an event, then all
// events correlated into traces. Tracing one seed reads far less (see
// BenchmarkTraceVersusGrep); this is the cost of a whole-log pass, as route
// discovery and the system map make.
func BenchmarkParseCorrelate(b *testing.B) {
	var log bytes.Buffer
	var messages int
	_, err := loggen.Generate(&log, loggen.Config{Seed: 3, TargetBytes: benchBytes},
		func(loggen.Message) { messages++ })
	require.NoError(b, err)
	data := log.Bytes()
	ref := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	var lines int
	for b.Loop() {
		p := parse.New(ref, time.UTC)
		events := make([]event.Event, 0, 300_000)
		lines = 0
		for rest := data; len(rest) > 0; {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				i = len(rest)
			}
			lines++
			events = append(events, p.Line(rest[:i], "bench", int64(lines)))
			rest = rest[min(i+1, len(rest)):]
		}
		traces := trace.Build(events)
		require.GreaterOrEqual(b, len(traces), messages*9/10)
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
