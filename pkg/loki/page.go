package loki

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// pager walks one span page by page.
type pager struct {
	cursor int64 // start of the next page, inclusive
	to     int64 // end of the span, exclusive
	// seen holds the lines at cursor already kept: Loki sends them again,
	// since the next page starts at that very nanosecond.
	seen map[string]struct{}
}

// dropSeen returns the lines of page not kept before.
func (pg *pager) dropSeen(page []Entry) []Entry {
	if len(pg.seen) == 0 {
		return page
	}
	fresh := make([]Entry, 0, len(page))
	for _, e := range page {
		if e.Time.UnixNano() == pg.cursor {
			if _, dup := pg.seen[entryKey(e)]; dup {
				continue
			}
		}
		fresh = append(fresh, e)
	}
	return fresh
}

// advance moves the cursor to the last timestamp of a full page and
// remembers the lines kept at it. When every line of the page sits at the
// cursor and none was new, more lines share that nanosecond than one page
// holds: advance then skips past it and reports stuck.
func (pg *pager) advance(page, fresh []Entry) (stuck bool) {
	last := page[len(page)-1].Time.UnixNano()
	if last == pg.cursor && len(fresh) == 0 {
		pg.cursor, pg.seen = last+1, nil
		return true
	}
	if last != pg.cursor || pg.seen == nil {
		pg.seen = map[string]struct{}{}
	}
	for _, e := range fresh {
		if e.Time.UnixNano() == last {
			pg.seen[entryKey(e)] = struct{}{}
		}
	}
	pg.cursor = last
	return false
}

// entryKey identifies a line: its stream labels, structured metadata,
// timestamp and text. Loki itself drops a line repeated with the same
// timestamp in one stream, so the key is unique within an answer.
func entryKey(e Entry) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(e.Time.UnixNano(), 10))
	writeLabels(&b, e.Labels)
	b.WriteByte('|')
	writeLabels(&b, e.Metadata)
	writeField(&b, e.Line)
	return b.String()
}

// writeLabels writes m sorted by name, each name and value prefixed by its
// length so that no two label sets write the same text.
func writeLabels(b *strings.Builder, m map[string]string) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		writeField(b, k)
		writeField(b, m[k])
	}
}

func writeField(b *strings.Builder, s string) {
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte(':')
	b.WriteString(s)
}

// sortEntries merges the streams of one answer by time, keeping Loki's
// order among lines of one timestamp.
func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Compare(a.Time.UnixNano(), b.Time.UnixNano())
	})
}
