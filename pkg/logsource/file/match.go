package file

import (
	"bytes"
	"slices"

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
	text *multiSearch
	pids map[int]bool
	all  bool // some term asks for every line
}

func newMatcher(q logsource.Query) *matcher {
	m := &matcher{pids: map[int]bool{}}
	var texts [][]byte
	for _, t := range q.Terms {
		switch {
		case t.Text != "":
			texts = append(texts, []byte(t.Text))
		case t.QueueID != "":
			texts = append(texts, []byte(t.QueueID))
		case t.PID > 0:
			m.pids[t.PID] = true
		default:
			m.all = true
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
	if m.all {
		return allLines(chunk, out)
	}
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

func allLines(chunk []byte, out []int) []int {
	for off := 0; off < len(chunk); {
		out = append(out, off)
		end := bytes.IndexByte(chunk[off:], '\n')
		if end < 0 {
			break
		}
		off += end + 1
	}
	return out
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
