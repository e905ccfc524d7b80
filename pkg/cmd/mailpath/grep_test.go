package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/loggen"
)

// The budget for tracing one Message-ID through a big aggregated log: at most
// twice what grep -F takes to find the ID in the same file, measured in the
// same run, with a peak resident size under 200 MiB.
const (
	budgetBytes  = 1 << 30
	budgetRatio  = 2.0
	budgetRSSMiB = 200
	budgetRounds = 5
)

// bigLog is a generated aggregated log with the truth of some of its messages.
type bigLog struct {
	path   string
	sample []loggen.Message
}

// makeBigLog writes size bytes of generated multi-host traffic and keeps the
// truth of every 997th message, as the generator reports it.
func makeBigLog(t testing.TB, dir string, size int64) bigLog {
	t.Helper()
	p := filepath.Join(dir, "big-rfc3164.log")
	fh, err := os.Create(p)
	require.NoError(t, err)
	defer fh.Close()
	var sample []loggen.Message
	n := 0
	_, err = loggen.Generate(fh, loggen.Config{Seed: 7, TargetBytes: size}, func(m loggen.Message) {
		n++
		if n%997 == 0 && m.BounceOf == "" && len(m.QueueIDs) > 0 {
			sample = append(sample, m)
		}
	})
	require.NoError(t, err)
	require.NoError(t, fh.Close())
	return bigLog{path: p, sample: sample}
}

// target picks a delivered message from the middle of the file, so that a
// trace cannot stop early and must read what comes after it.
func (b bigLog) target(t testing.TB) loggen.Message {
	for i := len(b.sample) / 2; i < len(b.sample); i++ {
		m := b.sample[i]
		if slices.ContainsFunc(m.Recipients, func(r loggen.Recipient) bool {
			return r.Disposition == loggen.DispositionDelivered
		}) {
			return m
		}
	}
	t.Fatal("no delivered message in the sample")
	return loggen.Message{}
}

func buildMailpath(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "mailpath")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// timed runs a command and returns its wall time and peak resident size.
func timed(t testing.TB, stdout *bytes.Buffer, name string, args ...string) (time.Duration,
	int64) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdout = stdout
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	require.NoError(t, err, "%s: %s", name, stderr.String())
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return d, ru.Maxrss * 1024
}

func warm(t testing.TB, path string) {
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	_, err = bufio.NewReaderSize(fh, 1<<20).WriteTo(discard{})
	require.NoError(t, err)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// TestTraceVersusGrep holds the budget on a 1 GiB generated log and checks
// that the trace it times is right, against the generator's own truth. It
// runs when MAILPATH_BUDGET is set (scripts/test.sh sets it).
func TestTraceVersusGrep(t *testing.T) {
	if os.Getenv("MAILPATH_BUDGET") == "" {
		t.Skip("set MAILPATH_BUDGET=1 to run the 1 GiB budget (scripts/test.sh does)")
	}
	dir := t.TempDir()
	bin := buildMailpath(t, dir)
	log := makeBigLog(t, dir, budgetBytes)
	msg := log.target(t)
	id := strings.Trim(msg.MessageID, "<>")
	warm(t, log.path)
	var grepT, mpT []time.Duration
	var peak int64
	for i := 0; i < budgetRounds; i++ {
		var g, m bytes.Buffer
		d, _ := timed(t, &g, "grep", "-F", id, log.path)
		grepT = append(grepT, d)
		require.NotZero(t, g.Len(), "grep found the ID")
		d, rss := timed(t, &m, bin, "trace", "--json", "--tz", "UTC", "--logs", log.path,
			"--message-id", msg.MessageID)
		mpT = append(mpT, d)
		peak = max(peak, rss)
		checkAgainstTruth(t, msg, m.Bytes())
	}
	ratio := float64(median(mpT)) / float64(median(grepT))
	t.Logf("1 GiB, Message-ID %s: grep -F median %v, mailpath trace median %v, "+
		"ratio %.2f, peak RSS %.1f MiB", msg.MessageID, median(grepT), median(mpT), ratio,
		float64(peak)/(1<<20))
	require.LessOrEqual(t, ratio, budgetRatio, "trace time over grep -F time")
	require.Less(t, peak, int64(budgetRSSMiB)<<20, "peak resident size")
}

func checkAgainstTruth(t testing.TB, want loggen.Message, out []byte) {
	t.Helper()
	var got jsonTrace
	require.NoError(t, json.Unmarshal(bytes.TrimSpace(out), &got), "one trace: %s", out)
	require.Equal(t, want.MessageID, got.MessageID)
	require.Len(t, got.Recipients, len(want.Recipients))
	for _, w := range want.Recipients {
		i := slices.IndexFunc(got.Recipients, func(r jsonRecipient) bool {
			return strings.EqualFold(r.Address, w.Address)
		})
		require.GreaterOrEqual(t, i, 0, "recipient %s", w.Address)
		require.Equal(t, w.Disposition, got.Recipients[i].Disposition, w.Address)
		require.Equal(t, w.Path, got.Recipients[i].Path, w.Address)
		if w.Folder != "" {
			require.Equal(t, w.Folder, got.Recipients[i].Folder, w.Address)
		}
	}
}

// BenchmarkTraceVersusGrep times grep -F and a trace of the same Message-ID
// in the same generated log, for benchstat to compare (MAILPATH_BENCH_MIB
// sets the size, default 256): go test -bench TraceVersusGrep -count 6 | go tool
// benchstat -col /tool -.
func BenchmarkTraceVersusGrep(b *testing.B) {
	size := int64(256 << 20)
	if v := os.Getenv("MAILPATH_BENCH_MIB"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err, "MAILPATH_BENCH_MIB")
		size = int64(n) << 20
	}
	dir := b.TempDir()
	bin := buildMailpath(b, dir)
	log := makeBigLog(b, dir, size)
	msg := log.target(b)
	warm(b, log.path)
	b.Run("tool=grep", func(b *testing.B) {
		for b.Loop() {
			var out bytes.Buffer
			timed(b, &out, "grep", "-F", strings.Trim(msg.MessageID, "<>"), log.path)
		}
		b.SetBytes(size)
	})
	b.Run("tool=mailpath", func(b *testing.B) {
		for b.Loop() {
			var out bytes.Buffer
			timed(b, &out, bin, "trace", "--json", "--tz", "UTC", "--logs", log.path,
				"--message-id", msg.MessageID)
		}
		b.SetBytes(size)
	})
}
