package loki

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Result is the answer to [Client.QueryRange].
type Result struct {
	// Entries holds the lines of all streams merged, sorted by time
	// ascending; lines of one timestamp keep Loki's order. Loki orders lines
	// only within a stream, never across streams.
	Entries []Entry
	// Partial is set when the answer is incomplete; Reason says what is
	// missing.
	Partial bool
	Reason  string
	// Requests counts the HTTP requests made, retries included.
	Requests int
	// Waited is the time spent waiting for Loki: from sending each request
	// to having read its answer, retries included, backoff pauses not.
	Waited time.Duration
}

// QueryRange runs a LogQL log query over [start, end) (Loki takes start as
// inclusive and end as exclusive) in forward direction and reads every page.
//
// Loki marks no page as the last: a full page may be followed by more, so
// the next page starts at the last timestamp of the page (inclusive, since
// several lines can share a nanosecond) and the lines of that nanosecond
// already read are dropped. maxLines caps the total (0 = no cap); reaching
// it sets Partial with a Reason, never silently. Ranges longer than
// Config.MaxQueryLength are read in pieces; when a piece fails after its
// retries, the call returns the error unless some page was read, in which
// case the result is Partial and Reason names the range that is missing.
// A 4xx answer other than 429 (bad LogQL, limit above Loki's) stops at once.
// When ctx ends the call returns its error.
func (c *Client) QueryRange(
	ctx context.Context, query string, start, end time.Time, maxLines int,
) (Result, error) {
	if !end.After(start) || maxLines < 0 {
		return Result{}, fmt.Errorf("querying loki: start=%s end=%s max_lines=%d: %w",
			stamp(start.UnixNano()), stamp(end.UnixNano()), maxLines, ErrBadRange)
	}
	q := &rangeQuery{c: c, query: query, maxLines: maxLines}
	var firstErr error
	for _, p := range splitRange(start.UnixNano(), end.UnixNano(), c.maxQueryNanos()) {
		err := q.readPiece(ctx, p)
		if err != nil && ctx.Err() != nil {
			return Result{Requests: q.res.Requests, Waited: q.res.Waited},
				fmt.Errorf("querying loki: %w", err)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if q.capped || (err != nil && isPermanent(err)) {
			break
		}
	}
	return q.finish(firstErr)
}

func (c *Client) maxQueryNanos() int64 {
	return int64(c.cfg.MaxQueryLength)
}

// span is a time range [from, to) in nanoseconds.
type span struct{ from, to int64 }

// splitRange cuts [from, to) into spans no longer than most, since Loki
// refuses a range above its max_query_length with 400 ("the query time
// range exceeds the limit").
func splitRange(from, to, most int64) []span {
	var out []span
	for from < to {
		next := to
		if to-from > most {
			next = from + most
		}
		out = append(out, span{from, next})
		from = next
	}
	return out
}

// rangeQuery is the state of one QueryRange call.
type rangeQuery struct {
	c        *Client
	query    string
	maxLines int
	res      Result
	reasons  []string
	pages    int  // pages read
	capped   bool // maxLines reached
}

func (q *rangeQuery) finish(firstErr error) (Result, error) {
	if firstErr != nil && q.pages == 0 {
		return Result{Requests: q.res.Requests, Waited: q.res.Waited},
			fmt.Errorf("querying loki: %w", firstErr)
	}
	q.res.Partial = len(q.reasons) > 0
	q.res.Reason = strings.Join(q.reasons, "; ")
	return q.res, nil
}

func (q *rangeQuery) partial(reason string) {
	q.reasons = append(q.reasons, reason)
}

// need is how many more lines the cap allows, or -1 with no cap.
func (q *rangeQuery) need() int {
	if q.maxLines == 0 {
		return -1
	}
	return q.maxLines - len(q.res.Entries)
}

// pieceError is a piece that failed from at on.
type pieceError struct {
	from, to int64
	err      error
}

func (e *pieceError) Error() string {
	return fmt.Sprintf("reading range: from=%s to=%s: %v", stamp(e.from), stamp(e.to), e.err)
}

func (e *pieceError) Unwrap() error { return e.err }

// readPiece reads every page of one span. On failure it records what is
// missing and returns the error.
func (q *rangeQuery) readPiece(ctx context.Context, p span) error {
	pg := pager{cursor: p.from, to: p.to}
	for !q.capped && pg.cursor < p.to {
		more, err := q.readPage(ctx, &pg)
		if err != nil {
			q.partial(fmt.Sprintf("range %s–%s failed: %v",
				stamp(pg.cursor), stamp(p.to), err))
			return &pieceError{from: pg.cursor, to: p.to, err: err}
		}
		if !more {
			return nil
		}
	}
	return nil
}

// readPage reads one page and moves the pager on; more reports whether
// another page may hold lines.
func (q *rangeQuery) readPage(ctx context.Context, pg *pager) (more bool, err error) {
	limit := q.limit(len(pg.seen))
	page, err := q.c.fetchPage(ctx, q.query, pg.cursor, pg.to, limit, &q.res)
	if err != nil {
		return false, err
	}
	q.pages++
	fresh := pg.dropSeen(page)
	full := len(page) >= limit
	if !q.keep(fresh, full) || !full {
		return false, nil
	}
	if pg.advance(page, fresh) {
		q.partial(fmt.Sprintf("more than %d lines share the timestamp %s; "+
			"some of them were not read", len(page), stamp(pg.cursor-1)))
	}
	return true, nil
}

// limit asks for no more than the cap needs, plus the lines of the
// boundary nanosecond that will repeat, plus one to learn whether more
// exist; never above MaxEntries, which Loki would refuse with 400.
func (q *rangeQuery) limit(repeats int) int {
	limit := q.c.cfg.MaxEntries
	if need := q.need(); need >= 0 {
		limit = min(limit, need+repeats+1)
	}
	return limit
}

// keep adds fresh lines up to the cap and reports whether reading goes on.
func (q *rangeQuery) keep(fresh []Entry, full bool) bool {
	need := q.need()
	if need < 0 || len(fresh) < need || (len(fresh) == need && !full) {
		q.res.Entries = append(q.res.Entries, fresh...)
		return true
	}
	fresh = fresh[:need]
	q.res.Entries = append(q.res.Entries, fresh...)
	q.capped = true
	at := q.res.Entries[len(q.res.Entries)-1].Time
	q.partial(fmt.Sprintf("line limit %d reached at %s; lines after it were not read",
		q.maxLines, at.UTC().Format(time.RFC3339Nano)))
	return false
}

// fetchPage asks Loki for one page of [from, to), forward, and returns its
// lines sorted by time.
func (c *Client) fetchPage(
	ctx context.Context, query string, from, to int64, limit int, res *Result,
) ([]Entry, error) {
	params := map[string][]string{
		"query":     {query},
		"start":     {fmt.Sprint(from)},
		"end":       {fmt.Sprint(to)},
		"limit":     {fmt.Sprint(limit)},
		"direction": {"forward"}, // Loki's default is backward
	}
	body, err := c.do(ctx, call{
		op: "query_range", path: "/loki/api/v1/query_range",
		params: params, post: true, requests: &res.Requests, waited: &res.Waited,
	})
	if err != nil {
		return nil, err
	}
	page, err := decodeStreams(body)
	if err != nil {
		return nil, err
	}
	sortEntries(page)
	return page, nil
}

// stamp formats nanoseconds for reasons and errors.
func stamp(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}
