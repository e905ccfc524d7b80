// Command mailpath traces mail through a system of many mail servers from
// their aggregated syslog.
//
//	mailpath trace --logs /var/log/mail.log --message-id '<id@example.com>'
//
// Exit status: 0 when a trace matched, 1 when nothing did, 2 for bad usage
// or unreadable input, 130 when interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitMatched   = 0
	exitNoMatch   = 1
	exitBadInput  = 2
	exitInterrupt = 130
)

// errNoMatch makes the command exit 1 after saying so.
var errNoMatch = errors.New("no message matched")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	root := &cobra.Command{
		Use:           "mailpath",
		Short:         "Trace mail across many mail servers from their aggregated syslog",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newTraceCmd(stdout, stderr), newSearchCmd(stdout, stderr),
		newRoutesCmd(stdout))
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	switch {
	case err == nil:
		return exitMatched
	case errors.Is(err, errNoMatch):
		fmt.Fprintln(stderr, "mailpath:", err)
		return exitNoMatch
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "mailpath: interrupted")
		return exitInterrupt
	default:
		fmt.Fprintln(stderr, "mailpath:", err)
		return exitBadInput
	}
}
