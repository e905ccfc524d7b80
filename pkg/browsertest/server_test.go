package browsertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailpath/mailpath/pkg/plugintest"
)

// page is the harness site on 127.0.0.1: the page and its bundle, query answers by name,
// and the data source's resources forwarded to the plugin as Grafana's
// /api/datasources/uid/<uid>/resources/ route forwards them.
type page struct {
	URL string

	host *plugintest.Host
	ds   plugintest.Settings

	mu      sync.Mutex
	answers map[string][]byte
	calls   []string // resource targets asked for, in order
}

// servePage starts the site for one data source; it is shut down when the test ends.
func servePage(t *testing.T, host *plugintest.Host, ds plugintest.Settings) *page {
	p := &page{host: host, ds: ds, answers: map[string][]byte{}}
	dist := filepath.Join(root, "tests", "browser", "dist")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(root, "tests", "browser", "index.html"))
	})
	mux.Handle("GET /harness.js", http.FileServer(http.Dir(dist)))
	// @grafana/ui's Icon loads its SVGs from Grafana's public/build; the package ships them.
	icons := filepath.Join(root, "node_modules", "@grafana", "ui", "dist", "public", "img")
	mux.Handle("GET /public/build/img/",
		http.StripPrefix("/public/build/img/", http.FileServer(http.Dir(icons))))
	mux.HandleFunc("GET /frames/{name}", p.serveAnswer)
	// Chromium asks for a favicon on its own; an empty answer keeps the page's log clean.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/api/datasources/uid/{uid}/resources/{rest...}", p.serveResource)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// answer publishes a query answer, as JSON, at /frames/<name>.
func (p *page) answer(name string, body []byte) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answers[name] = body
	return "/frames/" + name
}

func (p *page) serveAnswer(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	body, ok := p.answers[r.PathValue("name")]
	p.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// serveResource hands the call to the plugin's CallResource over gRPC and its answer back,
// status and body as they came; every Mailpath resource answers JSON.
func (p *page) serveResource(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("uid") != p.ds.UID {
		http.Error(w, "no data source with uid "+r.PathValue("uid"), http.StatusNotFound)
		return
	}
	target := r.PathValue("rest")
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	p.mu.Lock()
	p.calls = append(p.calls, target)
	p.mu.Unlock()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	status, out, err := p.host.CallResource(ctx, p.ds, r.Method, target, body)
	if err != nil {
		http.Error(w, fmt.Sprintf("calling resource: target=%s: %v", target, err),
			http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// called lists the resource calls whose target starts with prefix.
func (p *page) called(prefix string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, c := range p.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}
