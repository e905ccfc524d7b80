package loki

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// Dropped is a line Loki's tail could not deliver: the caller reports it as
// a gap.
type Dropped struct {
	Labels map[string]string
	Time   time.Time
}

// TailBatch is one tail message: its lines merged by time, without those
// delivered before, and the lines Loki dropped.
type TailBatch struct {
	Entries []Entry
	Dropped []Dropped
}

// tailMessage is one WebSocket text message of /loki/api/v1/tail.
type tailMessage struct {
	Streams []stream `json:"streams"`
	Dropped []struct {
		Labels    map[string]string `json:"labels"`
		Timestamp string            `json:"timestamp"`
	} `json:"dropped_entries"`
}

// callbackError carries an error of the caller's fn out of the read loop.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }

// Tail follows query live over /loki/api/v1/tail from start (zero: Loki's
// default, an hour back) and calls fn once per message that holds new lines
// or dropped ones. It sends the tenant and credentials in the WebSocket
// handshake, since Loki takes them from there. When the server closes the
// connection (it does after querier.tail_max_duration, 1h by default) or
// the connection drops, Tail reconnects after a backoff, resuming from the
// last timestamp delivered and dropping the lines of that nanosecond it
// already delivered. It returns nil when ctx ends, fn's error when fn
// fails, an [*Error] when Loki refuses the handshake with a 4xx other than
// 429, and an error wrapping [ErrTailClosed] after more than Config.Retries
// connections in a row that failed or closed abnormally before any message.
func (c *Client) Tail(
	ctx context.Context, query string, start time.Time, fn func(TailBatch) error,
) error {
	t := &tailer{c: c, query: query, fn: fn}
	if !start.IsZero() {
		t.resume = start.UnixNano()
	}
	return t.run(ctx)
}

// tailer is the state of one Tail call.
type tailer struct {
	c     *Client
	query string
	fn    func(TailBatch) error
	// resume is the start of the next connection: the last timestamp
	// delivered, or the caller's start (0 = none).
	resume int64
	// seen holds the lines at resume already delivered, which the next
	// connection's backfill sends again.
	seen map[string]struct{}
}

func (t *tailer) run(ctx context.Context) error {
	b := t.c.newBackOff()
	failures := 0
	for {
		healthy, err := t.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var cbErr *callbackError
		if errors.As(err, &cbErr) {
			return cbErr.err
		}
		if isPermanent(err) {
			return fmt.Errorf("tailing loki: %w", err)
		}
		failures = t.count(healthy, failures, b.Reset)
		if failures > t.c.cfg.Retries {
			return fmt.Errorf("tailing loki: failures=%d: %w: %w", failures, ErrTailClosed, err)
		}
		if !sleep(ctx, b.NextBackOff()) {
			return nil
		}
	}
}

func (t *tailer) count(healthy bool, failures int, reset func()) int {
	if healthy {
		reset()
		return 0
	}
	return failures + 1
}

// sleep waits d or until ctx ends, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// session runs one connection until it ends. healthy reports whether it
// delivered a message or was closed normally by the server.
func (t *tailer) session(ctx context.Context) (healthy bool, err error) {
	conn, err := t.dial(ctx)
	if err != nil {
		return false, err
	}
	defer func() { _ = conn.Close() }()
	stop := context.AfterFunc(ctx, func() {
		deadline := time.Now().Add(time.Second)
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
		_ = conn.WriteControl(websocket.CloseMessage, msg, deadline)
		_ = conn.Close()
	})
	defer stop()

	t.keepAlive(conn)
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return healthy || isNormalClose(err), fmt.Errorf("reading tail: %w", err)
		}
		healthy = true
		if err := t.deliver(msg); err != nil {
			return true, err
		}
	}
}

// keepAlive expects Loki's pings, sent every second: a connection that
// goes silent for longer than Config.Timeout counts as dropped.
func (t *tailer) keepAlive(conn *websocket.Conn) {
	wait := t.c.cfg.Timeout
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	conn.SetPingHandler(func(data string) error {
		_ = conn.SetReadDeadline(time.Now().Add(wait))
		err := conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(wait))
		if errors.Is(err, websocket.ErrCloseSent) {
			return nil
		}
		return err
	})
}

func isNormalClose(err error) bool {
	return websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway)
}

// dial opens the WebSocket with the client's headers and TLS settings. A
// refused handshake becomes an [*Error] with Loki's status and text.
func (t *tailer) dial(ctx context.Context) (*websocket.Conn, error) {
	d := &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: t.c.cfg.Timeout,
		TLSClientConfig:  t.c.tls,
	}
	h := http.Header{}
	t.c.setHeaders(h)
	conn, resp, err := d.DialContext(ctx, t.url(), h)
	if resp != nil && resp.Body != nil {
		defer func() { _ = resp.Body.Close() }()
	}
	if err == nil {
		return conn, nil
	}
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, handshakeError(resp)
	}
	return nil, fmt.Errorf("dialing tail: %w", err)
}

func handshakeError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	msg := strings.TrimSpace(string(body))
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return fmt.Errorf("dialing tail: %w", &Error{Op: "tail", Status: resp.StatusCode, Message: msg})
}

func (t *tailer) url() string {
	u := *t.c.base
	u.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	u.Path += "/loki/api/v1/tail"
	params := url.Values{
		"query":     {t.query},
		"delay_for": {"0"},
		// Loki's default of 100 would cut a reconnect's backfill short.
		"limit": {fmt.Sprint(t.c.cfg.MaxEntries)},
	}
	if t.resume != 0 {
		params.Set("start", fmt.Sprint(t.resume))
	}
	u.RawQuery = params.Encode()
	return u.String()
}

// deliver decodes one message, drops the lines delivered before and hands
// the rest to fn.
func (t *tailer) deliver(msg []byte) error {
	var m tailMessage
	if err := json.Unmarshal(msg, &m); err != nil {
		return fmt.Errorf("decoding tail message: %w: %w", ErrBadAnswer, err)
	}
	batch, err := t.batch(m)
	if err != nil {
		return err
	}
	if len(batch.Entries) == 0 && len(batch.Dropped) == 0 {
		return nil
	}
	if err := t.fn(batch); err != nil {
		return &callbackError{err: err}
	}
	return nil
}

func (t *tailer) batch(m tailMessage) (TailBatch, error) {
	var batch TailBatch
	for _, d := range m.Dropped {
		ns, err := parseNanos(d.Timestamp)
		if err != nil {
			return TailBatch{}, fmt.Errorf("decoding dropped entry: %w", err)
		}
		dropped := Dropped{Labels: d.Labels, Time: time.Unix(0, ns).UTC()}
		batch.Dropped = append(batch.Dropped, dropped)
	}
	all := entries(m.Streams)
	sortEntries(all)
	for _, e := range all {
		if t.fresh(e) {
			batch.Entries = append(batch.Entries, e)
		}
	}
	return batch, nil
}

// fresh reports whether e was not delivered before and moves the resume
// point. Only lines at the resume timestamp can repeat: a reconnect asks
// for lines from there on.
//
// TODO: lines of other streams that reach Loki late, older than the resume
// point, are missed when they arrive while disconnected; resuming a little
// earlier, with a wider seen set, would catch them.
func (t *tailer) fresh(e Entry) bool {
	ns := e.Time.UnixNano()
	key := entryKey(e)
	switch {
	case ns > t.resume:
		t.resume, t.seen = ns, map[string]struct{}{key: {}}
	case ns == t.resume:
		if _, dup := t.seen[key]; dup {
			return false
		}
		if t.seen == nil {
			t.seen = map[string]struct{}{}
		}
		t.seen[key] = struct{}{}
	}
	return true
}
