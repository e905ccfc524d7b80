package file

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/logsource"
)

// synthLine writes a Postfix-shaped line whose content says which line it
// is, so a test knows each hit's true line number without the code under
// test.
func synthLine(n int, t time.Time) string {
	return fmt.Sprintf("%s mx%d postfix/qmgr[%d]: %010X: from=<u%d@example.com>, size=%d, "+
		"nrcpt=1 (queue active)\n", t.Format(time.Stamp), n%3, 100+n%7, n, n, n)
}

func writeLog(t *testing.T, dir, name string, from, to int, start time.Time, gz bool) string {
	t.Helper()
	var b bytes.Buffer
	for n := from; n < to; n++ {
		b.WriteString(synthLine(n, start.Add(time.Duration(n)*time.Second)))
	}
	data := b.Bytes()
	if gz {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		_, err := w.Write(data)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		data = z.Bytes()
	}
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	end := start.Add(time.Duration(to) * time.Second)
	require.NoError(t, os.Chtimes(p, end, end))
	return p
}

var start = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func find(t *testing.T, s *Source, q logsource.Query) logsource.Result {
	t.Helper()
	res, err := s.Find(context.Background(), q)
	require.NoError(t, err)
	return res
}

func TestFindKeepsLineNumbersAcrossChunksAndWorkers(t *testing.T) {
	dir := t.TempDir()
	p := writeLog(t, dir, "mail.log", 1, 20001, start, false)
	cases := []struct {
		name    string
		opt     Options
		wantSet []int
	}{
		{"one worker with a big buffer", Options{Workers: 1}, []int{7, 9999, 20000}},
		{"small buffers split lines at every chunk edge",
			Options{Workers: 1, ChunkSize: 1000}, []int{1, 7, 9999, 20000}},
		{"four workers", Options{Workers: 4, ChunkSize: 4096}, []int{2, 5001, 15000, 19999}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.Location = time.UTC
			s, err := Open([]string{p}, tc.opt)
			require.NoError(t, err)
			var terms []logsource.Term
			for _, n := range tc.wantSet {
				terms = append(terms, logsource.Term{QueueID: fmt.Sprintf("%010X", n)})
			}
			res := find(t, s, logsource.Query{Terms: terms})
			require.Len(t, res.Events, len(tc.wantSet))
			for i, ev := range res.Events {
				require.Equal(t, int64(tc.wantSet[i]), ev.LineNo)
				require.Contains(t, ev.Line, fmt.Sprintf("from=<u%d@", tc.wantSet[i]))
			}
		})
	}
}

func TestFindSplitsWorkOverLargeFiles(t *testing.T) {
	// splitRange only splits ranges over 64 MiB; check its cut points directly.
	dir := t.TempDir()
	p := writeLog(t, dir, "mail.log", 1, 3000, start, false)
	fh, err := os.Open(p)
	require.NoError(t, err)
	defer fh.Close()
	st, _ := fh.Stat()
	bounds, err := splitRange(fh, 0, st.Size(), 4)
	require.NoError(t, err)
	require.Equal(t, []int64{0, st.Size()}, bounds, "small files stay in one range")
}

func TestFindReadsRotatedSetsInTimeOrder(t *testing.T) {
	dir := t.TempDir()
	old := writeLog(t, dir, "mail.log.2.gz", 1, 100, start, true)
	mid := writeLog(t, dir, "mail.log.1", 100, 200, start, false)
	cur := writeLog(t, dir, "mail.log", 200, 300, start, false)
	s, err := Open([]string{cur, old, mid}, Options{Location: time.UTC})
	require.NoError(t, err)
	require.Equal(t, []string{old, mid, cur}, s.Files())
	res := find(t, s, logsource.Query{Terms: []logsource.Term{{Text: "size=5,"},
		{Text: "size=150,"}, {Text: "size=250,"}}})
	require.Len(t, res.Events, 3)
	require.Equal(t, []string{old, mid, cur},
		[]string{res.Events[0].Source, res.Events[1].Source, res.Events[2].Source})
	require.Equal(t, int64(5), res.Events[0].LineNo)
	require.Equal(t, int64(51), res.Events[1].LineNo)
}

func TestFindHonoursHostAndTimeWindow(t *testing.T) {
	dir := t.TempDir()
	p := writeLog(t, dir, "mail.log", 1, 5000, start, false)
	s, err := Open([]string{p}, Options{Location: time.UTC, ChunkSize: 2048})
	require.NoError(t, err)
	all := find(t, s, logsource.Query{Terms: []logsource.Term{{Text: "qmgr"}}})
	require.Len(t, all.Events, 4999)
	// A second round with Since starts from a checkpoint, and must still
	// give exactly the lines inside the window with their true numbers.
	since := start.Add(4000 * time.Second)
	res := find(t, s, logsource.Query{Since: since,
		Terms: []logsource.Term{{Host: "mx1", Text: "qmgr"}}})
	for _, ev := range res.Events {
		require.Equal(t, "mx1", ev.Host)
		require.False(t, ev.Time.Before(since))
		n := int(ev.LineNo)
		require.Contains(t, ev.Line, fmt.Sprintf("from=<u%d@", n))
	}
	require.Len(t, res.Events, 334, "lines 4000, 4003, ... 4999 are on mx1")
}

func TestFindKeepsBrokenLinesAsUnparsed(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 5000)
	lines := "Dec  3 10:11:12 mx1 postfix/cleanup[1]: 4F2A1C0123: message-id=<a@b>\n" +
		"\x00\x01\xffbinary <a@b> junk\n" +
		"Dec  3 10:11:1\n" + // truncated, no needle
		"garbage " + long + " <a@b>" + long + "\n" +
		"Dec  3 10:11:13 mx1 postfix/qmgr[2]: 4F2A1C0123: removed\n" +
		"<a@b> truncated last line without newline"
	p := filepath.Join(dir, "mail.log")
	require.NoError(t, os.WriteFile(p, []byte(lines), 0o644))
	s, err := Open([]string{p}, Options{Location: time.UTC, ChunkSize: 1024, Workers: 1})
	require.NoError(t, err)
	res := find(t, s, logsource.Query{Terms: []logsource.Term{{Text: "<a@b>"}}})
	var kinds []event.Kind
	var nums []int64
	for _, ev := range res.Events {
		kinds = append(kinds, ev.Kind)
		nums = append(nums, ev.LineNo)
	}
	require.Equal(t, []event.Kind{event.KindMessageID, event.KindUnparsed, event.KindUnparsed,
		event.KindUnparsed}, kinds)
	require.Equal(t, []int64{1, 2, 4, 6}, nums)
	require.Equal(t, 3, res.Unparsed)
}

func TestOpenNamesTheBadPath(t *testing.T) {
	dir := t.TempDir()
	_, err := Open([]string{filepath.Join(dir, "missing.log")}, Options{})
	require.ErrorContains(t, err, "missing.log")
	_, err = Open([]string{dir}, Options{})
	require.ErrorIs(t, err, ErrNotRegular)
	_, err = Open(nil, Options{})
	require.ErrorIs(t, err, ErrNoFiles)
	bad := filepath.Join(dir, "bad.gz")
	require.NoError(t, os.WriteFile(bad, []byte{0x1f, 0x8b, 0, 0}, 0o644))
	_, err = Open([]string{bad}, Options{})
	require.ErrorContains(t, err, "bad.gz")
}

// TestDamagedGzipIsPartial cuts a gzip file short and flips a byte in
// another: the lines before the damage are still read, and the answer says
// it is partial, naming the file.
func TestDamagedGzipIsPartial(t *testing.T) {
	dir := t.TempDir()
	p := writeLog(t, dir, "whole.gz", 1, 20000, start, true)
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	cut := filepath.Join(dir, "cut.gz")
	require.NoError(t, os.WriteFile(cut, data[:len(data)/2], 0o644))
	flipped := filepath.Join(dir, "flipped.gz")
	bad := bytes.Clone(data)
	bad[len(bad)*3/4] ^= 0xff
	require.NoError(t, os.WriteFile(flipped, bad, 0o644))
	for _, path := range []string{cut, flipped} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			s, err := Open([]string{path}, Options{Location: time.UTC})
			require.NoError(t, err)
			res := find(t, s, logsource.Query{Terms: []logsource.Term{{Text: "from=<u5@"}}})
			require.True(t, res.Partial)
			require.Contains(t, res.Reason, filepath.Base(path))
			require.Contains(t, res.Reason, "stopped after line")
			require.Len(t, res.Events, 1, "line 5 is before the damage")
			require.Equal(t, int64(5), res.Events[0].LineNo)
		})
	}
}

func TestCRLFAndRepeatedPaths(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "crlf.log")
	line := "Dec  3 10:11:12 mx1 postfix/cleanup[1]: 4F2A1C0123: message-id=<a@b>"
	require.NoError(t, os.WriteFile(p, []byte(line+"\r\n"), 0o644))
	s, err := Open([]string{p, p, filepath.Join(dir, ".", "crlf.log")}, Options{Location: time.UTC})
	require.NoError(t, err)
	require.Len(t, s.Files(), 1, "one file named three ways is read once")
	res := find(t, s, logsource.Query{Terms: []logsource.Term{{Text: "<a@b>"}}})
	require.Len(t, res.Events, 1)
	require.Equal(t, line, res.Events[0].Line)
	require.Equal(t, "<a@b>", res.Events[0].MessageID)
}
