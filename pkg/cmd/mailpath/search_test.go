package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSearchRowsAreReadyToTrace searches the recorded lab for messages with a
// deferred or bounced recipient, then traces each row with the flags the row
// gives, and checks the trace against the key.
func TestSearchRowsAreReadyToTrace(t *testing.T) {
	key := recordedKey(t)
	logPath := filepath.Join(recorded, "mail-rfc5424.log")
	for _, status := range []string{"deferred", "bounced"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"search", "--json", "--logs", logPath, "--since", "2000-01-01",
			"--status", status}, &stdout, &stderr)
		require.Equal(t, exitMatched, code, stderr.String())
		dec := json.NewDecoder(&stdout)
		n := 0
		for dec.More() {
			var row jsonRow
			require.NoError(t, dec.Decode(&row))
			require.Equal(t, status, row.Worst)
			got := traceJSON(t, logPath, row.Trace...)
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
