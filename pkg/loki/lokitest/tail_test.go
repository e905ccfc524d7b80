package lokitest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
)

// dialTail opens a tail with params as tenant; it is closed when the test ends.
func dialTail(t *testing.T, s *Server, params url.Values, hdr http.Header) *websocket.Conn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(s.URL, "http") + tailPath + "?" + params.Encode()
	conn, resp, err := websocket.DefaultDialer.Dial(u, hdr)
	require.NoError(t, err)
	_ = resp.Body.Close()
	t.Cleanup(func() { _ = conn.Close() })

	return conn
}

// readTail reads one text message within two seconds.
func readTail(t *testing.T, conn *websocket.Conn) []byte {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(2*time.Second)))
	kind, msg, err := conn.ReadMessage()
	require.NoError(t, err)
	require.Equal(t, websocket.TextMessage, kind)

	return msg
}

// recordedTail is fixture 19: a real tail session.
type recordedTail struct {
	Request struct {
		Headers map[string]string   `json:"headers"`
		Params  map[string][]string `json:"params"`
	} `json:"request"`
	Tenant   string            `json:"tenant"`
	Messages []json.RawMessage `json:"messages"`
}

func TestTailReplaysTheRecordedSession(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "19-tail-websocket.json"))
	require.NoError(t, err)
	var rec recordedTail
	require.NoError(t, json.Unmarshal(raw, &rec))
	s := NewServer(t, Options{Tenants: true})
	hdr := http.Header{}
	for k, v := range rec.Request.Headers {
		hdr.Set(k, v)
	}
	conn := dialTail(t, s, rec.Request.Params, hdr)

	for _, m := range rec.Messages {
		var want recordedStreams
		require.NoError(t, json.Unmarshal([]byte(`{"data":{"result":`+
			string(streamsOf(t, m))+`}}`), &want))
		st := want.Data.Result[0]
		lbls, meta := splitRecorded(st.Stream)
		s.Push(rec.Tenant, lbls, recordedEntry(t, st.Values[0], meta))

		got := readTail(t, conn)
		compareNodes(t, shapeRules{}, "$", decodeNode(t, m), decodeNode(t, got))
	}
}

func streamsOf(t *testing.T, msg json.RawMessage) json.RawMessage {
	t.Helper()
	var m struct {
		Streams json.RawMessage `json:"streams"`
	}
	require.NoError(t, json.Unmarshal(msg, &m))

	return m.Streams
}

func TestTail(t *testing.T) {
	lbls := map[string]string{"job": "syslog", "host": "mx1.example.net", "app": "smtpd"}
	tests := []struct {
		name   string
		before []Entry
		params url.Values
		hdr    http.Header
		act    func(s *Server)
		want   string
	}{
		{
			name: "sends the newest backlog lines since start, oldest first",
			before: []Entry{
				{Time: at(0), Line: "before start"},
				{Time: at(2 * time.Second), Line: "one"},
				{Time: at(3 * time.Second), Line: "two"},
				{Time: at(4 * time.Second), Line: "three"},
			},
			params: url.Values{"start": {ns(time.Second)}, "limit": {"2"}},
			act:    func(*Server) {},
			want: `{"streams":[{"stream":{"app":"smtpd","detected_level":"unknown",` +
				`"host":"mx1.example.net","job":"syslog","service_name":"smtpd"},` +
				`"values":[["` + ns(3*time.Second) + `","two"],["` + ns(4*time.Second) +
				`","three"]]}]}`,
		},
		{
			name: "reports the entries it was told to drop",
			act: func(s *Server) {
				s.DropNextTail(1)
				s.Push("", lbls,
					Entry{Time: at(time.Second), Line: "lost"},
					Entry{Time: at(2 * time.Second), Line: "kept"})
			},
			want: `{"streams":[{"stream":{"app":"smtpd","detected_level":"unknown",` +
				`"host":"mx1.example.net","job":"syslog","service_name":"smtpd"},` +
				`"values":[["` + ns(2*time.Second) + `","kept"]]}],"dropped_entries":[` +
				`{"labels":{"app":"smtpd","detected_level":"unknown",` +
				`"host":"mx1.example.net","job":"syslog","service_name":"smtpd"},` +
				`"timestamp":"` + ns(time.Second) + `"}]}`,
		},
		{
			name: "categorizes labels when asked",
			hdr:  http.Header{categorizeHeader: {categorizeFlag}},
			act: func(s *Server) {
				s.Push("", lbls, Entry{Time: at(time.Second), Line: "x",
					Metadata: map[string]string{"pid": "7"}})
			},
			want: `{"streams":[{"stream":{"app":"smtpd","host":"mx1.example.net",` +
				`"job":"syslog","service_name":"smtpd"},"values":[["` + ns(time.Second) +
				`","x",{"structuredMetadata":{"detected_level":"unknown","pid":"7"}}]]}]}`,
		},
		{
			name: "sends only the lines its filters keep",
			act: func(s *Server) {
				s.Push("", lbls, Entry{Time: at(time.Second), Line: "noise"})
				s.Push("", map[string]string{"job": "other"},
					Entry{Time: at(time.Second), Line: "E1 elsewhere"})
				s.Push("", lbls, Entry{Time: at(2 * time.Second), Line: "E1 here"})
			},
			params: url.Values{"query": {`{job="syslog"} |= "E1"`}},
			want: `{"streams":[{"stream":{"app":"smtpd","detected_level":"unknown",` +
				`"host":"mx1.example.net","job":"syslog","service_name":"smtpd"},` +
				`"values":[["` + ns(2*time.Second) + `","E1 here"]]}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, Options{})
			s.Push("", lbls, tt.before...)
			params := url.Values{"query": {`{job="syslog"}`}, "start": {ns(0)}}
			for k, v := range tt.params {
				params[k] = v
			}
			conn := dialTail(t, s, params, tt.hdr)

			tt.act(s)

			require.JSONEq(t, tt.want, string(readTail(t, conn)))
		})
	}
}

func TestTailEnds(t *testing.T) {
	tests := []struct {
		name string
		end  func(s *Server)
		code int
	}{
		{name: "closes with 1011 on CloseTails", end: (*Server).CloseTails, code: 1011},
		{name: "drops the connection on BreakTails", end: (*Server).BreakTails, code: 1006},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, Options{})
			conn := dialTail(t, s, url.Values{"query": {`{job="syslog"}`}}, nil)
			require.Equal(t, 1, s.TailCount())

			tt.end(s)

			require.NoError(t, conn.SetReadDeadline(time.Now().Add(2*time.Second)))
			_, _, err := conn.ReadMessage()
			var closeErr *websocket.CloseError
			require.ErrorAs(t, err, &closeErr)
			require.Equal(t, tt.code, closeErr.Code)
			require.Equal(t, 0, s.TailCount())
		})
	}
}

func TestTailPingsEverySecond(t *testing.T) {
	s := NewServer(t, Options{})
	conn := dialTail(t, s, url.Values{"query": {`{job="syslog"}`}}, nil)
	pinged := make(chan struct{}, 1)
	conn.SetPingHandler(func(string) error {
		select {
		case pinged <- struct{}{}:
		default:
		}
		return nil
	})
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()

	select {
	case <-pinged:
	case <-time.After(3 * time.Second):
		t.Fatal("no ping within 3s")
	}
}

func TestTailNeedsATenant(t *testing.T) {
	s := NewServer(t, Options{Tenants: true})
	u := "ws" + strings.TrimPrefix(s.URL, "http") + tailPath + "?query=%7Bjob%3D%22x%22%7D"

	_, resp, err := websocket.DefaultDialer.Dial(u, nil)

	require.ErrorIs(t, err, websocket.ErrBadHandshake)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	_ = resp.Body.Close()
}
