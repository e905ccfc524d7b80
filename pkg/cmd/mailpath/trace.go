package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mailpath/mailpath/pkg/route"
	"github.com/mailpath/mailpath/pkg/trace"
)

type traceFlags struct {
	source    sourceFlags
	messageID string
	queueID   string
	from      string
	to        string
	tag       string
	since     string
	until     string
	json      bool
	routes    string
}

func newTraceCmd(stdout, stderr io.Writer) *cobra.Command {
	var f traceFlags
	cmd := &cobra.Command{
		Use: "trace --logs FILE... (--message-id ID | --queue-id HOST:QID | --from ADDR |" +
			" --to ADDR | --tag TEXT)",
		Short: "Follow one message (or every message a seed names) through the logs",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.source.logs = append(f.source.logs, args...)
			return runTrace(cmd.Context(), f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	f.source.add(fl)
	fl.StringVar(&f.messageID, "message-id", "", "seed: a Message-ID, with or without <>")
	fl.StringVar(&f.queueID, "queue-id", "", "seed: a queue ID with its host, HOST:QID")
	fl.StringVar(&f.from, "from", "", "seed: an envelope sender ('<>' for bounces)")
	fl.StringVar(&f.to, "to", "", "seed: an envelope recipient")
	fl.StringVar(&f.tag, "tag", "", "seed: text in the subject, Message-ID or a line")
	fl.StringVar(&f.since, "since", "",
		"start of the window: RFC 3339, '2026-12-03 10:00' (local), or a duration ago (2h)")
	fl.StringVar(&f.until, "until", "", "end of the window, in the same forms as --since")
	fl.BoolVar(&f.json, "json", false, "print one JSON object per trace, one per line")
	fl.StringVar(&f.routes, "routes", "",
		"route file: compare each recipient's path with its route and give the verdict")
	return cmd
}

func runTrace(ctx context.Context, f traceFlags, stdout, stderr io.Writer) error {
	seed, err := f.seed(time.Now())
	if err != nil {
		return err
	}
	var db *route.DB
	if f.routes != "" {
		if db, err = route.Load(f.routes); err != nil {
			return err
		}
	}
	src, err := f.source.open()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	res, err := trace.Run(ctx, src, seed, trace.Options{})
	if err != nil {
		return err
	}
	reportInput(stderr, res)
	if len(res.Traces) == 0 {
		return errNoMatch
	}
	var verdicts map[*trace.Recipient]verdict
	if db != nil {
		now := route.LastLine(res.Traces)
		if f.source.loki.url != "" {
			now = time.Now()
		}
		verdicts = judge(db, res.Traces, now)
	}
	if f.json {
		return writeJSON(stdout, res, verdicts)
	}
	return writeText(stdout, res, verdicts)
}

func (f traceFlags) seed(now time.Time) (trace.Seed, error) {
	// Spaces around a seed are no part of it, as in the data source's query: a blank --tag
	// would otherwise match every message.
	s := trace.Seed{MessageID: strings.TrimSpace(f.messageID), From: strings.TrimSpace(f.from),
		To: strings.TrimSpace(f.to), Tag: strings.TrimSpace(f.tag)}
	if f.queueID != "" {
		host, qid, _ := strings.Cut(f.queueID, ":")
		switch {
		case qid == "" && host != "" && strings.Contains(f.queueID, ":"):
			return s, fmt.Errorf("reading --queue-id: value=%q: %w", f.queueID,
				trace.ErrHostNeedsQueueID)
		case host == "" || qid == "":
			return s, fmt.Errorf("reading --queue-id: value=%q: %w", f.queueID,
				trace.ErrQueueIDNeedsHost)
		}
		s.Host, s.QueueID = host, qid
	}
	var err error
	if s.Since, err = parseWhen(f.since, now); err != nil {
		return s, fmt.Errorf("reading --since: value=%q: %w", f.since, err)
	}
	if s.Until, err = parseWhen(f.until, now); err != nil {
		return s, fmt.Errorf("reading --until: value=%q: %w", f.until, err)
	}
	if err = s.Validate(); errors.Is(err, trace.ErrEmptyMessageID) {
		err = fmt.Errorf("reading --message-id: %w", err)
	}
	return s, err
}

// parseWhen reads an RFC 3339 time, a date and time without zone (taken as
// local), or a duration before now.
func parseWhen(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05",
		"2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("want an RFC 3339 time or a duration such as 2h")
}

// reportInput tells on stderr what could not be read: unparsed lines among
// those the trace needed, and any part of the logs left out.
func reportInput(w io.Writer, res *trace.Result) {
	if n := len(res.Unparsed); n > 0 {
		fmt.Fprintf(w, "mailpath: %d line(s) could not be parsed and are kept as unparsed:\n", n)
		for i, ev := range res.Unparsed {
			if i == 10 {
				fmt.Fprintf(w, "  ... and %d more\n", n-10)
				break
			}
			fmt.Fprintf(w, "  %s:%d: %s\n", ev.Source, ev.LineNo, ev.Err)
		}
	}
	if res.Partial {
		fmt.Fprintf(w, "mailpath: the answer is partial: %s\n", strings.Join(res.Reasons, "; "))
	}
}
