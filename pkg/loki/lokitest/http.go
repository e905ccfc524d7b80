package lokitest

import (
	"encoding/json"
	"net/http"
	"time"
)

// Content types as Loki sends them; note the different case of the charset.
const (
	jsonContentType = "application/json; charset=UTF-8"
	textContentType = "text/plain; charset=utf-8"
)

// orgIDHeader names the tenant; categorizeHeader asks for categorized labels.
const (
	orgIDHeader       = "X-Scope-OrgID"
	categorizeHeader  = "X-Loki-Response-Encoding-Flags"
	categorizeFlag    = "categorize-labels"
	noOrgIDText       = "no org id"
	queryRangePath    = "/loki/api/v1/query_range"
	tailPath          = "/loki/api/v1/tail"
	labelsPath        = "/loki/api/v1/labels"
	labelValuesPath   = "/loki/api/v1/label/{name}/values"
	seriesPath        = "/loki/api/v1/series"
	readyPath         = "/ready"
	defaultLabelRange = 6 * time.Hour
)

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(queryRangePath, s.handleQueryRange)
	mux.HandleFunc(labelsPath, s.handleLabels)
	mux.HandleFunc(labelValuesPath, s.handleLabelValues)
	mux.HandleFunc(seriesPath, s.handleSeries)
	mux.HandleFunc(tailPath, s.handleTail)
	mux.HandleFunc(readyPath, handleReady)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		defer func() { s.serverTime.Add(int64(time.Since(began))) }()
		s.serve(mux, w, r)
	})
}

// serve records the request, waits the latency, then fails it as asked, refuses it
// without a tenant, or routes it.
func (s *Server) serve(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	parseErr := r.ParseForm()
	s.record(r)
	time.Sleep(s.opt.Latency)

	if f, ok := s.takeFailure(); ok {
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		writeText(w, f.status, f.body)
		return
	}
	if parseErr != nil {
		writeText(w, http.StatusBadRequest, parseErr.Error())
		return
	}
	if s.opt.Tenants && r.URL.Path != readyPath && r.Header.Get(orgIDHeader) == "" {
		writeText(w, http.StatusUnauthorized, noOrgIDText)
		return
	}

	mux.ServeHTTP(w, r)
}

func (s *Server) record(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  cloneValues(r.Form),
		Header: r.Header.Clone(),
	})
}

func cloneValues(v map[string][]string) map[string][]string {
	out := make(map[string][]string, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}

	return out
}

func (s *Server) takeFailure() (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failure.left <= 0 {
		return failure{}, false
	}
	s.failure.left--

	return s.failure, true
}

// requestTenant is the tenant a request reads; the header was checked in serve.
func (s *Server) requestTenant(r *http.Request) string {
	return s.tenantName(r.Header.Get(orgIDHeader))
}

func handleReady(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "ready")
}

// writeText writes a plain-text answer, the way Loki reports every error. Unlike
// http.Error it adds no newline, matching the recorded bodies.
func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", textContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func writeBadRequest(w http.ResponseWriter, err error) {
	writeText(w, http.StatusBadRequest, err.Error())
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeText(w, http.StatusInternalServerError, "encoding answer: "+err.Error())
		return
	}

	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
