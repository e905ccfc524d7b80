package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/loki/lokitest"
)

// TestSearchRowsAreReadyToTrace searches the recorded lab for messages with a
// deferred or bounced recipient, then traces each row with the flags the row
// gives, and checks the trace against the key.
func TestSearchRowsAreReadyToTrace(t *testing.T) {
	logPath := filepath.Join(recorded, "mail-rfc5424.log")
	srv := lokitest.NewServer(t, lokitest.Options{})
	srv.PushSyslogFile(t, "", logPath)
	for name, source := range map[string][]string{
		"files": {"--logs", logPath},
		"loki":  {"--loki", srv.URL},
	} {
		t.Run(name, func(t *testing.T) { searchThenTrace(t, source) })
	}
}

func searchThenTrace(t *testing.T, source []string) {
	key := recordedKey(t)
	for _, status := range []string{"deferred", "bounced"} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"search", "--json", "--since", "2026-12-01T00:00:00Z",
			"--until", "2026-12-04T00:00:00Z", "--status", status}, source...)
		code := run(args, &stdout, &stderr)
		require.Equal(t, exitMatched, code, stderr.String())
		dec := json.NewDecoder(&stdout)
		n := 0
		for dec.More() {
			var row jsonRow
			require.NoError(t, dec.Decode(&row))
			require.Equal(t, status, row.Worst)
			got := traceFrom(t, source, row.Trace...)
			sc := scenarioByID(t, key, got[0].MessageID)
			checkScenario(t, key, sc, got)
			n++
		}
		require.Positive(t, n)
	}
}

func TestSearchRefusesAnUnknownStatus(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"search", "--logs", filepath.Join(recorded, "mail-rfc5424.log"),
		"--status", "lost"}, &stdout, &stderr)
	require.Equal(t, exitBadInput, code)
	require.Contains(t, stderr.String(), "--status")
}

// traceFrom runs trace --json with the given source flags.
func traceFrom(t *testing.T, source []string, seed ...string) []jsonTrace {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := append(append([]string{"trace", "--json", "--tz", "UTC", "--since",
		"2026-12-01T00:00:00Z"}, source...), seed...)
	require.Equal(t, exitMatched, run(args, &stdout, &stderr), "stderr: %s", stderr.String())
	return decodeTraces(t, &stdout)
}
