package loki

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// flakyServer fails the first fails requests with status (and header
// Retry-After when retryAfter is set), then answers with fixture 02.
func flakyServer(
	t *testing.T, fails, status int, retryAfter string,
) (*httptest.Server, *int32) {
	ok := loadFixture(t, "02")
	var n int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(atomic.AddInt32(&n, 1)) <= fails {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			http.Error(w, "too many outstanding requests", status)
			return
		}
		ok.serve(w)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		fails      int
		status     int
		retryAfter string
		retries    int
		requests   int
		minWait    time.Duration
		errStatus  int // 0 = success
	}{
		{name: "waits as Retry-After says after a 429, then succeeds", fails: 1, status: 429,
			retryAfter: "1", requests: 2, minWait: time.Second},
		{name: "retries a 5xx and succeeds", fails: 2, status: 502, requests: 3},
		{name: "gives up on a 5xx after the retries", fails: 100, status: 503, retries: 2,
			requests: 3, errStatus: 503},
		{name: "tries once with retries turned off", fails: 100, status: 500, retries: -1,
			requests: 1, errStatus: 500},
		{name: "does not retry a 401", fails: 100, status: 401, requests: 1, errStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := flakyServer(t, tt.fails, tt.status, tt.retryAfter)
			c := newTestClient(t, Config{URL: srv.URL, Retries: tt.retries})

			began := time.Now()
			res, err := c.QueryRange(context.Background(), `{job="syslog"}`,
				t0, t0.Add(time.Hour), 0)
			require.Equal(t, tt.requests, int(atomic.LoadInt32(n)))
			require.GreaterOrEqual(t, time.Since(began), tt.minWait)
			if tt.errStatus == 0 {
				require.NoError(t, err)
				require.Len(t, res.Entries, 3)
				require.Equal(t, tt.requests, res.Requests)
				return
			}
			var lerr *Error
			require.ErrorAs(t, err, &lerr)
			require.Equal(t, tt.errStatus, lerr.Status)
			require.Equal(t, "too many outstanding requests", lerr.Message)
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		wait  time.Duration
		ok    bool
	}{
		{name: "reads delay seconds", value: "7", wait: 7 * time.Second, ok: true},
		{name: "reads an HTTP date", value: "Thu, 03 Dec 2026 10:00:30 GMT",
			wait: 30 * time.Second, ok: true},
		{name: "takes a past date as no wait", value: "Thu, 03 Dec 2026 09:00:00 GMT", ok: true},
		{name: "takes negative seconds as no wait", value: "-5", ok: true},
		{name: "ignores an absent header", value: ""},
		{name: "ignores garbage", value: "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, ok := retryAfter(tt.value, now)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.wait, wait)
		})
	}
}

// slowServer holds every request until the request or the test ends.
func slowServer(t *testing.T) (*httptest.Server, *int32) {
	var n int32
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&n, 1)
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv, &n
}

func TestTimeoutAndCancel(t *testing.T) {
	tests := []struct {
		name     string
		timeout  time.Duration
		retries  int
		cancel   time.Duration // cancel the caller's context after this
		requests int32
		want     error
	}{
		{name: "ends a request at the per-request timeout and retries it",
			timeout: 50 * time.Millisecond, retries: 1, requests: 2,
			want: context.DeadlineExceeded},
		{name: "stops at once when the caller cancels", timeout: time.Minute, retries: 3,
			cancel: 50 * time.Millisecond, requests: 1, want: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := slowServer(t)
			c := newTestClient(t, Config{URL: srv.URL, Timeout: tt.timeout, Retries: tt.retries})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel > 0 {
				time.AfterFunc(tt.cancel, cancel)
			}

			began := time.Now()
			_, err := c.QueryRange(ctx, `{job="syslog"}`, t0, t0.Add(time.Hour), 0)
			require.ErrorIs(t, err, tt.want)
			require.Less(t, time.Since(began), 5*time.Second)
			require.Equal(t, tt.requests, atomic.LoadInt32(n))
		})
	}
}

func TestHeadersGoWithEveryRequest(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("reader:s3cret"))
	tests := []struct {
		name   string
		cfg    Config
		tenant string
		auth   string
	}{
		{name: "sends the tenant and basic auth",
			cfg:    Config{Tenant: "bare", Username: "reader", Password: "s3cret"},
			tenant: "bare", auth: basic},
		{name: "sends the tenant and a bearer token",
			cfg: Config{Tenant: "a|b", BearerToken: "tok"}, tenant: "a|b", auth: "Bearer tok"},
		{name: "sends neither when none is set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			srv := httptest.NewServer(headerHandler(t, rec))
			t.Cleanup(srv.Close)
			tt.cfg.URL = srv.URL
			c := newTestClient(t, tt.cfg)

			callEveryEndpoint(t, c)
			require.Equal(t, 4, rec.count())
			for i, h := range rec.headers {
				require.Equal(t, tt.tenant, h.Get("X-Scope-OrgID"), "request %d", i)
				require.Equal(t, tt.auth, h.Get("Authorization"), "request %d", i)
			}
		})
	}
}

// headerHandler records requests and answers each endpoint with a
// recording; the tail sends one message and closes.
func headerHandler(t *testing.T, rec *recorder) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/loki/api/v1/query_range", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		loadFixture(t, "02").serve(w)
	})
	mux.HandleFunc("/loki/api/v1/labels", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		loadFixture(t, "12").serve(w)
	})
	mux.HandleFunc("/loki/api/v1/label/host/values", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		loadFixture(t, "13").serve(w)
	})
	mux.HandleFunc("/loki/api/v1/tail", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		serveTail(t, w, r, loadFixture(t, "19").Messages[:1])
	})
	return mux
}

func callEveryEndpoint(t *testing.T, c *Client) {
	ctx := context.Background()
	_, err := c.QueryRange(ctx, `{job="syslog"}`, t0, t0.Add(time.Hour), 0)
	require.NoError(t, err)
	_, err = c.Labels(ctx, t0, t0.Add(time.Hour))
	require.NoError(t, err)
	_, err = c.LabelValues(ctx, "host", t0, t0.Add(time.Hour), "")
	require.NoError(t, err)
	err = c.Tail(ctx, `{job="syslog"}`, t0, func(TailBatch) error { return errStop })
	require.ErrorIs(t, err, errStop)
}

func certPEM(srv *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func TestTLS(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewTLSServer(headerHandler(t, rec))
	t.Cleanup(srv.Close)
	tests := []struct {
		name string
		cfg  Config
		fail bool
	}{
		{name: "trusts a server signed by the extra CA", cfg: Config{CAPEM: certPEM(srv)}},
		{name: "skips verification when asked", cfg: Config{InsecureSkipVerify: true}},
		{name: "refuses an unknown certificate", fail: true},
		{name: "uses the caller's HTTP client", cfg: Config{HTTPClient: srv.Client()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.URL = srv.URL
			c := newTestClient(t, tt.cfg)
			if !tt.fail {
				callEveryEndpoint(t, c)
				return
			}
			_, err := c.Labels(context.Background(), time.Time{}, time.Time{})
			var unknown x509.UnknownAuthorityError
			require.ErrorAs(t, err, &unknown)
		})
	}
}

func TestNewChecksConfig(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string // "" = valid
	}{
		{name: "accepts a plain URL", cfg: Config{URL: "http://127.0.0.1:3100"}},
		{name: "accepts a path prefix", cfg: Config{URL: "https://gw.example.net/loki/"}},
		{name: "refuses an empty URL", cfg: Config{}, field: "URL"},
		{name: "refuses a URL that does not parse", cfg: Config{URL: "http://[::1"}, field: "URL"},
		{name: "refuses another scheme", cfg: Config{URL: "ftp://x"}, field: "URL"},
		{name: "refuses a URL without host", cfg: Config{URL: "http:///x"}, field: "URL"},
		{name: "refuses credentials in the URL", cfg: Config{URL: "http://u:pw@x"}, field: "URL"},
		{name: "refuses a query in the URL", cfg: Config{URL: "http://x/?a=b"}, field: "URL"},
		{name: "refuses basic auth with a bearer token",
			cfg: Config{URL: "http://x", Username: "u", BearerToken: "t"}, field: "BearerToken"},
		{name: "refuses a password without user",
			cfg: Config{URL: "http://x", Password: "p"}, field: "Password"},
		{name: "refuses a tenant that would end the header",
			cfg: Config{URL: "http://x", Tenant: "a\r\nX-Evil: 1"}, field: "Tenant"},
		{name: "refuses a CA file without certificates",
			cfg: Config{URL: "https://x", CAPEM: []byte("junk")}, field: "CAPEM"},
		{name: "refuses TLS settings beside an HTTP client",
			cfg: Config{URL: "https://x", HTTPClient: http.DefaultClient,
				InsecureSkipVerify: true},
			field: "HTTPClient"},
		{name: "refuses a negative timeout",
			cfg: Config{URL: "http://x", Timeout: -1}, field: "Timeout"},
		{name: "refuses a negative MaxEntries",
			cfg: Config{URL: "http://x", MaxEntries: -1}, field: "MaxEntries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrBadConfig)
			require.Contains(t, err.Error(), "field="+tt.field+":")
			require.False(t, strings.Contains(err.Error(), "pw"), "error shows the password")
		})
	}
}
