package file

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/parse"
)

// hit is a candidate line: its bytes (a copy), where it starts and its
// number, counted from 1.
type hit struct {
	off    int64
	lineNo int64
	line   []byte
	cut    bool
}

// span is the result of scanning one byte range. Line numbers in it count
// from the range's start; merge makes them absolute.
type span struct {
	hits    []hit
	marks   []mark
	lines   int64
	stopped bool // ended early: the rest is past the query's window
}

// rangeScan scans one byte range of a file with its own buffer and parser.
type rangeScan struct {
	long  bool // inside a line longer than the buffer
	kept  bool // that line already gave a hit
	m     *matcher
	q     logsource.Query
	opt   Options
	p     *parse.Parser
	buf   []byte
	cands []int
	out   span
}

func (f *logFile) scan(ctx context.Context, m *matcher, q logsource.Query,
	opt Options) ([]hit, error) {
	if f.gz {
		return f.scanStream(ctx, m, q, opt)
	}
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("opening log file: path=%s: %w", f.path, err)
	}
	defer fh.Close()
	start := f.startMark(q.Since, opt.Slack)
	bounds, err := splitRange(fh, start.off, f.endOffset(q.Until, opt.Slack), opt.Workers)
	if err != nil {
		return nil, fmt.Errorf("reading log file: path=%s: %w", f.path, err)
	}
	spans := make([]span, len(bounds)-1)
	errs := make([]error, len(spans))
	var wg sync.WaitGroup
	for i := range spans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := f.newRangeScan(m, q, opt)
			errs[i] = rs.run(ctx, fh, bounds[i], bounds[i+1])
			spans[i] = rs.out
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("reading log file: path=%s: %w", f.path, err)
		}
	}
	return f.merge(spans, start), nil
}

func (f *logFile) newRangeScan(m *matcher, q logsource.Query, opt Options) *rangeScan {
	return &rangeScan{m: m, q: q, opt: opt, p: parse.New(f.mtime, opt.Location),
		buf: make([]byte, opt.ChunkSize)}
}

// merge turns range-relative line numbers into file line numbers and, after
// a pass that read the file from its start to its end, keeps the
// checkpoints for later rounds.
func (f *logFile) merge(spans []span, start mark) []hit {
	var hits []hit
	var marks []mark
	base := start.line - 1
	complete := start.off == 0
	for _, s := range spans {
		for _, h := range s.hits {
			h.lineNo += base
			hits = append(hits, h)
		}
		for _, mk := range s.marks {
			mk.line += base
			marks = append(marks, mk)
		}
		base += s.lines
		complete = complete && !s.stopped
	}
	if complete {
		f.mu.Lock()
		if !f.full {
			f.marks, f.full = marks, true
		}
		f.mu.Unlock()
	}
	return hits
}

// startMark returns the last checkpoint at least slack before since, or the
// file's start.
func (f *logFile) startMark(since time.Time, slack time.Duration) mark {
	start := mark{off: 0, line: 1}
	if since.IsZero() {
		return start
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	limit := since.Add(-slack)
	for _, mk := range f.marks {
		if mk.t.IsZero() {
			continue
		}
		if !mk.t.Before(limit) {
			break
		}
		start = mk
	}
	return start
}

// endOffset returns the offset of the first checkpoint more than slack after
// until, or the file's size: workers split only the part a window covers.
func (f *logFile) endOffset(until time.Time, slack time.Duration) int64 {
	if until.IsZero() {
		return f.size
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	limit := until.Add(slack)
	for _, mk := range f.marks {
		if mk.t.After(limit) {
			return mk.off
		}
	}
	return f.size
}

// splitRange cuts [from, to) into up to n ranges that start at line starts.
// Small ranges are not split: a worker's start-up costs more than it saves.
func splitRange(fh *os.File, from, to int64, n int) ([]int64, error) {
	const minPart = 32 << 20
	if n < 1 || to-from < 2*minPart {
		n = 1
	}
	bounds := []int64{from}
	var probe [64 << 10]byte
	for k := 1; k < n; k++ {
		at := from + (to-from)*int64(k)/int64(n)
		for at < to {
			m, err := fh.ReadAt(probe[:], at)
			if err != nil && err != io.EOF {
				return nil, err
			}
			if i := bytes.IndexByte(probe[:m], '\n'); i >= 0 {
				at += int64(i) + 1
				break
			}
			at += int64(m)
			if m == 0 {
				at = to
			}
		}
		if at > bounds[len(bounds)-1] && at < to {
			bounds = append(bounds, at)
		}
	}
	return append(bounds, to), nil
}

// run scans [from, to) of fh, which starts at a line start.
func (rs *rangeScan) run(ctx context.Context, fh io.ReaderAt, from, to int64) error {
	carry := 0
	for off := from; off < to; {
		if err := ctx.Err(); err != nil {
			return err
		}
		want := min(int64(len(rs.buf)-carry), to-off)
		n, err := fh.ReadAt(rs.buf[carry:carry+int(want)], off)
		if err != nil && err != io.EOF {
			return err
		}
		if n == 0 {
			break
		}
		chunkOff := off - int64(carry)
		off += int64(n)
		data := rs.buf[:carry+n]
		carry = rs.feed(data, chunkOff, off >= to)
		if rs.out.stopped {
			return nil
		}
	}
	return nil
}

// feed processes the whole lines in data (all of it when last is set) and
// returns how many trailing bytes it moved to the buffer's front for the next
// read. A buffer with no line end at all holds part of an overlong line: each
// such part is searched, the first matching part is kept as one cut line, and
// the line is counted once.
func (rs *rangeScan) feed(data []byte, off int64, last bool) int {
	if rs.long {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			rs.longPart(data, off)
			return 0
		}
		rs.longPart(data[:i], off)
		rs.long = false
		data, off = data[i+1:], off+int64(i)+1
	}
	end := len(data)
	if !last {
		end = bytes.LastIndexByte(data, '\n') + 1
	}
	if end == 0 && len(data) == len(rs.buf) {
		rs.long, rs.kept = true, false
		rs.out.lines++
		rs.longPart(data, off)
		return 0
	}
	rs.chunk(data[:end], off)
	return copy(rs.buf, data[end:])
}

func (rs *rangeScan) longPart(part []byte, off int64) {
	if rs.kept || len(rs.m.candidates(part, rs.cands[:0])) == 0 {
		return
	}
	rs.kept = true
	rs.out.hits = append(rs.out.hits, hit{off: off, lineNo: rs.out.lines,
		line: bytes.Clone(part), cut: true})
}

// chunk handles whole lines starting at file offset off.
func (rs *rangeScan) chunk(c []byte, off int64) {
	if len(c) == 0 {
		return
	}
	t := rs.firstTime(c)
	rs.out.marks = append(rs.out.marks, mark{off: off, line: rs.out.lines + 1, t: t})
	if !rs.q.Until.IsZero() && t.After(rs.q.Until.Add(rs.opt.Slack)) {
		rs.out.stopped = true
		return
	}
	rs.cands = rs.m.candidates(c, rs.cands)
	prev, lines := 0, rs.out.lines
	for _, start := range rs.cands {
		lines += int64(bytes.Count(c[prev:start], []byte{'\n'}))
		prev = start
		end := bytes.IndexByte(c[start:], '\n')
		if end < 0 {
			end = len(c) - start
		}
		rs.out.hits = append(rs.out.hits, hit{off: off + int64(start), lineNo: lines + 1,
			line: bytes.Clone(c[start : start+end])})
	}
	lines += int64(bytes.Count(c[prev:], []byte{'\n'}))
	if c[len(c)-1] != '\n' {
		lines++
	}
	rs.out.lines = lines
}

func (rs *rangeScan) firstTime(c []byte) time.Time {
	line := c
	if i := bytes.IndexByte(c, '\n'); i >= 0 {
		line = c[:i]
	}
	ev := rs.p.Line(line, "", 0)
	return ev.Time
}

// scanStream reads a gzip file from its start, in one worker: a compressed
// file can neither seek nor be split.
func (f *logFile) scanStream(ctx context.Context, m *matcher, q logsource.Query,
	opt Options) ([]hit, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("opening log file: path=%s: %w", f.path, err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return nil, fmt.Errorf("reading gzip log file: path=%s: %w", f.path, err)
	}
	defer zr.Close()
	rs := f.newRangeScan(m, q, opt)
	err = rs.stream(ctx, zr)
	sort.Slice(rs.out.hits, func(i, j int) bool { return rs.out.hits[i].off < rs.out.hits[j].off })
	hits := f.merge([]span{rs.out}, mark{off: 0, line: 1})
	if err != nil && ctx.Err() == nil {
		// A damaged stream still gave the lines before the damage: keep them
		// and say where reading stopped.
		return hits, &brokenError{path: f.path, line: rs.out.lines, err: err}
	}
	return hits, err
}

// brokenError says a compressed file could not be read to its end.
type brokenError struct {
	path string
	line int64
	err  error
}

func (e *brokenError) Error() string {
	return fmt.Sprintf("reading gzip log file: path=%s: stopped after line %d: %v", e.path,
		e.line, e.err)
}

func (e *brokenError) Unwrap() error { return e.err }

// stream feeds the whole decompressed stream through the scan. It tells a
// clean end (io.EOF) from a cut or damaged one, which gzip reports as any
// other error, io.ErrUnexpectedEOF included.
func (rs *rangeScan) stream(ctx context.Context, r io.Reader) error {
	carry := 0
	var off int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := fill(r, rs.buf[carry:])
		last := err != nil
		chunkOff := off - int64(carry)
		off += int64(n)
		carry = rs.feed(rs.buf[:carry+n], chunkOff, last)
		if err == io.EOF {
			return nil
		}
		if err != nil || rs.out.stopped {
			return err
		}
	}
}

// fill reads until buf is full or r fails; unlike io.ReadFull it passes
// r's own error on, so that a clean io.EOF stays io.EOF.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
