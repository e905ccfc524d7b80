package loki

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults for the [Config] fields left zero.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultMaxEntries     = 5000
	DefaultMaxQueryLength = 30 * 24 * time.Hour
	DefaultRetries        = 3
	DefaultRetryWait      = 500 * time.Millisecond
)

// Config says where Loki is and how to talk to it. Zero fields take the
// defaults above.
type Config struct {
	URL      string // base URL, e.g. http://127.0.0.1:3100; a path prefix is kept
	Tenant   string // X-Scope-OrgID, "" = none
	Username string // basic auth when Username != ""
	Password string
	// BearerToken is sent as "Authorization: Bearer"; it cannot be combined
	// with basic auth.
	BearerToken        string
	CAPEM              []byte // extra CA certificates (PEM) for https
	InsecureSkipVerify bool
	// Timeout bounds one HTTP request (and one tail handshake), default 30s.
	Timeout time.Duration
	// MaxEntries is the largest limit one request asks for, default 5000.
	// Loki refuses a larger limit than its max_entries_limit_per_query with
	// 400; it does not clamp.
	MaxEntries int
	// MaxQueryLength is the longest range one request covers, default 30d
	// (Loki's max_query_length defaults to 30d1h); longer ranges are split.
	MaxQueryLength time.Duration
	// Retries is how often a request is tried again after a 429, a 5xx or a
	// transport error: 0 means the default 3, a negative value none.
	Retries int
	// RetryWait is the first backoff wait, default 500ms; it doubles up to
	// 30s, with jitter. A Retry-After header takes its place.
	RetryWait time.Duration
	// HTTPClient, when set, carries every request; CAPEM and
	// InsecureSkipVerify must then be left unset (configure its transport).
	HTTPClient *http.Client
}

// Client talks to one Loki. It is safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL
	http *http.Client
	tls  *tls.Config // for the tail's WebSocket dialer; nil = defaults
}

// New checks cfg and returns a client. Errors wrap [ErrBadConfig] and name
// the field at fault.
func New(cfg Config) (*Client, error) {
	base, err := checkURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if err := checkFields(cfg); err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)

	c := &Client{cfg: cfg, base: base, http: cfg.HTTPClient}
	if c.http != nil {
		c.tls = transportTLS(c.http)
		return c, nil
	}
	c.tls, err = buildTLS(cfg)
	if err != nil {
		return nil, err
	}
	c.http = buildHTTPClient(c.tls)
	return c, nil
}

func badConfig(field, what string) error {
	return fmt.Errorf("checking config: field=%s: %s: %w", field, what, ErrBadConfig)
}

// checkURL parses the base URL. Its errors never repeat the URL, which
// could hold a password.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return nil, badConfig("URL", "empty")
	case err != nil:
		return nil, badConfig("URL", "not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, badConfig("URL", fmt.Sprintf("scheme %q is not http or https", u.Scheme))
	case u.Host == "":
		return nil, badConfig("URL", "no host")
	case u.User != nil:
		return nil, badConfig("URL", "holds user or password; use Username and Password")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, badConfig("URL", "holds a query or fragment")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func checkFields(cfg Config) error {
	switch {
	case cfg.BearerToken != "" && cfg.Username != "":
		return badConfig("BearerToken", "set together with Username")
	case cfg.Password != "" && cfg.Username == "":
		return badConfig("Password", "set without Username")
	case !headerSafe(cfg.Tenant):
		return badConfig("Tenant", "holds control characters")
	case !headerSafe(cfg.BearerToken):
		return badConfig("BearerToken", "holds control characters")
	case cfg.HTTPClient != nil && (len(cfg.CAPEM) > 0 || cfg.InsecureSkipVerify):
		return badConfig("HTTPClient", "set with CAPEM or InsecureSkipVerify")
	}
	return checkNumbers(cfg)
}

func checkNumbers(cfg Config) error {
	switch {
	case cfg.Timeout < 0:
		return badConfig("Timeout", "negative")
	case cfg.MaxEntries < 0:
		return badConfig("MaxEntries", "negative")
	case cfg.MaxQueryLength < 0:
		return badConfig("MaxQueryLength", "negative")
	case cfg.RetryWait < 0:
		return badConfig("RetryWait", "negative")
	}
	return nil
}

// headerSafe reports whether s can go into a header value unchanged: no
// control characters that could end the header or start another.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

func withDefaults(cfg Config) Config {
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxEntries == 0 {
		cfg.MaxEntries = DefaultMaxEntries
	}
	if cfg.MaxQueryLength == 0 {
		cfg.MaxQueryLength = DefaultMaxQueryLength
	}
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.RetryWait == 0 {
		cfg.RetryWait = DefaultRetryWait
	}
	return cfg
}

// buildTLS returns the TLS settings asked for, or nil when none are.
func buildTLS(cfg Config) (*tls.Config, error) {
	if len(cfg.CAPEM) == 0 && !cfg.InsecureSkipVerify {
		return nil, nil
	}
	conf := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // asked for by the operator
	}
	if len(cfg.CAPEM) == 0 {
		return conf, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(cfg.CAPEM) {
		return nil, badConfig("CAPEM", "no certificate found")
	}
	conf.RootCAs = pool
	return conf, nil
}

// buildHTTPClient has no Timeout of its own: each request gets a context
// deadline instead, so a retry starts with a full Timeout.
func buildHTTPClient(conf *tls.Config) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = conf
	return &http.Client{Transport: tr}
}

// transportTLS takes the TLS settings of a caller's client for the tail
// dialer, which cannot use an http.Client.
func transportTLS(hc *http.Client) *tls.Config {
	if tr, ok := hc.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil {
		return tr.TLSClientConfig.Clone()
	}
	return nil
}
