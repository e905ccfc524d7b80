package lokitest

import (
	"bufio"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mailpath/mailpath/pkg/syslog"
)

// PushSyslogFile pushes every line of an aggregated syslog file into tenant
// the way the shipped Alloy and promtail configs store mail logs: the
// syslog MSG as the line, the host and program tag as the labels host and
// app, job="syslog", and the PID as structured metadata pid. RFC 3164 stamps
// are read as UTC. A line that is not a syslog frame is skipped, as a
// receiver drops it, and counted in the result.
func (s *Server) PushSyslogFile(tb testing.TB, tenant, path string) (skipped int) {
	tb.Helper()
	fh, err := os.Open(path)
	if err != nil {
		tb.Fatalf("pushing syslog file: path=%s: %v", path, err)
	}
	defer fh.Close()
	p := syslog.NewParser(time.Now(), time.UTC)
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		h, msg, err := p.Split(sc.Bytes())
		if err != nil {
			skipped++
			continue
		}
		var md map[string]string
		if h.PID > 0 {
			md = map[string]string{"pid": strconv.Itoa(h.PID)}
		}
		s.Push(tenant, map[string]string{"job": "syslog", "host": h.Host, "app": h.Tag},
			Entry{Time: h.Time, Line: msg, Metadata: md})
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("pushing syslog file: path=%s: %v", path, err)
	}
	return skipped
}
