package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mailpath/mailpath/pkg/search"
	"github.com/mailpath/mailpath/pkg/trace"
)

type searchFlags struct {
	source sourceFlags
	hosts  []string
	since  string
	until  string
	from   string
	to     string
	tag    string
	client string
	status string
	limit  int
	json   bool
}

func newSearchCmd(stdout, stderr io.Writer) *cobra.Command {
	var f searchFlags
	cmd := &cobra.Command{
		Use:   "search (--logs FILE... | --loki URL) [--since T] [--until T] [filters]",
		Short: "List the messages of a time range, one row per message, ready to trace",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.source.logs = append(f.source.logs, args...)
			return runSearch(cmd.Context(), f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	f.source.add(fl)
	fl.StringArrayVar(&f.hosts, "entry-host", nil,
		"keep messages that entered on this host (repeatable), e.g. the MX hosts")
	fl.StringVar(&f.since, "since", "1h", "start: RFC 3339, '2026-12-03 10:00', or a duration ago")
	fl.StringVar(&f.until, "until", "", "end, in the same forms (default: now)")
	fl.StringVar(&f.from, "from", "", "envelope sender")
	fl.StringVar(&f.to, "to", "", "envelope recipient, or the alias it came through")
	fl.StringVar(&f.tag, "tag", "", "text in the Subject or the Message-ID")
	fl.StringVar(&f.client, "client", "", "text in the entry hop's client name or address")
	fl.StringVar(&f.status, "status", "", "a recipient's disposition, e.g. bounced, deferred")
	fl.IntVar(&f.limit, "limit", 1000, "most rows to print")
	fl.BoolVar(&f.json, "json", false, "print one JSON object per message, one per line")
	return cmd
}

func runSearch(ctx context.Context, f searchFlags, stdout, stderr io.Writer) error {
	filter, err := f.filter(time.Now())
	if err != nil {
		return err
	}
	src, err := f.source.open()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	res, err := search.Run(ctx, src, filter)
	if err != nil {
		return err
	}
	if res.Unparsed > 0 {
		fmt.Fprintf(stderr, "mailpath: %d line(s) in the range could not be parsed\n",
			res.Unparsed)
	}
	if res.Partial {
		fmt.Fprintf(stderr, "mailpath: the answer is partial: %s\n", res.Reason)
	}
	if res.Matched > len(res.Rows) {
		fmt.Fprintf(stderr, "mailpath: %d messages matched; showing the first %d\n",
			res.Matched, len(res.Rows))
	}
	if len(res.Rows) == 0 {
		return errNoMatch
	}
	if f.json {
		return writeRowsJSON(stdout, res.Rows)
	}
	return writeRowsText(stdout, res.Rows)
}

func (f searchFlags) filter(now time.Time) (search.Filter, error) {
	flt := search.Filter{EntryHosts: f.hosts, From: f.from, To: f.to,
		Tag: f.tag, Client: f.client, Status: trace.Disposition(f.status), Limit: f.limit}
	var err error
	if flt.Since, err = parseWhen(f.since, now); err != nil {
		return flt, fmt.Errorf("reading --since: value=%q: %w", f.since, err)
	}
	if flt.Until, err = parseWhen(f.until, now); err != nil {
		return flt, fmt.Errorf("reading --until: value=%q: %w", f.until, err)
	}
	if f.status != "" && search.Severity(flt.Status) == 0 {
		return flt, fmt.Errorf("reading --status: value=%q: want one of %s", f.status,
			strings.Join(dispositionWords, ", "))
	}
	return flt, nil
}

var dispositionWords = []string{"delivered", "relayed", "deferred", "bounced", "rejected",
	"discarded", "expired", "in_flight"}

// jsonRow is the --json shape of one search row.
type jsonRow struct {
	MessageID  string   `json:"message_id"`
	Subject    string   `json:"subject,omitempty"`
	From       string   `json:"from"`
	First      string   `json:"first"`
	Last       string   `json:"last"`
	Recipients []string `json:"recipients"`
	Worst      string   `json:"worst"`
	Hosts      []string `json:"hosts"`
	Trace      []string `json:"trace"` // the seed flags that trace this message
}

func writeRowsJSON(w io.Writer, rows []search.Row) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		jr := jsonRow{MessageID: r.MessageID, Subject: r.Subject, From: r.From,
			First: stamp(r.First), Last: stamp(r.Last), Recipients: r.Recipients,
			Worst: string(r.Worst), Hosts: r.Hosts, Trace: seedFlags(r.Seed)}
		if err := enc.Encode(jr); err != nil {
			return fmt.Errorf("writing json: %w", err)
		}
	}
	return nil
}

func writeRowsText(w io.Writer, rows []search.Row) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIRST\tFROM\tRECIPIENTS\tWORST\tHOSTS\tTRACE WITH")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t<%s>\t%s\t%s\t%s\t%s\n", r.First.Format("2006-01-02 15:04:05"),
			r.From, cut(strings.Join(r.Recipients, ","), 60), r.Worst,
			strings.Join(r.Hosts, ","), strings.Join(seedFlags(r.Seed), " "))
	}
	return tw.Flush()
}

// seedFlags spells a seed as the trace command's flags.
func seedFlags(s trace.Seed) []string {
	switch {
	case s.QueueID != "":
		return []string{"--queue-id", s.Host + ":" + s.QueueID}
	case s.MessageID != "":
		return []string{"--message-id", s.MessageID}
	case s.To != "":
		return []string{"--to", s.To, "--since", stamp(s.Since), "--until", stamp(s.Until)}
	}
	return nil
}
