package lokitest

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

const defaultLimit = 100

// Loki's texts for request parameters it refuses.
var (
	errEndBeforeStart = errors.New("end timestamp must not be before or equal to start time")
	errBadLimit       = errors.New("limit must be a positive value")
)

// rangeQuery is a parsed query_range request for a log query.
type rangeQuery struct {
	query      *logQuery
	start, end time.Time
	limit      int
	forward    bool
}

// parseRangeQuery reads and checks a query_range request as Loki does: parameters,
// LogQL, then the entries and length limits.
func (s *Server) parseRangeQuery(form url.Values) (*rangeQuery, error) {
	start, end, err := parseBounds(form, time.Hour)
	if err != nil {
		return nil, err
	}
	limit, err := parseLimit(form.Get("limit"))
	if err != nil {
		return nil, err
	}
	forward, err := parseDirection(form.Get("direction"))
	if err != nil {
		return nil, err
	}
	q, err := parseLogQuery(form.Get("query"))
	if err != nil {
		return nil, err
	}
	if err := s.checkLimits(limit, start, end); err != nil {
		return nil, err
	}

	return &rangeQuery{query: q, start: start, end: end, limit: limit, forward: forward}, nil
}

func (s *Server) checkLimits(limit int, start, end time.Time) error {
	if maxE := s.opt.MaxEntries; maxE > 0 && limit > maxE {
		return fmt.Errorf("max entries limit per query exceeded, "+
			"limit > max_entries_limit_per_query (%d > %d)", limit, maxE)
	}

	return s.checkLength(start, end)
}

// checkLength refuses ranges over max_query_length. Loki measures in milliseconds,
// so the length in its text has at most three decimals.
func (s *Server) checkLength(start, end time.Time) error {
	maxL := s.opt.MaxQueryLength
	length := time.Duration(end.UnixMilli()-start.UnixMilli()) * time.Millisecond
	if maxL <= 0 || length <= maxL {
		return nil
	}

	return fmt.Errorf("the query time range exceeds the limit (query length: %s, limit: %s)",
		length, model.Duration(maxL))
}

// parseBounds reads start, end and since: end defaults to now, start to end minus
// since, and since to def.
func parseBounds(form url.Values, def time.Duration) (time.Time, time.Time, error) {
	now := time.Now()
	end, err := parseTime(form.Get("end"), now)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	since, err := parseSince(form.Get("since"), def)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	start, err := parseTime(form.Get("start"), end.Add(-since))
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if end.Before(start) {
		return time.Time{}, time.Time{}, errEndBeforeStart
	}

	return start, end, nil
}

func parseSince(v string, def time.Duration) (time.Duration, error) {
	if v == "" {
		return def, nil
	}

	d, err := model.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("cannot parse %q to a valid duration", v)
	}

	return time.Duration(d), nil
}

// parseTime reads a timestamp as Loki does: an integer is nanoseconds, except that
// ten digits or fewer are seconds; RFC3339 works; a number with a dot is seconds.
func parseTime(v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if len(v) <= 10 {
			return time.Unix(n, 0), nil
		}
		return time.Unix(0, n), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && strings.Contains(v, ".") {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)), nil
	}

	return time.Time{}, fmt.Errorf("cannot parse %q to a valid timestamp", v)
}

func parseLimit(v string) (int, error) {
	if v == "" {
		return defaultLimit, nil
	}

	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, err
	}
	if n <= 0 {
		return 0, errBadLimit
	}

	return n, nil
}

// parseDirection reports whether the direction is forward; backward is the default.
func parseDirection(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "backward":
		return false, nil
	case "forward":
		return true, nil
	}

	return false, fmt.Errorf("invalid direction '%s'", v)
}
