package lokitest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Loki's defaults for the limits the fake enforces.
const (
	defaultMaxEntries     = 5000
	defaultMaxQueryLength = 30*24*time.Hour + time.Hour
)

// noAuthTenant is the tenant everything belongs to when Options.Tenants is false,
// as with Loki's auth_enabled: false.
const noAuthTenant = "fake"

// Options configures a [Server]. The zero value behaves like a single-binary Loki
// with auth disabled and default limits.
type Options struct {
	// Tenants, like auth_enabled, makes every request but /ready need X-Scope-OrgID;
	// without it the answer is 401 "no org id".
	Tenants bool
	// MaxEntries is max_entries_limit_per_query: 0 means 5000, a negative value no
	// limit. A larger limit is refused with 400, not clamped.
	MaxEntries int
	// MaxQueryLength is max_query_length: 0 means 30d1h, a negative value no limit.
	MaxQueryLength time.Duration
	// Latency is added to every answer before it is written.
	Latency time.Duration
	// NoDiscovery turns off Loki's service_name label and detected_level metadata
	// (discover_service_name: [] and discover_log_levels: false).
	NoDiscovery bool
}

// Entry is one log line to push.
type Entry struct {
	Time     time.Time
	Line     string
	Metadata map[string]string // structured metadata; nil for none
}

// Request is one request the server received. Query holds the URL query and, for a
// form POST, the form body too.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
}

// Server is a fake Loki listening on a local port. Its methods are safe for
// concurrent use.
type Server struct {
	URL string // base URL, such as http://127.0.0.1:41234

	srv        *httptest.Server
	opt        Options
	serverTime atomic.Int64

	mu       sync.Mutex
	tenants  map[string]*tenantData
	requests []Request
	failure  failure
	seq      uint64
	tails    map[*tail]bool
	dropTail int
}

// failure is what FailNext asked for.
type failure struct {
	left       int
	status     int
	body       string
	retryAfter string
}

// NewServer starts a fake Loki; tb.Cleanup closes it and its tail connections.
func NewServer(tb testing.TB, opt Options) *Server {
	tb.Helper()
	if opt.MaxEntries == 0 {
		opt.MaxEntries = defaultMaxEntries
	}
	if opt.MaxQueryLength == 0 {
		opt.MaxQueryLength = defaultMaxQueryLength
	}

	s := &Server{opt: opt, tenants: map[string]*tenantData{}, tails: map[*tail]bool{}}
	s.srv = httptest.NewServer(s.handler())
	s.URL = s.srv.URL
	tb.Cleanup(s.close)

	return s
}

func (s *Server) close() {
	s.CloseTails()
	s.srv.Close()
}

// Push stores entries in the stream with the given labels of tenant, and sends them
// to the tails that match. Without Options.Tenants the tenant is ignored. Like Loki
// it drops an entry whose stream already holds the same line at the same time.
func (s *Server) Push(tenant string, lbls map[string]string, entries ...Entry) {
	discover := !s.opt.NoDiscovery
	ls := streamLabels(lbls, discover)

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.tenant(tenant).streamFor(ls)
	var pushed []stored
	for _, e := range entries {
		s.seq++
		se := stored{ts: e.Time, line: e.Line, meta: entryMetadata(ls, e, discover), seq: s.seq}
		if st.add(se) {
			pushed = append(pushed, se)
		}
	}
	s.sendToTails(s.tenantName(tenant), st, pushed)
}

// tenant returns the tenant's data, creating it; s.mu must be held.
func (s *Server) tenant(name string) *tenantData {
	name = s.tenantName(name)
	t, ok := s.tenants[name]
	if !ok {
		t = &tenantData{streams: map[string]*stream{}}
		s.tenants[name] = t
	}

	return t
}

func (s *Server) tenantName(name string) string {
	if !s.opt.Tenants {
		return noAuthTenant
	}

	return name
}

// Requests returns every request received since the start or the last
// ResetRequests, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()

	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// FailNext makes the next n requests, of any path, answer status with body as plain
// text and, unless retryAfter is empty, a Retry-After header. A later call replaces
// an earlier one.
func (s *Server) FailNext(n int, status int, body string, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failure = failure{left: n, status: status, body: body, retryAfter: retryAfter}
}

// ServerTime returns the total time spent answering requests, Options.Latency
// included; a tail counts only until its WebSocket handshake is done.
func (s *Server) ServerTime() time.Duration {
	return time.Duration(s.serverTime.Load())
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	return keys
}
