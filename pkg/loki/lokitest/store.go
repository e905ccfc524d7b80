package lokitest

import (
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

// serviceNameSources are the labels Loki's discover_service_name copies into
// service_name by default, first found wins.
var serviceNameSources = []string{
	"service", "app", "application", "app_name", "name", "app_kubernetes_io_name",
	"container", "container_name", "k8s_container_name", "component", "workload", "job",
	"k8s_job_name",
}

// levelSources are the label and metadata names whose value Loki takes as the level.
var levelSources = []string{
	"level", "LEVEL", "Level", "severity", "SEVERITY", "Severity", "lvl", "LVL", "Lvl",
}

// levelWords maps words that mark a line's level to the detected_level value.
var levelWords = map[string]string{
	"trace": "trace", "debug": "debug", "info": "info", "warn": "warn",
	"warning": "warn", "error": "error", "err": "error", "critical": "critical",
	"fatal": "fatal", "panic": "critical",
}

// tenantData holds one tenant's streams, keyed by their label string.
type tenantData struct {
	streams map[string]*stream
}

// stream is one stream as Loki's index knows it: stream labels and their entries.
type stream struct {
	labels  labels.Labels
	entries []stored
	seen    map[entryKey]bool
}

// stored is one pushed entry; seq keeps push order among equal timestamps.
type stored struct {
	ts   time.Time
	line string
	meta labels.Labels
	seq  uint64
}

type entryKey struct {
	ns   int64
	line string
}

// streamFor returns the stream for ls, creating it on first use.
func (t *tenantData) streamFor(ls labels.Labels) *stream {
	key := ls.String()
	st, ok := t.streams[key]
	if !ok {
		st = &stream{labels: ls, seen: map[entryKey]bool{}}
		t.streams[key] = st
	}

	return st
}

// add stores e unless the stream holds the same line at the same nanosecond,
// which Loki's ingester drops silently; it reports whether e was stored.
func (st *stream) add(e stored) bool {
	key := entryKey{ns: e.ts.UnixNano(), line: e.line}
	if st.seen[key] {
		return false
	}
	st.seen[key] = true
	st.entries = append(st.entries, e)

	return true
}

// hasEntryIn reports whether the stream holds an entry in [start, end).
func (st *stream) hasEntryIn(start, end time.Time) bool {
	for _, e := range st.entries {
		if inRange(e.ts, start, end) {
			return true
		}
	}

	return false
}

func inRange(ts, start, end time.Time) bool {
	return !ts.Before(start) && ts.Before(end)
}

// streamLabels builds the stored stream labels, adding service_name as Loki does
// unless discovery is off.
func streamLabels(m map[string]string, discover bool) labels.Labels {
	b := labels.NewScratchBuilder(len(m) + 1)
	for k, v := range m {
		b.Add(k, v)
	}
	if _, ok := m["service_name"]; discover && !ok {
		b.Add("service_name", serviceName(m))
	}
	b.Sort()

	return b.Labels()
}

func serviceName(m map[string]string) string {
	for _, name := range serviceNameSources {
		if v := m[name]; v != "" {
			return v
		}
	}

	return "unknown_service"
}

// entryMetadata builds an entry's structured metadata, adding detected_level as
// Loki does unless discovery is off or the entry brings its own.
func entryMetadata(ls labels.Labels, e Entry, discover bool) labels.Labels {
	b := labels.NewScratchBuilder(len(e.Metadata) + 1)
	for k, v := range e.Metadata {
		b.Add(k, v)
	}
	if _, ok := e.Metadata["detected_level"]; discover && !ok {
		b.Add("detected_level", detectLevel(ls, e))
	}
	b.Sort()

	return b.Labels()
}

// detectLevel approximates Loki's discover_log_levels: a level label or metadata
// value first, then the first word of the line that names a level.
func detectLevel(ls labels.Labels, e Entry) string {
	for _, name := range levelSources {
		if v := ls.Get(name); v != "" {
			return v
		}
		if v := e.Metadata[name]; v != "" {
			return v
		}
	}

	return levelFromLine(e.Line)
}

func levelFromLine(line string) string {
	words := strings.FieldsFunc(line, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	})
	for _, w := range words {
		if lvl, ok := levelWords[w]; ok {
			return lvl
		}
		if lvl, ok := levelWords[strings.ToLower(w)]; ok && w == strings.ToUpper(w) {
			return lvl
		}
	}

	return "unknown"
}
