package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/loki/lokitest"
)

// TestTraceFromLoki pushes the recorded lab into a Loki that speaks Loki's
// wire format and traces every accepted scenario through --loki: each must
// come out as the key says, as from the files.
func TestTraceFromLoki(t *testing.T) {
	key := recordedKey(t)
	srv := lokitest.NewServer(t, lokitest.Options{Tenants: true})
	srv.PushSyslogFile(t, "mail", filepath.Join(recorded, "mail-rfc5424.log"))
	for _, sc := range key.Scenarios {
		for _, seed := range seedsFor(sc) {
			t.Run(sc.Name+"/"+seed[0], func(t *testing.T) {
				got := traceFrom(t, []string{"--loki", srv.URL, "--tenant", "mail"}, seed...)
				checkScenario(t, key, sc, got)
			})
		}
	}
}

func TestLokiErrorsAreNamed(t *testing.T) {
	srv := lokitest.NewServer(t, lokitest.Options{Tenants: true})
	var stdout, stderr bytes.Buffer
	code := run([]string{"trace", "--loki", srv.URL, "--message-id", "<a@b>"}, &stdout, &stderr)
	require.Equal(t, exitBadInput, code)
	require.Contains(t, stderr.String(), "no org id")
	require.Contains(t, stderr.String(), "loki")
	code = run([]string{"trace", "--loki", "ftp://x", "--message-id", "<a@b>"}, &stdout, &stderr)
	require.Equal(t, exitBadInput, code)
	code = run([]string{"trace", "--loki", srv.URL, "--logs", "x.log", "--message-id", "<a@b>"},
		&stdout, &stderr)
	require.Equal(t, exitBadInput, code)
	require.Contains(t, stderr.String(), "both --logs and --loki")
}
