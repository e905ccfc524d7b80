package plugintest

import (
	"bytes"
	"sync"
	"testing"
)

// testLog carries what go-plugin logs, including the plugin's own stderr, into the test log,
// line by line, and drops what arrives after close: logging through a finished test panics.
type testLog struct {
	tb testing.TB

	mu     sync.Mutex
	closed bool
}

func newTestLog(tb testing.TB) *testLog {
	return &testLog{tb: tb}
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if !l.closed {
		l.tb.Log(string(bytes.TrimRight(p, "\n")))
	}

	return len(p), nil
}

func (l *testLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()

	l.closed = true
}
