package parse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
)

// FuzzLine feeds the parser every case line, cut and spliced, and binary and
// huge inputs. Whatever comes in, Line must not panic, must set Kind, must
// keep the input as Line, and must give a reason for an unparsed line.
func FuzzLine(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.log"))
	if err != nil || len(files) == 0 {
		f.Fatalf("reading seeds: pattern=testdata/cases/*.log: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatalf("reading seeds: path=%s: %v", name, err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			f.Add(l)
			f.Add(l[:len(l)/2])
		}
	}
	for _, s := range []string{
		"", "\x00", "\xff\xfe\xfd", "<", "<22>", "<999999>Mar", "Mar  9 ", "2026-03-03T",
		"Jan  1 00:00:00 mx postfix/smtp[1]: ABCDE: to=<", "Jan  1 00:00:00 mx postfix/smtp[1]: " +
			"ABCDE: to=<a>, relay=[", "Jan  1 00:00:00 mx dovecot: lmtp(", "x | y",
		"Jan  1 00:00:00 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from ",
		"Jan  1 00:00:00 mx postfix/cleanup[1]: ABCDE: warning: header " +
			strings.Repeat("from x[", 50),
		"Jan  1 00:00:00 mx postfix/smtp[1]: ABCDE: " + strings.Repeat("a", 1<<16),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev := New(caseRef, time.UTC).Line(raw, "fuzz", 1)
		if ev.Kind == "" {
			t.Fatalf("no kind for %q", raw)
		}
		if ev.Line != string(raw) {
			t.Fatalf("line changed: got %q, want %q", ev.Line, raw)
		}
		if ev.Kind == event.KindUnparsed && ev.Err == "" {
			t.Fatalf("unparsed without a reason: %q", raw)
		}
	})
}
