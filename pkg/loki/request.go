package loki

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// maxGetQuery is the longest encoded query string sent with GET; longer
// ones (a regex of many queue IDs, a 10 kB needle) go as a POST form, which
// query_range accepts too, so no proxy refuses a long URL.
const maxGetQuery = 4096

// maxErrorBody caps how much of an error body is kept as the message.
const maxErrorBody = 4096

// maxAnswerBody caps a 200 answer: 5000 lines of Loki's 256 KB line limit
// fit with room to spare.
const maxAnswerBody = 2 << 30

// call is one API request, tried again on temporary failures.
type call struct {
	op       string // for errors: "query_range", "labels", ...
	path     string // below the base URL
	params   url.Values
	post     bool           // allowed to go as a POST form when long
	requests *int           // counts attempts, when set
	waited   *time.Duration // adds up the time spent waiting for answers, when set
}

// setHeaders adds the tenant and the credentials; the tail handshake sends
// them too.
func (c *Client) setHeaders(h http.Header) {
	if c.cfg.Tenant != "" {
		h.Set("X-Scope-OrgID", c.cfg.Tenant)
	}
	if c.cfg.Username != "" {
		h.Set("Authorization", "Basic "+basicAuth(c.cfg.Username, c.cfg.Password))
	}
	if c.cfg.BearerToken != "" {
		h.Set("Authorization", "Bearer "+c.cfg.BearerToken)
	}
	// Without this flag Loki folds structured metadata (pid,
	// detected_level) into the stream labels, one stream per value.
	h.Set("X-Loki-Response-Encoding-Flags", "categorize-labels")
	h.Set("User-Agent", "mailpath-loki")
}

func basicAuth(user, pass string) string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, pass)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// do runs a call with retries and returns the 200 body.
func (c *Client) do(ctx context.Context, cl call) ([]byte, error) {
	attempt := func() ([]byte, error) {
		if cl.requests != nil {
			*cl.requests++
		}
		return c.attempt(ctx, cl)
	}
	body, err := backoff.Retry(ctx, attempt,
		backoff.WithBackOff(c.newBackOff()),
		backoff.WithMaxTries(uint(c.cfg.Retries)+1),
		backoff.WithMaxElapsedTime(0))
	// The last try's error comes back still marked permanent.
	var perm *backoff.PermanentError
	if errors.As(err, &perm) {
		err = perm.Err
	}
	return body, err
}

func (c *Client) newBackOff() *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = c.cfg.RetryWait
	b.Multiplier = 2
	b.MaxInterval = 30 * time.Second
	return b
}

// attempt makes one HTTP request under its own timeout. Errors that a
// retry cannot mend come back wrapped as permanent.
func (c *Client) attempt(ctx context.Context, cl call) ([]byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	req, err := c.newRequest(actx, cl)
	if err != nil {
		return nil, backoff.Permanent(err)
	}
	sent := time.Now()
	if cl.waited != nil {
		defer func() { *cl.waited += time.Since(sent) }()
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, cl, err)
	}
	defer func() { _ = resp.Body.Close() }()

	if resp.StatusCode != http.StatusOK {
		return nil, statusError(cl.op, resp)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBody))
	if err != nil {
		return nil, c.transportError(ctx, cl, err)
	}
	return body, nil
}

func (c *Client) newRequest(ctx context.Context, cl call) (*http.Request, error) {
	u := *c.base
	u.Path += cl.path
	enc := cl.params.Encode()

	var req *http.Request
	var err error
	if cl.post && len(enc) > maxGetQuery {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(),
			strings.NewReader(enc))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		u.RawQuery = enc
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	}
	if err != nil {
		return nil, fmt.Errorf("building request: op=%s: %w", cl.op, err)
	}
	c.setHeaders(req.Header)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// transportError marks a failure permanent when the caller's context has
// ended; a per-request timeout or a dropped connection is retried.
func (c *Client) transportError(ctx context.Context, cl call, err error) error {
	err = fmt.Errorf("requesting loki: op=%s: %w", cl.op, err)
	if ctx.Err() != nil {
		return backoff.Permanent(err)
	}
	return err
}

// statusError turns a non-200 answer into an [*Error]: permanent unless
// the status is 429 or 5xx, in which case a Retry-After header sets the
// wait before the next try.
func statusError(op string, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	msg := strings.TrimSpace(string(body))
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	lerr := &Error{Op: op, Status: resp.StatusCode, Message: msg}
	if !lerr.Temporary() {
		return backoff.Permanent(lerr)
	}
	if wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		return &retryAfterError{err: lerr, wait: wait}
	}
	return lerr
}

// retryAfter reads a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(max(secs, 0)) * time.Second, secs < 1<<31
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// retryAfterError is a temporary [*Error] that also tells the backoff how
// long the server asked to wait. It unwraps to the [*Error], so a caller
// still finds the status when the retries run out.
type retryAfterError struct {
	err  error
	wait time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }

func (e *retryAfterError) Unwrap() error { return e.err }

// As lets the backoff see the server's wait as its own RetryAfterError.
func (e *retryAfterError) As(target any) bool {
	t, ok := target.(**backoff.RetryAfterError)
	if ok {
		*t = &backoff.RetryAfterError{Duration: e.wait}
	}
	return ok
}

// isPermanent reports whether err came from a request that retrying would
// not mend: a 4xx other than 429, an unreadable answer or a metric one.
func isPermanent(err error) bool {
	var lerr *Error
	if errors.As(err, &lerr) {
		return !lerr.Temporary()
	}
	return errors.Is(err, ErrBadAnswer) || errors.Is(err, ErrNotLogQuery)
}
