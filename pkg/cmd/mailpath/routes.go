package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/mailpath/mailpath/pkg/route"
	"github.com/mailpath/mailpath/pkg/trace"
)

func newRoutesCmd(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "routes", Short: "Work with route files"}
	cmd.AddCommand(&cobra.Command{
		Use:   "check FILE...",
		Short: "Validate route files; errors give file:line:column",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			for _, path := range args {
				db, err := route.Load(path)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%s: %d route(s), valid\n", path, len(db.Routes))
			}
			return nil
		},
	})
	cmd.AddCommand(newDiscoverCmd())
	return cmd
}

// verdict is a recipient's comparison with its route, for the trace output.
type verdict struct {
	Route    string     `json:"route"`
	Why      string     `json:"route_reason"`
	Verdict  string     `json:"verdict"`
	Sentence string     `json:"sentence"`
	Marks    []jsonMark `json:"marks"`
}

// jsonMark is one step of a comparison: a host of the path and how it
// fared (taken, wrong, dropped, stuck, lost), or a stage missed.
type jsonMark struct {
	Host  string `json:"host,omitempty"`
	Stage string `json:"stage,omitempty"`
	Kind  string `json:"kind"`
}

// judge compares every recipient of the traces with its route. now is when
// waiting ends: the time of the last line read, for logs that end.
func judge(db *route.DB, traces []*trace.Trace, now time.Time) map[*trace.Recipient]verdict {
	out := map[*trace.Recipient]verdict{}
	for r, j := range db.Judge(traces, now) {
		if j.Route == nil {
			out[r] = verdict{Why: "no route matches", Sentence: "no route matches"}
			continue
		}
		v := verdict{Route: j.Route.Name, Why: j.Why, Verdict: string(j.Result.Verdict),
			Sentence: j.Result.Sentence}
		for _, m := range j.Result.Marks {
			v.Marks = append(v.Marks, jsonMark{Host: m.Host, Stage: m.Stage,
				Kind: string(m.Kind)})
		}
		out[r] = v
	}
	return out
}
