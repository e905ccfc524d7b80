package loggen_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mailpath/mailpath/pkg/loggen"
)

// frames match a whole syslog line of each format, down to the start of its text.
var frames = map[string]*regexp.Regexp{
	loggen.FormatRFC3164: regexp.MustCompile(`^[A-Z][a-z]{2} [ 1-3][0-9] ` +
		`\d\d:\d\d:\d\d [a-z0-9]+ [A-Za-z0-9./_-]+(\[\d+\])?: .+$`),
	loggen.FormatRFC5424: regexp.MustCompile(`^<\d{1,3}>1 \d{4}-\d\d-\d\dT` +
		`\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d [a-z0-9]+ [A-Za-z0-9./_-]+ (\d+|-) - -  .+$`),
}

// generate runs Generate into memory and collects the truth.
func generate(t testing.TB, cfg loggen.Config) ([]byte, []loggen.Message, loggen.Stats) {
	t.Helper()
	var buf bytes.Buffer
	var truth []loggen.Message
	st, err := loggen.Generate(&buf, cfg, func(m loggen.Message) { truth = append(truth, m) })
	if err != nil {
		t.Fatalf("generating log: %v", err)
	}
	return buf.Bytes(), truth, st
}

func formats() []string { return []string{loggen.FormatRFC3164, loggen.FormatRFC5424} }

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, f := range formats() {
		t.Run("same seed gives same bytes in "+f, func(t *testing.T) {
			cfg := loggen.Config{Seed: 7, Messages: 3000, Format: f}
			a, _, _ := generate(t, cfg)
			b, _, _ := generate(t, cfg)
			if !bytes.Equal(a, b) {
				t.Fatal("two runs with one seed differ")
			}
			cfg.Seed = 8
			if c, _, _ := generate(t, cfg); bytes.Equal(a, c) {
				t.Fatal("two seeds give the same log")
			}
		})
	}
}

func TestGenerateHonoursTargetBytes(t *testing.T) {
	tests := []struct {
		name   string
		target int64
		rate   float64
	}{
		{name: "stops a small log near its target", target: 200 << 10},
		{name: "stops a bigger log near its target", target: 8 << 20},
		{name: "stops a busy log near its target", target: 4 << 20, rate: 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, st := generate(t, loggen.Config{Seed: 1, TargetBytes: tt.target, Rate: tt.rate})
			if st.Bytes != int64(len(out)) || st.Lines != int64(bytes.Count(out, []byte("\n"))) {
				t.Fatalf("stats %+v do not match %d bytes written", st, len(out))
			}
			if st.Bytes < tt.target || st.Bytes > tt.target+tt.target/100+32<<10 {
				t.Fatalf("wrote %d bytes for a target of %d", st.Bytes, tt.target)
			}
		})
	}
}

func TestEveryLineIsASyslogFrame(t *testing.T) {
	t.Parallel()
	for _, f := range formats() {
		t.Run("lines are "+f+" frames in time order", func(t *testing.T) {
			t.Parallel()
			out, _, st := generate(t, loggen.Config{Seed: 3, Messages: 10000, Format: f})
			var bad int64
			clock := &lineClock{format: f, prev: math.MinInt64}
			for i, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
				if !frames[f].MatchString(line) {
					bad++
					continue
				}
				if !clock.advance(t, line) {
					t.Fatalf("line %d goes back in time: %q", i+1, line)
				}
			}
			if bad != st.Malformed {
				t.Fatalf("%d lines are not frames, stats say %d", bad, st.Malformed)
			}
		})
	}
}

// lineClock checks that frame times never decrease, parsing each stamp once.
type lineClock struct {
	format string
	stamp  string
	prev   int64
}

// advance reports whether the line's time is not before the previous line's.
func (c *lineClock) advance(t *testing.T, line string) bool {
	layout, stamp := time.Stamp, line[:15]
	if c.format == loggen.FormatRFC5424 {
		rest := line[strings.IndexByte(line, ' ')+1:]
		layout, stamp = time.RFC3339Nano, rest[:strings.IndexByte(rest, ' ')]
	}
	if stamp == c.stamp {
		return true
	}
	at, err := time.Parse(layout, stamp)
	if err != nil {
		t.Fatalf("reading time: line=%q: %v", line, err)
	}
	c.stamp = stamp
	ok := at.UnixMicro() >= c.prev
	c.prev = at.UnixMicro()
	return ok
}

// cleanupRE finds cleanup's message-id lines: host, queue ID, Message-ID.
var cleanupRE = regexp.MustCompile(` ([a-z0-9]+) postfix-[a-z0-9]+/cleanup` +
	`(?:\[\d+\]: | \d+ - -  )([0-9A-Za-z]+): message-id=(<[^>]*>)$`)

// matches applies re to the lines of out that contain every one of words, which
// keeps the regular expression off most lines.
func matches(out []byte, re *regexp.Regexp, words ...string) [][]string {
	var found [][]string
	for _, line := range strings.Split(string(out), "\n") {
		if containsAll(line, words) {
			if m := re.FindStringSubmatch(line); m != nil {
				found = append(found, m)
			}
		}
	}
	return found
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func TestTruthMatchesCleanupLines(t *testing.T) {
	t.Parallel()
	for _, f := range formats() {
		t.Run("each hop logs the Message-ID once under its queue ID in "+f, func(t *testing.T) {
			t.Parallel()
			out, truth, st := generate(t, loggen.Config{Seed: 5, Messages: 20000, Format: f})
			logged := map[string]map[string]string{} // Message-ID -> host -> queue ID
			for _, m := range matches(out, cleanupRE, "/cleanup", ": message-id=") {
				id, host := m[3], m[1]
				if logged[id] == nil {
					logged[id] = map[string]string{}
				}
				if _, dup := logged[id][host]; dup {
					t.Fatalf("Message-ID %s logged twice on %s", id, host)
				}
				logged[id][host] = m[2]
			}
			if st.Messages != int64(len(truth)) {
				t.Fatalf("stats count %d messages, truth has %d", st.Messages, len(truth))
			}
			checkTruthHops(t, truth, logged)
		})
	}
}

func checkTruthHops(t *testing.T, truth []loggen.Message, logged map[string]map[string]string) {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range truth {
		if seen[m.MessageID] {
			t.Fatalf("Message-ID %s given twice", m.MessageID)
		}
		seen[m.MessageID] = true
		hops := logged[m.MessageID]
		if len(hops) != len(m.QueueIDs) {
			t.Fatalf("message %s: truth has hops %v, log has %v", m.MessageID, m.QueueIDs, hops)
		}
		for host, qid := range m.QueueIDs {
			if hops[host] != qid {
				t.Fatalf("message %s: truth says %s on %s, log says %q",
					m.MessageID, qid, host, hops[host])
			}
		}
	}
	owner := map[string]string{} // host and queue ID -> Message-ID
	for id, hops := range logged {
		if !seen[id] {
			t.Fatalf("Message-ID %s is logged but not in the truth", id)
		}
		for host, qid := range hops {
			if other, dup := owner[host+" "+qid]; dup {
				t.Fatalf("queue ID %s on %s serves %s and %s", qid, host, other, id)
			}
			owner[host+" "+qid] = id
		}
	}
}

// deliveryRE finds delivery agent lines: host, queue ID, recipient, status.
var deliveryRE = regexp.MustCompile(` ([a-z0-9]+) postfix-[a-z0-9]+/(?:smtp|lmtp)` +
	`(?:\[\d+\]: | \d+ - -  )([0-9A-Za-z]+): to=<([^>]*)>.*, status=([a-z]+) `)

// rejectRE finds RCPT rejects: host, recipient.
var rejectRE = regexp.MustCompile(` ([a-z0-9]+) postfix-[a-z0-9]+/smtpd.*: reject: RCPT ` +
	`.* to=<([^>]*)> proto=`)

func TestTruthDispositionsMatchLastLines(t *testing.T) {
	t.Parallel()
	out, truth, _ := generate(t, loggen.Config{Seed: 11, Messages: 30000})
	last := map[string]string{} // host qid rcpt -> last status
	for _, m := range matches(out, deliveryRE, ", status=") {
		last[m[1]+" "+m[2]+" "+m[3]] = m[4]
	}
	rejected := map[string]bool{}
	for _, m := range matches(out, rejectRE, ": reject: RCPT") {
		rejected[m[1]+" "+m[2]] = true
	}
	counts := map[string]int{}
	for _, m := range truth {
		for _, r := range m.Recipients {
			counts[r.Disposition]++
			checkRecipient(t, m, r, last, rejected)
		}
	}
	for _, d := range []string{loggen.DispositionDelivered, loggen.DispositionRelayed,
		loggen.DispositionDeferred, loggen.DispositionBounced, loggen.DispositionRejected} {
		if counts[d] == 0 {
			t.Errorf("no recipient is %s: %v", d, counts)
		}
	}
}

var lastStatus = map[string]string{
	loggen.DispositionDelivered: "sent",
	loggen.DispositionRelayed:   "sent",
	loggen.DispositionDeferred:  "deferred",
	loggen.DispositionBounced:   "bounced",
}

func checkRecipient(t *testing.T, m loggen.Message, r loggen.Recipient, last map[string]string,
	rejected map[string]bool) {
	t.Helper()
	end := r.Path[len(r.Path)-1]
	if r.Disposition == loggen.DispositionRejected {
		if !rejected[end+" "+r.Address] {
			t.Errorf("message %s: no reject of %s on %s", m.MessageID, r.Address, end)
		}
		return
	}
	got := last[end+" "+m.QueueIDs[end]+" "+r.Address]
	if got != lastStatus[r.Disposition] {
		t.Errorf("message %s: %s is %s but its last status on %s is %q",
			m.MessageID, r.Address, r.Disposition, end, got)
	}
	if (r.Disposition == loggen.DispositionDelivered) != (r.Folder != "") {
		t.Errorf("message %s: %s is %s in folder %q", m.MessageID, r.Address, r.Disposition,
			r.Folder)
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  loggen.Config
		want error
	}{
		{name: "refuses a log without limits", cfg: loggen.Config{}, want: loggen.ErrNoLimit},
		{name: "refuses an unknown format", cfg: loggen.Config{Messages: 1, Format: "json"},
			want: loggen.ErrFormat},
		{name: "refuses a negative rate", cfg: loggen.Config{Messages: 1, Rate: -1},
			want: loggen.ErrNegative},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loggen.Generate(io.Discard, tt.cfg, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, f := range formats() {
		b.Run(f, func(b *testing.B) {
			var total int64
			for i := 0; i < b.N; i++ {
				cfg := loggen.Config{Seed: uint64(i), TargetBytes: 64 << 20, Format: f}
				st, err := loggen.Generate(io.Discard, cfg, nil)
				if err != nil {
					b.Fatal(err)
				}
				total += st.Bytes
			}
			b.SetBytes(total / int64(b.N))
		})
	}
}
