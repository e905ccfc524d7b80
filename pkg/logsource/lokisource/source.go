// Package lokisource is the Loki log source: it answers the engine's query
// rounds with LogQL over Loki's HTTP API.
//
// Request bound. A round costs at most two LogQL queries, whatever the
// number of terms: one stream selector with a single line filter naming
// every text and queue ID of the round (`|= "a" or "b" ...`), and, when
// the round asks for smtpd sessions (the entry host's), one selector over
// the smtpd and postscreen streams of the hosts concerned, in the sessions'
// time window, with a label filter on the PID metadata (`| pid=~"812|977"`).
// A trace makes at most trace.Options.MaxRounds rounds; a Message-ID seed
// makes three (the seed, the queue IDs, the sessions) plus one when a copy
// is still open at the follow-up window's end, and one per kind of copy
// that carries an ID of its own (a bounce notification). None of this grows
// with the number of hops. Each query is one HTTP request per page of at
// most the client's MaxEntries lines and per piece of a range longer than
// the server's maximum query length, plus retries.
//
// Lines from Loki are bare syslog messages with the host and program in
// labels and the PID in structured metadata, as the shipped ingestion
// configs store them; whole syslog lines (a receiver that keeps the frame)
// are read too.
package lokisource

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/loki"
	"github.com/mailpath/mailpath/pkg/parse"
)

// Labels names the Loki labels that carry a line's host, program and job,
// and the structured metadata key of its PID.
type Labels struct {
	Host    string
	Program string
	Job     string
	PID     string
}

// DefaultLabels are the names the shipped Alloy and promtail configs write.
var DefaultLabels = Labels{Host: "host", Program: "app", Job: "job", PID: "pid"}

// Options tune a [Source]. The zero value uses [DefaultLabels], reads the
// last 24 hours when a query has no start, and caps a query at 100,000 lines.
type Options struct {
	Labels Labels
	// Job, when set, narrows every selector to this job label value.
	Job string
	// Window is how far back a query without a start reaches.
	Window time.Duration
	// MaxLines caps the lines one query may bring; past it the answer is
	// partial.
	MaxLines int
	// Now is the clock (tests set it); nil means time.Now.
	Now func() time.Time
}

// Querier is the part of a Loki client the source uses.
type Querier interface {
	QueryRange(ctx context.Context, query string, start, end time.Time,
		maxLines int) (loki.Result, error)
}

// Source reads mail log lines from Loki. It serves one caller at a time.
type Source struct {
	q      Querier
	opt    Options
	framed *parse.Parser // for lines that kept their syslog frame
}

var _ logsource.Source = (*Source)(nil)

// New returns a source reading through q.
func New(q Querier, opt Options) (*Source, error) {
	if opt.Labels == (Labels{}) {
		opt.Labels = DefaultLabels
	}
	for name, v := range map[string]string{"host": opt.Labels.Host,
		"program": opt.Labels.Program} {
		if v == "" {
			return nil, fmt.Errorf("configuring loki source: %s label: %w", name, ErrNoLabel)
		}
	}
	if opt.Window <= 0 {
		opt.Window = 24 * time.Hour
	}
	if opt.MaxLines <= 0 {
		opt.MaxLines = 100_000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Source{q: q, opt: opt}, nil
}

// Find answers one round with at most two LogQL queries.
func (s *Source) Find(ctx context.Context, q logsource.Query) (logsource.Result, error) {
	var res logsource.Result
	start, end := s.window(q)
	for _, lq := range s.plan(q) {
		from, to := maxTime(start, lq.since), minTime(end, lq.until)
		if !from.Before(to) {
			// A follow-up window that starts after now holds nothing yet;
			// Loki would refuse it as a bad range.
			continue
		}
		r, err := s.q.QueryRange(ctx, lq.query, from, to, s.opt.MaxLines)
		res.Waited += r.Waited
		if err != nil {
			return res, fmt.Errorf("loki source: query=%q: %w", lq.query, err)
		}
		if r.Partial {
			res.Partial = true
			res.Reason = strings.TrimPrefix(res.Reason+"; "+r.Reason, "; ")
		}
		s.keep(&res, r.Entries, q)
	}
	return res, nil
}

// window turns the query's open bounds into Loki's: Loki needs both.
func (s *Source) window(q logsource.Query) (time.Time, time.Time) {
	end := q.Until
	if end.IsZero() {
		end = s.opt.Now()
	}
	start := q.Since
	if start.IsZero() {
		start = end.Add(-s.opt.Window)
	}
	// Loki's end is exclusive, the engine's inclusive.
	return start, end.Add(time.Nanosecond)
}

func (s *Source) keep(res *logsource.Result, entries []loki.Entry, q logsource.Query) {
	for _, e := range entries {
		ev := s.event(e)
		if !q.Wants(&ev) {
			continue
		}
		if ev.Kind == event.KindUnparsed {
			res.Unparsed++
		}
		res.Events = append(res.Events, ev)
	}
}

// event parses one Loki entry: a bare message with its header in labels and
// metadata, or a whole syslog line.
func (s *Source) event(e loki.Entry) event.Event {
	if looksFramed(e.Line) {
		if s.framed == nil {
			s.framed = parse.New(s.opt.Now(), time.UTC)
		}
		ev := s.framed.Line([]byte(e.Line), "loki", 0)
		if ev.Kind != event.KindUnparsed {
			ev.Source = "loki"
			return ev
		}
	}
	host, tag := e.Labels[s.opt.Labels.Host], e.Labels[s.opt.Labels.Program]
	pidText := e.Metadata[s.opt.Labels.PID]
	if pidText == "" {
		pidText = e.Labels[s.opt.Labels.PID]
	}
	pid, _ := strconv.Atoi(pidText)
	ev := parse.Bare(e.Time, host, tag, pid, e.Line)
	ev.Source = "loki"
	if host == "" || tag == "" {
		ev.Kind = event.KindUnparsed
		ev.Err = fmt.Sprintf("loki entry lacks the %q or %q label", s.opt.Labels.Host,
			s.opt.Labels.Program)
	}
	return ev
}

// looksFramed tells a line that still has its syslog frame: RFC 5424's
// "<pri>1 ", an ISO 8601 stamp ("2026-"), or an RFC 3164 one ("Dec  3 10:11:12").
// It only looks at a few bytes: it runs on every line Loki returns.
func looksFramed(line string) bool {
	if len(line) < 16 {
		return false
	}
	switch {
	case line[0] == '<':
		return true
	case isDigit(line[0]) && line[4] == '-':
		return true
	}
	return isUpper(line[0]) && line[3] == ' ' && (line[4] == ' ' || isDigit(line[4])) &&
		isDigit(line[5]) && line[6] == ' ' && line[9] == ':' && line[12] == ':'
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }

// lokiQuery is one LogQL query of a round, with its own window when it has
// a narrower one than the round's.
type lokiQuery struct {
	query        string
	since, until time.Time
}

// plan turns a round's terms into at most two LogQL queries.
func (s *Source) plan(q logsource.Query) []lokiQuery {
	var out []lokiQuery
	var needles, pids []string
	var needleHosts, sessionHosts []string
	needleAnyHost, all := false, false
	var ss, su time.Time
	for _, t := range q.Terms {
		switch {
		case t.PID > 0:
			sessionHosts = append(sessionHosts, t.Host)
			pids = append(pids, strconv.Itoa(t.PID))
			ss, su = widen(ss, su, t.Since, t.Until)
		case t.All():
			all = true
			needleHosts = append(needleHosts, t.Host)
			needleAnyHost = needleAnyHost || t.Host == ""
		default:
			needles = append(needles, firstNonEmpty(t.Text, t.QueueID))
			needleHosts = append(needleHosts, t.Host)
			needleAnyHost = needleAnyHost || t.Host == ""
		}
	}
	if len(needles) > 0 || all {
		sel := s.selector(hostsOrNone(needleHosts, needleAnyHost), nil)
		if !all {
			sel += " " + loki.ContainsAny(dedupe(needles)...)
		}
		out = append(out, lokiQuery{query: sel})
	}
	if len(sessionHosts) > 0 {
		out = append(out, lokiQuery{query: s.sessionQuery(dedupe(sessionHosts), dedupe(pids)),
			since: ss, until: su.Add(time.Nanosecond)})
	}
	return out
}

// sessionNeedles are the smtpd and postscreen lines a session round needs:
// the rejects that carry no queue ID, and the session's bounds (connect,
// disconnect, lost connection, timeout). The hop's own lines come by queue ID.
var sessionNeedles = []string{"NOQUEUE", "connect from", "CONNECT from", "lost connection",
	"timeout after"}

// sessionQuery asks for those lines of the given processes on the given
// hosts. The PID is structured metadata, so a label filter picks the
// processes; a PID shared by two of the hosts brings some lines too many,
// which the terms' own host check drops.
func (s *Source) sessionQuery(hosts, pids []string) string {
	programs := labels.MustNewMatcher(labels.MatchRegexp, s.opt.Labels.Program,
		".*/(smtpd|postscreen)")
	return s.selector(hosts, programs) + " " + loki.ContainsAny(sessionNeedles...) + " | " +
		s.opt.Labels.PID + "=~" + loki.Quote(strings.Join(pids, "|"))
}

// selector builds the stream selector: the job when configured, the hosts
// when the terms name them all, and extra.
func (s *Source) selector(hosts []string, extra *labels.Matcher) string {
	var ms []*labels.Matcher
	if s.opt.Job != "" && s.opt.Labels.Job != "" {
		ms = append(ms, labels.MustNewMatcher(labels.MatchEqual, s.opt.Labels.Job, s.opt.Job))
	}
	if len(hosts) > 0 {
		ms = append(ms, loki.HostsMatcher(s.opt.Labels.Host, hosts))
	}
	if extra != nil {
		ms = append(ms, extra)
	}
	if len(ms) == 0 {
		// Loki refuses a selector that matches the empty label set.
		ms = append(ms, labels.MustNewMatcher(labels.MatchRegexp, s.opt.Labels.Host, ".+"))
	}
	return loki.Selector(ms...)
}

func hostsOrNone(hosts []string, any bool) []string {
	if any {
		return nil
	}
	return dedupe(hosts)
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func widen(since, until, s, u time.Time) (time.Time, time.Time) {
	if since.IsZero() || s.Before(since) {
		since = s
	}
	if u.After(until) {
		until = u
	}
	return since, until
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func minTime(a, b time.Time) time.Time {
	if !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}
