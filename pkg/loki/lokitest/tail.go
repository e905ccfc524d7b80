package lokitest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	maxDelayFor  = 5
	pingInterval = time.Second
	tailBuffer   = 1024
	// closeText is the reason CloseTails gives in its close frame.
	closeText = "lokitest: tail closed by the test"
)

// tailMessage is one WebSocket text message of a tail, as fixture 19 shows it.
type tailMessage struct {
	Streams        []streamResult `json:"streams"`
	DroppedEntries []droppedEntry `json:"dropped_entries,omitempty"`
}

// droppedEntry reports one entry a tail did not deliver.
type droppedEntry struct {
	Labels    map[string]string `json:"labels"`
	Timestamp string            `json:"timestamp"`
}

// tail is one open tail connection.
type tail struct {
	conn       *websocket.Conn
	tenant     string
	query      *logQuery
	categorize bool
	send       chan tailMessage
	done       chan struct{}
	once       sync.Once
	dropped    []droppedEntry // guarded by Server.mu
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// tailRequest is a parsed tail request.
type tailRequest struct {
	query *logQuery
	start time.Time
	limit int
}

// handleTail upgrades to a WebSocket, sends the backlog since start and registers
// the tail for pushed entries. It holds the lock from the handshake to the
// registration, so a tail gets every entry pushed once the client's Dial returns.
// delay_for is checked but not applied.
func (s *Server) handleTail(w http.ResponseWriter, r *http.Request) {
	req, err := parseTailRequest(r)
	if err != nil {
		writeBadRequest(w, err)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered already
	}
	t := &tail{
		conn: conn, tenant: s.requestTenant(r), query: req.query,
		categorize: wantsCategorized(r.Header),
		send:       make(chan tailMessage, tailBuffer), done: make(chan struct{}),
	}
	s.openTail(t, req)
	go t.writeLoop(s)
	go t.readLoop(s)
}

func parseTailRequest(r *http.Request) (tailRequest, error) {
	q, err := parseLogQuery(r.Form.Get("query"))
	if err != nil {
		return tailRequest{}, err
	}
	start, err := parseTime(r.Form.Get("start"), time.Now().Add(-time.Hour))
	if err != nil {
		return tailRequest{}, err
	}
	limit, err := parseLimit(r.Form.Get("limit"))
	if err != nil {
		return tailRequest{}, err
	}
	if err := checkDelayFor(r.Form.Get("delay_for")); err != nil {
		return tailRequest{}, err
	}

	return tailRequest{query: q, start: start, limit: limit}, nil
}

func checkDelayFor(v string) error {
	if v == "" {
		return nil
	}

	n, err := strconv.Atoi(v)
	if err != nil {
		return err
	}
	if n > maxDelayFor {
		return fmt.Errorf("delay_for can't be greater than %d", maxDelayFor)
	}

	return nil
}

// openTail queues the backlog, the newest limit entries since start in time order,
// and registers the tail, both under s.mu (held) so no push is lost or sent twice.
func (s *Server) openTail(t *tail, req tailRequest) {
	q := &rangeQuery{query: req.query, start: req.start, end: maxTime, limit: req.limit}
	hits, _ := s.selectHits(s.tenant(t.tenant), q)
	slices.Reverse(hits)
	if len(hits) > 0 {
		t.send <- tailMessage{Streams: group(hits, t.categorize)}
	}
	s.tails[t] = true
}

// maxTime is later than any entry a test pushes.
var maxTime = time.Unix(1<<62, 0)

// sendToTails hands freshly pushed entries of st to the tails of tenant that match
// them; s.mu must be held.
func (s *Server) sendToTails(tenant string, st *stream, pushed []stored) {
	for t := range s.tails {
		if t.tenant != tenant || !t.query.matchesStream(st.labels) {
			continue
		}
		var hits []hit
		for _, e := range pushed {
			if t.query.keepsEntry(st.labels, e.line, e.meta) {
				hits = append(hits, hit{st: st, e: e})
			}
		}
		if len(hits) > 0 {
			s.deliver(t, hits)
		}
	}
}

// deliver queues one message for t, withholding the entries DropNextTail asked for
// and reporting them, with any the buffer refused before, as dropped_entries.
func (s *Server) deliver(t *tail, hits []hit) {
	var kept []hit
	for _, h := range hits {
		if s.dropTail > 0 {
			s.dropTail--
			t.dropped = append(t.dropped, t.droppedEntry(h))
			continue
		}
		kept = append(kept, h)
	}

	msg := tailMessage{Streams: group(kept, t.categorize), DroppedEntries: t.dropped}
	select {
	case t.send <- msg:
		t.dropped = nil
	default:
		for _, h := range kept {
			t.dropped = append(t.dropped, t.droppedEntry(h))
		}
	}
}

func (t *tail) droppedEntry(h hit) droppedEntry {
	return droppedEntry{
		Labels:    answerLabels(h, t.categorize).Map(),
		Timestamp: strconv.FormatInt(h.e.ts.UnixNano(), 10),
	}
}

// writeLoop writes queued messages and a ping every second until the tail ends.
func (t *tail) writeLoop(s *Server) {
	ticker := time.NewTicker(pingInterval)
	defer ticker.Stop()
	for {
		var err error
		select {
		case <-t.done:
			return
		case msg := <-t.send:
			err = t.conn.WriteJSON(msg)
		case <-ticker.C:
			err = t.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second))
		}
		if err != nil {
			s.endTail(t)
			return
		}
	}
}

// readLoop reads until the client goes, so control frames are answered.
func (t *tail) readLoop(s *Server) {
	for {
		if _, _, err := t.conn.ReadMessage(); err != nil {
			s.endTail(t)
			return
		}
	}
}

// endTail unregisters t and closes its connection; it may be called many times.
func (s *Server) endTail(t *tail) {
	t.once.Do(func() {
		s.mu.Lock()
		delete(s.tails, t)
		s.mu.Unlock()
		close(t.done)
		_ = t.conn.Close()
	})
}

// DropNextTail makes tails withhold the next n entries pushed to them, counted over
// all tail connections, and report them in dropped_entries instead.
func (s *Server) DropNextTail(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropTail = n
}

// CloseTails ends every open tail with a close frame, code 1011 as Loki uses on
// errors, so a client's reconnection can be tested.
func (s *Server) CloseTails() {
	msg := websocket.FormatCloseMessage(websocket.CloseInternalServerErr, closeText)
	for _, t := range s.openTails() {
		_ = t.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		s.endTail(t)
	}
}

// BreakTails drops every open tail's TCP connection without a close frame, as a
// network failure would.
func (s *Server) BreakTails() {
	for _, t := range s.openTails() {
		s.endTail(t)
	}
}

// TailCount returns how many tail connections are open.
func (s *Server) TailCount() int {
	return len(s.openTails())
}

func (s *Server) openTails() []*tail {
	s.mu.Lock()
	defer s.mu.Unlock()

	out := make([]*tail, 0, len(s.tails))
	for t := range s.tails {
		out = append(out, t)
	}

	return out
}
