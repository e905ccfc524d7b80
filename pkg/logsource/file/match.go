package file

import (
	"bytes"
	"slices"
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/logsource"
)

// matcher picks candidate lines for a query without parsing them: text and
// queue ID terms by one substring search over a whole chunk, process terms by
// skimming each line's header. Candidates are then parsed and checked
// against the terms exactly (host, queue ID fields, PID, the term's window).
// Queue IDs are searched as text rather than read from a fixed place in the
// header: that works in every framing and also finds the lines that name an
// ID as another copy's ("queued as", "notification:", "orig_id=").
type matcher struct {
	text  *multiSearch
	pids  map[int]bool
	terms []logsource.Term
}

func newMatcher(q logsource.Query) *matcher {
	m := &matcher{pids: map[int]bool{}, terms: q.Terms}
	var texts [][]byte
	for _, t := range q.Terms {
		switch {
		case t.Text != "":
			texts = append(texts, []byte(t.Text))
		case t.QueueID != "":
			texts = append(texts, []byte(t.QueueID))
		case t.PID > 0:
			m.pids[t.PID] = true
		}
	}
	if len(texts) > 0 {
		m.text = newMultiSearch(texts)
	}
	return m
}

func (m *matcher) skims() bool { return len(m.pids) > 0 }

// candidates returns the start offsets of the lines in chunk that may match,
// in increasing order. chunk holds whole lines only.
func (m *matcher) candidates(chunk []byte, out []int) []int {
	out = out[:0]
	if m.text != nil {
		last := -1
		m.text.each(chunk, func(off int) {
			start := bytes.LastIndexByte(chunk[:off], '\n') + 1
			if start != last {
				out = append(out, start)
				last = start
			}
		})
	}
	if m.skims() {
		out = m.skimLines(chunk, out)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (m *matcher) skimLines(chunk []byte, out []int) []int {
	for off := 0; off < len(chunk); {
		end := bytes.IndexByte(chunk[off:], '\n')
		if end < 0 {
			end = len(chunk) - off
		}
		line := chunk[off : off+end]
		if pid, ok := skim(line); ok && m.pids[pid] {
			out = append(out, off)
		}
		off += end + 1
	}
	return out
}

// wants reports whether a parsed candidate matches one of the terms.
// Unparsed lines are kept when a text term found them: they are counted and
// shown, never dropped.
func (m *matcher) wants(ev *event.Event) bool {
	for _, t := range m.terms {
		if t.Host != "" && ev.Kind != event.KindUnparsed && ev.Host != t.Host {
			continue
		}
		if !ev.Time.IsZero() && !t.Covers(ev.Time) {
			continue
		}
		switch {
		case t.Text != "" && strings.Contains(ev.Line, t.Text):
			return true
		case t.QueueID != "" && namesQueue(ev, t.QueueID):
			return true
		case t.PID > 0 && ev.PID == t.PID && ev.Host == t.Host:
			return true
		}
	}
	return false
}

// namesQueue reports whether a parsed line is about queue ID qid: its own, or
// the copy it hands to, notifies with or was requeued from.
func namesQueue(ev *event.Event, qid string) bool {
	return ev.QueueID == qid || ev.QueuedAs == qid || ev.Child == qid || ev.Parent == qid
}
