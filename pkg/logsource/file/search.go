package file

import "bytes"

// multiSearch finds many literal patterns in one pass, in the manner of
// Wu and Manber: a table of how far the window may shift for each two-byte
// block lets the scan skip most of the text without looking at it. A single
// Message-ID needle is where this matters: it runs close to grep -F, where
// bytes.Index, which starts from the needle's first byte, runs three times
// slower on log text full of that byte.
type multiSearch struct {
	m     int // the shortest pattern's length; windows are m bytes
	shift [1 << 16]uint8
	// first marks the blocks patterns start with. A window whose end block
	// matches a pattern's is checked against it only when its start block is
	// marked: log text is full of digit pairs that end some queue ID.
	first [1 << 16 / 64]uint64
	byEnd map[uint16][][]byte // patterns by the block ending their first m bytes
	short [][]byte            // patterns under 4 bytes, searched with bytes.Index
}

func newMultiSearch(patterns [][]byte) *multiSearch {
	s := &multiSearch{m: 255, byEnd: map[uint16][][]byte{}}
	var long [][]byte
	for _, p := range patterns {
		if len(p) < 4 {
			s.short = append(s.short, p)
			continue
		}
		long = append(long, p)
		s.m = min(s.m, len(p))
	}
	if len(long) == 0 {
		s.m = 0
		return s
	}
	for i := range s.shift {
		s.shift[i] = uint8(s.m - 1)
	}
	for _, p := range long {
		for j := 1; j < s.m; j++ {
			b := block(p[j-1], p[j])
			s.shift[b] = min(s.shift[b], uint8(s.m-1-j))
		}
		end := block(p[s.m-2], p[s.m-1])
		s.byEnd[end] = append(s.byEnd[end], p)
		f := block(p[0], p[1])
		s.first[f>>6] |= 1 << (f & 63)
	}
	return s
}

func block(a, b byte) uint16 { return uint16(a)<<8 | uint16(b) }

// each calls f with the offset of every match in hay. Overlapping matches
// of different patterns are all reported.
func (s *multiSearch) each(hay []byte, f func(off int)) {
	for _, p := range s.short {
		for i := 0; ; {
			j := bytes.Index(hay[i:], p)
			if j < 0 {
				break
			}
			f(i + j)
			i += j + 1
		}
	}
	if s.m == 0 {
		return
	}
	m := s.m
	for i := m - 1; i < len(hay); {
		b := block(hay[i-1], hay[i])
		if sh := s.shift[b]; sh != 0 {
			i += int(sh)
			continue
		}
		start := i - m + 1
		if f := block(hay[start], hay[start+1]); s.first[f>>6]&(1<<(f&63)) == 0 {
			i++
			continue
		}
		for _, p := range s.byEnd[b] {
			if start+len(p) <= len(hay) && bytes.Equal(hay[start:start+len(p)], p) {
				f(start)
			}
		}
		i++
	}
}
