package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/route"
	"github.com/mailpath/mailpath/pkg/trace"
)

type discoverFlags struct {
	source   sourceFlags
	since    string
	until    string
	coverage float64
	byEntry  bool
	out      string
}

// newDiscoverCmd is routes discover. It writes to the command's own output
// and error streams, which the root sets.
func newDiscoverCmd() *cobra.Command {
	var f discoverFlags
	cmd := &cobra.Command{
		Use: "discover (--logs FILE... | --loki URL) [--since T] [--until T] " +
			"[--coverage 0.99] [--out FILE]",
		Short: "Propose routes from the paths mail took in a time range",
		Long: "Reads every message of the range, groups recipients by class (their domain, " +
			"or outside for relayed mail), prints each class's paths with counts and shares, " +
			"and writes routes covering --coverage of each class as a route file. The table " +
			"goes to stdout with --out, else to stderr and the routes to stdout.",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.source.logs = append(f.source.logs, args...)
			return runDiscover(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	f.source.add(fl)
	fl.StringVar(&f.since, "since", "24h",
		"start: RFC 3339, '2026-12-03 10:00', or a duration ago")
	fl.StringVar(&f.until, "until", "", "end, in the same forms (default: now)")
	fl.Float64Var(&f.coverage, "coverage", 0.99,
		"share of each class's recipients the routes must cover, above 0 and at most 1")
	fl.BoolVar(&f.byEntry, "by-entry-host", false, "give each entry host routes of its own")
	fl.StringVar(&f.out, "out", "", "write the routes to this file instead of stdout")
	return cmd
}

func runDiscover(ctx context.Context, f discoverFlags, stdout, stderr io.Writer) error {
	if f.coverage <= 0 || f.coverage > 1 {
		return fmt.Errorf("reading --coverage: value=%g: want above 0 and at most 1", f.coverage)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	traces, err := readRange(ctx, f, stderr)
	if err != nil {
		return err
	}
	d := route.Discover(traces, route.DiscoverOptions{ByEntryHost: f.byEntry})
	if len(d.Classes) == 0 {
		return errNoMatch
	}
	table := stderr
	if f.out != "" {
		table = stdout
	}
	if err := writeDiscovery(table, d, f.coverage); err != nil {
		return err
	}
	return writeProposal(d, f, stdout)
}

// readRange reads every line of the range, as search does, and builds the
// traces; it warns on stderr of unparsed lines and a partial answer.
func readRange(ctx context.Context, f discoverFlags, stderr io.Writer) ([]*trace.Trace, error) {
	now := time.Now()
	since, err := parseWhen(f.since, now)
	if err != nil {
		return nil, fmt.Errorf("reading --since: value=%q: %w", f.since, err)
	}
	until, err := parseWhen(f.until, now)
	if err != nil {
		return nil, fmt.Errorf("reading --until: value=%q: %w", f.until, err)
	}
	src, err := f.source.open()
	if err != nil {
		return nil, err
	}
	r, err := src.Find(ctx, logsource.Query{Terms: []logsource.Term{{}}, Since: since,
		Until: until})
	if err != nil {
		return nil, fmt.Errorf("discovering routes: %w", err)
	}
	if r.Unparsed > 0 {
		fmt.Fprintf(stderr, "mailpath: %d line(s) in the range could not be parsed\n",
			r.Unparsed)
	}
	if r.Partial {
		fmt.Fprintf(stderr, "mailpath: the answer is partial, so are the paths: %s\n", r.Reason)
	}
	return trace.Build(r.Events), nil
}

// writeDiscovery prints every class's paths, a row each.
func writeDiscovery(w io.Writer, d route.Discovery, coverage float64) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLASS\tPATH\tCOUNT\tSHARE\tDISPOSITIONS\tKEPT")
	for _, c := range d.Classes {
		kept := len(c.Kept(coverage))
		for i, p := range c.Paths {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f%%\t%s\t%s\n", c.Name, route.PathText(p.Hosts),
				p.Count, 100*p.Share, dispositions(p.Dispositions), yesNo(i < kept))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the path table: %w", err)
	}
	if d.Pending > 0 {
		fmt.Fprintf(w, "%d recipient(s) still deferred or in flight were left out\n", d.Pending)
	}
	if d.Unnamed > 0 {
		fmt.Fprintf(w, "%d recipient(s) with no address or path were left out\n", d.Unnamed)
	}
	return nil
}

func dispositions(ds map[trace.Disposition]int) string {
	var parts []string
	for _, d := range dispositionWords {
		if n := ds[trace.Disposition(d)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", d, n))
		}
	}
	return strings.Join(parts, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func writeProposal(d route.Discovery, f discoverFlags, stdout io.Writer) error {
	db := route.Propose(d, f.coverage)
	if len(db.Routes) == 0 {
		return fmt.Errorf("proposing routes: no class ended delivered, relayed or rejected")
	}
	out, err := d.YAML(db, f.coverage)
	if err != nil {
		return err
	}
	head := fmt.Sprintf("# Proposed by mailpath routes discover at coverage %g: review the "+
		"stages, add max_wait, and rename the routes.\n", f.coverage)
	out = append([]byte(head), out...)
	if f.out == "" {
		_, err = stdout.Write(out)
		return err
	}
	if err := os.WriteFile(f.out, out, 0o644); err != nil {
		return fmt.Errorf("writing routes: path=%s: %w", f.out, err)
	}
	return nil
}
