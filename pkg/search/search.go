// Package search lists the messages a mail system carried in a time range,
// one row per message, ready to trace.
//
// A search reads every line of the range in one round, correlates them as a
// trace does, and keeps the messages that pass the filter. It needs no seed,
// so it costs a whole pass over the range: bound the range, or expect a
// partial answer from a source that caps its lines.
package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/trace"
)

// Filter says which messages to list. Empty fields match everything; the
// address and text fields match case-insensitively.
type Filter struct {
	// EntryHosts keeps messages that entered the system on one of these
	// hosts (the MX hosts, say).
	EntryHosts []string
	Since      time.Time
	Until      time.Time
	From       string
	To         string // any recipient, or the address an alias expanded from
	Tag        string // in the Subject or the Message-ID
	Client     string // in the entry hop's client name or address
	// Status keeps messages with at least one recipient in this disposition.
	Status trace.Disposition
	// Limit caps the rows, newest first dropped; 0 means 1000.
	Limit int
}

// Row is one message found.
type Row struct {
	MessageID  string
	Subject    string
	From       string
	First      time.Time
	Last       time.Time
	Recipients []string
	// Worst is the worst disposition among the recipients, by [Severity].
	Worst trace.Disposition
	Hosts []string
	// Seed traces exactly this message: its entry hop's queue ID and host,
	// or its Message-ID when the entry hop has none.
	Seed trace.Seed
}

// Result is the outcome of [Run].
type Result struct {
	Rows     []Row
	Matched  int // messages that passed the filter, before Limit
	Partial  bool
	Reason   string
	Unparsed int
}

// Run reads the range from src and lists the messages that pass f.
func Run(ctx context.Context, src logsource.Source, f Filter) (*Result, error) {
	if !f.Since.IsZero() && !f.Until.IsZero() && f.Until.Before(f.Since) {
		return nil, fmt.Errorf("searching: since=%s until=%s: %w",
			f.Since.Format(time.RFC3339), f.Until.Format(time.RFC3339), trace.ErrEmptyWindow)
	}
	r, err := src.Find(ctx, logsource.Query{Terms: []logsource.Term{{}}, Since: f.Since,
		Until: f.Until})
	if err != nil {
		return nil, fmt.Errorf("searching: %w", err)
	}
	f.From, f.To = trace.BareAddr(f.From), trace.BareAddr(f.To)
	res := &Result{Partial: r.Partial, Reason: r.Reason, Unparsed: r.Unparsed}
	for _, t := range trace.Build(r.Events) {
		if f.keeps(t) {
			res.Rows = append(res.Rows, rowOf(t))
		}
	}
	res.Matched = len(res.Rows)
	sort.SliceStable(res.Rows, func(i, j int) bool {
		return res.Rows[i].First.Before(res.Rows[j].First)
	})
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	if len(res.Rows) > limit {
		res.Rows = res.Rows[:limit]
	}
	return res, nil
}

func (f Filter) keeps(t *trace.Trace) bool {
	entry := t.Hops[0]
	switch {
	case len(f.EntryHosts) > 0 && !containsFold(f.EntryHosts, entry.Host):
		return false
	case f.From != "" && !strings.EqualFold(t.From, f.From):
		return false
	case f.To != "" && !hasRecipient(t, f.To):
		return false
	case f.Tag != "" && !containsText(t.Subject, f.Tag) && !containsText(t.MessageID, f.Tag):
		return false
	case f.Client != "" && !containsText(entry.Client, f.Client) &&
		!containsText(entry.ClientAddr, f.Client):
		return false
	case f.Status != "" && !hasStatus(t, f.Status):
		return false
	}
	return true
}

func rowOf(t *trace.Trace) Row {
	row := Row{MessageID: t.MessageID, Subject: t.Subject, From: t.From, First: t.First,
		Last: t.Last}
	for _, r := range t.Recipients {
		row.Recipients = append(row.Recipients, r.Address)
		if Severity(r.Disposition) > Severity(row.Worst) {
			row.Worst = r.Disposition
		}
	}
	for _, h := range t.Hops {
		if !slices.Contains(row.Hosts, h.Host) {
			row.Hosts = append(row.Hosts, h.Host)
		}
	}
	entry := t.Hops[0]
	if entry.QueueID != "" {
		row.Seed = trace.Seed{Host: entry.Host, QueueID: entry.QueueID}
	} else if t.MessageID != "" {
		row.Seed = trace.Seed{MessageID: t.MessageID}
	} else if len(t.Recipients) > 0 {
		row.Seed = trace.Seed{To: t.Recipients[0].Address, Since: t.First, Until: t.Last}
	}
	return row
}

// Severity ranks dispositions from best to worst, for a message's worst
// status: a failure outranks a delay, a delay outranks mail on its way.
func Severity(d trace.Disposition) int {
	switch d {
	case trace.DispositionDelivered, trace.DispositionRelayed:
		return 1
	case trace.DispositionInFlight:
		return 2
	case trace.DispositionDeferred:
		return 3
	case trace.DispositionDiscarded:
		return 4
	case trace.DispositionExpired, trace.DispositionBounced, trace.DispositionRejected:
		return 5
	}
	return 0
}

func hasRecipient(t *trace.Trace, addr string) bool {
	for _, r := range t.Recipients {
		if strings.EqualFold(r.Address, addr) || strings.EqualFold(r.OrigTo, addr) {
			return true
		}
	}
	return false
}

func hasStatus(t *trace.Trace, d trace.Disposition) bool {
	for _, r := range t.Recipients {
		if r.Disposition == d {
			return true
		}
	}
	return false
}

func containsFold(list []string, v string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, v) })
}

func containsText(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
