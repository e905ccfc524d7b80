// Package file is the embedded log source: plain or gzip-compressed
// aggregated syslog files, read in time order with bounded memory.
//
// A query costs one pass over the part of the files its time window covers.
// Plain files are split between workers and read with ReadAt; a checkpoint
// table of offsets, line numbers and times, filled by the first full pass,
// lets later rounds start where their window starts instead of at the top.
// Memory is a few chunk buffers per worker plus the matching lines.
package file

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/parse"
)

// Options tune a [Source]. The zero value reads RFC 3164 stamps in the
// machine's zone with one worker per CPU.
type Options struct {
	// Location is the zone RFC 3164 stamps were written in (they carry none).
	Location *time.Location
	// Workers is how many goroutines scan one plain file.
	Workers int
	// ChunkSize is each worker's read buffer; a line longer than this is
	// cut and kept as unparsed. Default 4 MiB.
	ChunkSize int
	// Slack is how far out of order lines of one aggregated file may be:
	// seeking by time starts this much earlier. Default 2 minutes.
	Slack time.Duration
}

// Source reads a set of log files. Its methods are safe for one caller at a
// time.
type Source struct {
	files []*logFile
	opt   Options
}

var _ logsource.Source = (*Source)(nil)

// Open checks that every path is a readable regular file and orders them in
// time: by the time of their first line, so a rotated set (mail.log.2.gz,
// mail.log.1, mail.log) may be given in any order.
func Open(paths []string, opt Options) (*Source, error) {
	if len(paths) == 0 {
		return nil, ErrNoFiles
	}
	opt = opt.withDefaults()
	s := &Source{opt: opt}
	seen := map[string]bool{}
	for _, p := range paths {
		// The same file named twice would show every line twice.
		if abs, err := filepath.Abs(p); err == nil {
			if seen[abs] {
				continue
			}
			seen[abs] = true
		}
		f, err := openLogFile(p, opt)
		if err != nil {
			return nil, err
		}
		s.files = append(s.files, f)
	}
	sort.SliceStable(s.files, func(i, j int) bool {
		return s.files[i].first.Before(s.files[j].first)
	})
	return s, nil
}

func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = 4 << 20
	}
	if o.Slack <= 0 {
		o.Slack = 2 * time.Minute
	}
	return o
}

// Files returns the paths in the order they are read.
func (s *Source) Files() []string {
	out := make([]string, len(s.files))
	for i, f := range s.files {
		out[i] = f.path
	}
	return out
}

// Find answers one query round.
func (s *Source) Find(ctx context.Context, q logsource.Query) (logsource.Result, error) {
	var res logsource.Result
	m := newMatcher(q)
	for i, f := range s.files {
		if i+1 < len(s.files) && !q.Since.IsZero() &&
			s.files[i+1].first.Before(q.Since.Add(-s.opt.Slack)) && !s.files[i+1].first.IsZero() {
			continue // the whole file is older than the window
		}
		if !q.Until.IsZero() && f.first.After(q.Until.Add(s.opt.Slack)) {
			break
		}
		hits, err := f.scan(ctx, m, q, s.opt)
		var broken *brokenError
		if errors.As(err, &broken) {
			res.Partial = true
			res.Reason = strings.TrimPrefix(res.Reason+"; "+broken.Error(), "; ")
		} else if err != nil {
			return res, err
		}
		s.keep(&res, f, hits, q)
	}
	return res, nil
}

// keep parses the candidate lines of one file and keeps the wanted ones.
func (s *Source) keep(res *logsource.Result, f *logFile, hits []hit, q logsource.Query) {
	p := parse.New(f.mtime, s.opt.Location)
	for _, h := range hits {
		// A CRLF file's \r belongs to the line end, not the line.
		ev := p.Line(bytes.TrimSuffix(h.line, []byte{'\r'}), f.path, h.lineNo)
		if h.cut {
			ev.Kind, ev.Err = event.KindUnparsed, "line longer than the read buffer, cut"
		}
		if !q.Wants(&ev) {
			continue
		}
		if ev.Kind == event.KindUnparsed {
			res.Unparsed++
		}
		res.Events = append(res.Events, ev)
	}
}

// logFile is one file of the set, with what earlier passes learnt about it.
type logFile struct {
	path  string
	gz    bool
	size  int64
	mtime time.Time
	first time.Time // time of the first line that has one
	mu    sync.Mutex
	marks []mark // checkpoints, by offset
	full  bool   // marks cover the whole file
}

// mark is a checkpoint: the line starting at off is number line (from 1)
// and carries time t (zero when it has none).
type mark struct {
	off  int64
	line int64
	t    time.Time
}

func openLogFile(path string, opt Options) (*logFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening log file: path=%s: %w", path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading log file: path=%s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("reading log file: path=%s: %w", path, ErrNotRegular)
	}
	f := &logFile{path: path, size: st.Size(), mtime: st.ModTime()}
	var r io.Reader = fh
	if f.gz, err = isGzip(fh); err != nil {
		return nil, fmt.Errorf("reading log file: path=%s: %w", path, err)
	}
	if f.gz {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return nil, fmt.Errorf("reading gzip log file: path=%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	f.first = firstTime(r, parse.New(f.mtime, opt.Location))
	return f, nil
}

func isGzip(fh *os.File) (bool, error) {
	var magic [2]byte
	n, err := fh.ReadAt(magic[:], 0)
	if err != nil && err != io.EOF {
		return false, err
	}
	return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b, nil
}

// firstTime returns the time of the first of the first few lines that has
// one, for ordering a rotated set.
func firstTime(r io.Reader, p *parse.Parser) time.Time {
	br := bufio.NewReaderSize(r, 64<<10)
	for i := 0; i < 50; i++ {
		line, err := br.ReadSlice('\n')
		if ev := p.Line(line, "", 0); !ev.Time.IsZero() {
			return ev.Time
		}
		if err != nil && err != bufio.ErrBufferFull {
			break
		}
	}
	return time.Time{}
}
