package trace

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/parse"
)

// caseRef is the time the case logs are read as of; it settles the year of
// their RFC 3164 stamps.
var caseRef = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

// TestCases runs the correlation scripts in testdata/cases. Each script is
// a real case from a bug report: the raw log lines after "log", then after
// "expect" what a correct tracer concludes, one statement a line:
//
//	traces N                     Build returns N messages
//	trace QID                    the message holding hop QID is the one checked next
//	trace @N                     the message holding the log's line N
//	hop QID [parent=QID] [link=L] [heuristic=B] [events=N]
//	rcpt ADDR [disposition=D] [folder=F] [orig=A] [relay=H] [path=h1,h2]
//	     [reason="substring"] [inferred=B] [final=LINE]
//	rcpts N                      the message has N recipients
//	notification QID [heuristic=B]
//	skip TODO: what is missing and why
func TestCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			runScript(t, f)
		})
	}
}

type script struct {
	lines  []string
	expect []string // statements, each with its script line number prefixed
}

func readScript(t *testing.T, path string) script {
	t.Helper()
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	var s script
	section := ""
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "log" || line == "expect":
			section = line
		case section == "log":
			s.lines = append(s.lines, line)
		case section == "expect" && strings.TrimSpace(line) != "" &&
			!strings.HasPrefix(strings.TrimSpace(line), "#"):
			s.expect = append(s.expect, strconv.Itoa(n)+" "+strings.TrimSpace(line))
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, s.lines, "script %s has no log lines", path)
	return s
}

func runScript(t *testing.T, path string) {
	s := readScript(t, path)
	for _, st := range s.expect {
		_, rest, _ := strings.Cut(st, " ")
		if why, ok := strings.CutPrefix(rest, "skip "); ok {
			t.Skip(why)
		}
	}
	p := parse.New(caseRef, time.UTC)
	evs := make([]event.Event, 0, len(s.lines))
	for i, l := range s.lines {
		ev := p.Line([]byte(l), filepath.Base(path), int64(i+1))
		ev.Seq = int64(i + 1)
		evs = append(evs, ev)
	}
	traces := Build(evs)
	var cur *Trace
	for _, st := range s.expect {
		n, rest, _ := strings.Cut(st, " ")
		verb, args := splitArgs(t, rest)
		where := filepath.Base(path) + ":" + n
		switch verb {
		case "traces":
			require.Len(t, traces, atoi(t, args.pos(0)), "%s: %s", where, describe(traces))
		case "trace":
			cur = traceWith(traces, args.pos(0))
			require.NotNil(t, cur, "%s: no trace holds %s: %s", where, args.pos(0),
				describe(traces))
		case "hop":
			require.NotNil(t, cur, "%s: hop before trace", where)
			checkHop(t, where, cur, args)
		case "rcpts":
			require.NotNil(t, cur, "%s: rcpts before trace", where)
			require.Len(t, cur.Recipients, atoi(t, args.pos(0)), where)
		case "rcpt":
			require.NotNil(t, cur, "%s: rcpt before trace", where)
			checkRecipient(t, where, cur, args)
		case "notification":
			require.NotNil(t, cur, "%s: notification before trace", where)
			checkNotification(t, where, cur, args)
		default:
			t.Fatalf("%s: unknown statement %q", where, verb)
		}
	}
}

// args are a statement's words: positional ones, then key=value pairs whose
// value may be double-quoted.
type args struct {
	positional []string
	kv         map[string]string
}

func (a args) pos(i int) string {
	if i < len(a.positional) {
		return a.positional[i]
	}
	return ""
}

func splitArgs(t *testing.T, s string) (string, args) {
	t.Helper()
	a := args{kv: map[string]string{}}
	var words []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		end := strings.IndexByte(s, ' ')
		if q := strings.Index(s, `="`); q >= 0 && (end < 0 || q < end) {
			close := strings.IndexByte(s[q+2:], '"')
			require.GreaterOrEqual(t, close, 0, "unclosed quote in %q", s)
			end = q + 2 + close + 1
		}
		if end < 0 {
			end = len(s)
		}
		words = append(words, s[:end])
		s = s[end:]
	}
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			a.positional = append(a.positional, w)
			continue
		}
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		}
		a.kv[k] = v
	}
	return words[0], a
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

func traceWith(traces []*Trace, qid string) *Trace {
	for _, tr := range traces {
		if findHop(tr, qid) != nil {
			return tr
		}
	}
	return nil
}

// findHop returns the hop of queue ID qid, or for "@N" the hop holding the
// script's log line N (a refused transaction has no queue ID).
func findHop(tr *Trace, qid string) *Hop {
	for _, h := range tr.Hops {
		if h.QueueID == qid && qid != "" {
			return h
		}
		for _, ev := range h.Events {
			if "@"+strconv.FormatInt(ev.LineNo, 10) == qid {
				return h
			}
		}
	}
	return nil
}

func checkHop(t *testing.T, where string, tr *Trace, a args) {
	t.Helper()
	h := findHop(tr, a.pos(0))
	require.NotNil(t, h, "%s: hop %s not in trace %s", where, a.pos(0), describe([]*Trace{tr}))
	if v, ok := a.kv["parent"]; ok {
		require.NotNil(t, h.Parent, "%s: hop %s has no parent", where, h.QueueID)
		require.Equal(t, v, h.Parent.QueueID, where)
	}
	if v, ok := a.kv["link"]; ok {
		require.Equal(t, Link(v), h.Link, where)
	}
	if v, ok := a.kv["heuristic"]; ok {
		require.Equal(t, v == "true", h.Heuristic, where)
	}
	if v, ok := a.kv["events"]; ok {
		require.Len(t, h.Events, atoi(t, v), "%s: events of %s", where, h.QueueID)
	}
}

func checkRecipient(t *testing.T, where string, tr *Trace, a args) {
	t.Helper()
	addr := a.pos(0)
	if addr == "-" {
		addr = ""
	}
	var r *Recipient
	for _, c := range tr.Recipients {
		if strings.EqualFold(c.Address, addr) {
			r = c
			break
		}
	}
	require.NotNil(t, r, "%s: no recipient %q in %s", where, addr, describe([]*Trace{tr}))
	for k, v := range a.kv {
		switch k {
		case "disposition":
			require.Equal(t, Disposition(v), r.Disposition, "%s: %+v", where, *r)
		case "folder":
			require.Equal(t, v, r.Folder, where)
		case "orig":
			require.Equal(t, v, r.OrigTo, where)
		case "relay":
			require.Equal(t, v, r.Relay, where)
		case "path":
			require.Equal(t, strings.Split(v, ","), r.Path, where)
		case "reason":
			require.Contains(t, r.Reason, v, where)
		case "inferred":
			require.Equal(t, v == "true", r.Inferred, where)
		case "final":
			require.NotNil(t, r.Final, where)
			require.Equal(t, int64(atoi(t, v)), r.Final.LineNo, "%s: final line", where)
		default:
			t.Fatalf("%s: unknown rcpt key %q", where, k)
		}
	}
}

func checkNotification(t *testing.T, where string, tr *Trace, a args) {
	t.Helper()
	for _, n := range tr.Notifications {
		h := findHop(n, a.pos(0))
		if h == nil {
			continue
		}
		require.Equal(t, LinkBounce, h.Link, where)
		if v, ok := a.kv["heuristic"]; ok {
			require.Equal(t, v == "true", h.Heuristic, where)
		}
		return
	}
	t.Fatalf("%s: no notification %s in %s", where, a.pos(0), describe([]*Trace{tr}))
}

// describe prints traces for a failure message.
func describe(traces []*Trace) string {
	var b strings.Builder
	for _, tr := range traces {
		b.WriteString("\n trace")
		for _, h := range tr.Hops {
			b.WriteString(" " + h.ID)
			if h.Parent != nil {
				b.WriteString("<" + string(h.Link) + ":" + h.Parent.QueueID)
			}
		}
		for _, r := range tr.Recipients {
			b.WriteString("\n  rcpt " + r.Address + " " + string(r.Disposition) + " " +
				r.Folder + " " + r.Reason)
		}
		for _, n := range tr.Notifications {
			b.WriteString("\n  notification " + n.Hops[0].ID)
		}
	}
	return b.String()
}
