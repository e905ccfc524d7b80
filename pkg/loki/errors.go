package loki

import (
	"errors"
	"fmt"
)

// ErrBadConfig means a [Config] field holds a value the client cannot use;
// the error text names the field.
var ErrBadConfig = errors.New("bad config")

// ErrBadLabelName means a label name is not a LogQL label name
// ([a-zA-Z_][a-zA-Z0-9_]*), so it cannot go into a selector or a URL path.
var ErrBadLabelName = errors.New("bad label name")

// ErrEmptySelector means a stream selector has no matcher that rejects the
// empty value, which Loki refuses ("queries require at least one regexp or
// equality matcher that does not have an empty-compatible value").
var ErrEmptySelector = errors.New("selector needs a matcher that rejects the empty value")

// ErrBadRange means a time range ends before it starts or a line cap is
// negative.
var ErrBadRange = errors.New("bad time range or line cap")

// ErrBadAnswer means Loki answered 200 with a body the client cannot read.
var ErrBadAnswer = errors.New("unreadable answer")

// ErrNotLogQuery means a query passed to [Client.QueryRange] was a metric
// query: Loki answered with a matrix or vector instead of streams.
var ErrNotLogQuery = errors.New("not a log query")

// ErrTailClosed means a tail kept failing to connect or kept being closed
// before it delivered anything, more times in a row than Config.Retries
// allows.
var ErrTailClosed = errors.New("tail keeps failing")

// Error is a failure Loki itself reported: its HTTP status and its message.
// Loki answers errors with plain-text bodies, not JSON, such as "parse error
// at line 1, col 19: literal not terminated" with status 400, or "no org id"
// with status 401 when the tenant header is missing.
type Error struct {
	Op      string // what was asked: "query_range", "labels", "label_values", "tail"
	Status  int    // HTTP status
	Message string // the body, trimmed; the status text when the body is empty
}

// Error reads "loki: <op>: status=<n>: <message>".
func (e *Error) Error() string {
	return fmt.Sprintf("loki: %s: status=%d: %s", e.Op, e.Status, e.Message)
}

// Temporary reports whether retrying may help: 429 and 5xx answers.
func (e *Error) Temporary() bool {
	return e.Status == 429 || e.Status >= 500
}
