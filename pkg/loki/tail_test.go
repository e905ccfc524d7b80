package loki

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
)

// errStop is what a test's fn returns to end a tail.
var errStop = errors.New("stop")

var upgrader = websocket.Upgrader{}

// serveTail upgrades, pings, sends messages as Loki does (one text message
// per batch) and closes normally.
func serveTail(t *testing.T, w http.ResponseWriter, r *http.Request, msgs []json.RawMessage) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		t.Errorf("upgrading: %v", err)
		return
	}
	defer func() { _ = conn.Close() }()
	_ = conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second))
	for _, m := range msgs {
		if err := conn.WriteMessage(websocket.TextMessage, m); err != nil {
			return
		}
	}
	bye := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	_ = conn.WriteControl(websocket.CloseMessage, bye, time.Now().Add(time.Second))
	// Wait for the client's side of the close, or for it to leave.
	_, _, _ = conn.ReadMessage()
}

// tailServer plays one script per connection and records the handshakes.
type tailServer struct {
	t       *testing.T
	rec     recorder
	mu      sync.Mutex
	scripts [][]json.RawMessage
	refuse  int // answer handshakes with this status instead, when set
}

func (s *tailServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.rec.add(r)
	if s.refuse != 0 {
		http.Error(w, "no org id", s.refuse)
		return
	}
	s.mu.Lock()
	var script []json.RawMessage
	if len(s.scripts) > 0 {
		script, s.scripts = s.scripts[0], s.scripts[1:]
	}
	s.mu.Unlock()
	serveTail(s.t, w, r, script)
}

func newTailServer(t *testing.T, scripts ...[]json.RawMessage) (*tailServer, *httptest.Server) {
	s := &tailServer{t: t, scripts: scripts}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

const droppedMessage = `{"streams":[],"dropped_entries":[{"labels":{"host":"mx1.example.net"},` +
	`"timestamp":"1796294503000000000"}]}`

func TestTailReconnectsWithoutRepeating(t *testing.T) {
	msgs := loadFixture(t, "19").Messages
	require.Len(t, msgs, 3)
	// The second connection's backfill repeats the last line delivered.
	s, srv := newTailServer(t,
		[]json.RawMessage{msgs[0], msgs[1]},
		[]json.RawMessage{msgs[1], json.RawMessage(droppedMessage), msgs[2]})
	c := newTestClient(t, Config{URL: srv.URL, Tenant: "tail"})

	var lines []string
	var dropped []Dropped
	start := time.Unix(0, 1796294439705766343)
	err := c.Tail(context.Background(), `{job="syslog"} |= "T99-LIVE"`, start,
		func(b TailBatch) error {
			for _, e := range b.Entries {
				lines = append(lines, e.Line)
			}
			dropped = append(dropped, b.Dropped...)
			if len(lines) == 3 {
				return errStop
			}
			return nil
		})
	require.ErrorIs(t, err, errStop)
	require.Len(t, lines, 3)
	for i, l := range lines {
		require.Contains(t, l, "T99-LIVE step "+string(rune('0'+i)))
	}
	require.Equal(t, []Dropped{{Labels: map[string]string{"host": "mx1.example.net"},
		Time: time.Unix(0, 1796294503000000000).UTC()}}, dropped)
	require.Equal(t, 2, s.rec.count())
	require.Equal(t, "1796294439705766343", s.rec.param(0, "start"))
	require.Equal(t, "1796294502711389540", s.rec.param(1, "start"))
	require.Equal(t, `{job="syslog"} |= "T99-LIVE"`, s.rec.param(1, "query"))
	require.Equal(t, "tail", s.rec.headers[1].Get("X-Scope-OrgID"))
}

func TestTailEnds(t *testing.T) {
	tests := []struct {
		name        string
		refuse      int
		cancelAfter time.Duration
		handshakes  int
		want        error // nil = Tail returns nil
		status      int
	}{
		{name: "gives up when reconnecting keeps failing", refuse: 503, handshakes: 3,
			want: ErrTailClosed, status: 503},
		{name: "returns a refused handshake at once", refuse: 401, handshakes: 1, status: 401},
		{name: "returns nil when the caller's context ends", cancelAfter: 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := newTailServer(t) // no scripts: every connection closes at once
			s.refuse = tt.refuse
			wait := 20 * time.Millisecond
			c := newTestClient(t, Config{URL: srv.URL, Retries: 2, RetryWait: wait})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelAfter > 0 {
				time.AfterFunc(tt.cancelAfter, cancel)
			}

			err := c.Tail(ctx, `{job="syslog"}`, time.Time{}, func(TailBatch) error { return nil })
			if tt.status == 0 {
				require.NoError(t, err)
				require.Greater(t, s.rec.count(), 1, "normal closes are reconnected")
				return
			}
			require.Equal(t, tt.handshakes, s.rec.count())
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			var lerr *Error
			require.ErrorAs(t, err, &lerr)
			require.Equal(t, tt.status, lerr.Status)
			require.Equal(t, "tail", lerr.Op)
		})
	}
}

func TestTailOverTLS(t *testing.T) {
	s := &tailServer{t: t, scripts: [][]json.RawMessage{loadFixture(t, "19").Messages[:1]}}
	srv := httptest.NewTLSServer(s)
	t.Cleanup(srv.Close)
	c := newTestClient(t, Config{URL: srv.URL, CAPEM: certPEM(srv), BearerToken: "tok"})

	var got []Entry
	err := c.Tail(context.Background(), `{job="syslog"}`, time.Time{}, func(b TailBatch) error {
		got = append(got, b.Entries...)
		return errStop
	})
	require.ErrorIs(t, err, errStop)
	require.Len(t, got, 1)
	require.Equal(t, "mx1.example.net", got[0].Labels["host"])
	require.Equal(t, "Bearer tok", s.rec.headers[0].Get("Authorization"))
	require.Empty(t, s.rec.param(0, "start"), "a zero start is left to Loki")
}
