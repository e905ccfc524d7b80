package loki

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Entry is one log line.
type Entry struct {
	Time time.Time
	Line string
	// Labels are the stream's labels. Entries of one stream share one map:
	// treat it as read-only. Loki adds labels of its own (service_name,
	// copied from app), which are not syslog fields.
	Labels map[string]string
	// Metadata is the line's structured metadata (e.g. "pid", and Loki's own
	// "detected_level"); nil when Loki sent none or folded it into Labels
	// (older Loki versions ignore categorize-labels).
	Metadata map[string]string
	// Parsed holds labels extracted by parser stages of the query (| json,
	// | logfmt, ...), when Loki sent them apart.
	Parsed map[string]string
}

// stream is one stream of a log answer or a tail message.
type stream struct {
	Stream map[string]string `json:"stream"`
	Values []value           `json:"values"`
}

// value is one line of a stream: [ns, line] or, with categorize-labels,
// [ns, line, {"structuredMetadata": {...}, "parsed": {...}}].
type value struct {
	ns       int64
	line     string
	metadata map[string]string
	parsed   map[string]string
}

// UnmarshalJSON reads both value shapes. The array is split once and its
// two strings read straight from the raw bytes when they hold no escape:
// decoding each element with its own json.Unmarshal, which validates it
// again, made a page of lines cost milliseconds.
func (v *value) UnmarshalJSON(b []byte) error {
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil {
		return err
	}
	if len(parts) < 2 || len(parts) > 3 {
		return fmt.Errorf("reading value: elements=%d: %w", len(parts), ErrBadAnswer)
	}
	ts, err := rawString(parts[0])
	if err != nil {
		return fmt.Errorf("reading timestamp: %w", err)
	}
	if v.ns, err = parseNanos(ts); err != nil {
		return err
	}
	if v.line, err = rawString(parts[1]); err != nil {
		return fmt.Errorf("reading line: %w", err)
	}
	if len(parts) == 3 {
		return v.readCategories(parts[2])
	}
	return nil
}

// rawString reads a JSON string element, decoding it only when it holds
// escapes.
func rawString(raw json.RawMessage) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' &&
		!bytes.ContainsAny(raw[1:len(raw)-1], "\\\"") {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

func (v *value) readCategories(b json.RawMessage) error {
	var cat struct {
		StructuredMetadata map[string]string `json:"structuredMetadata"`
		Parsed             map[string]string `json:"parsed"`
	}
	if err := json.Unmarshal(b, &cat); err != nil {
		return fmt.Errorf("reading label categories: %w", err)
	}
	v.metadata, v.parsed = nonEmpty(cat.StructuredMetadata), nonEmpty(cat.Parsed)
	return nil
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// parseNanos reads a stream timestamp: nanoseconds since the epoch, as a
// string (metric answers use second numbers instead; they are not read here).
func parseNanos(s string) (int64, error) {
	ns, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("reading timestamp: ts=%q: %w", s, ErrBadAnswer)
	}
	return ns, nil
}

// entries flattens streams into entries, in stream order.
func entries(streams []stream) []Entry {
	n := 0
	for _, s := range streams {
		n += len(s.Values)
	}
	out := make([]Entry, 0, n)
	for _, s := range streams {
		for _, v := range s.Values {
			out = append(out, Entry{
				Time:     time.Unix(0, v.ns).UTC(),
				Line:     v.line,
				Labels:   s.Stream,
				Metadata: v.metadata,
				Parsed:   v.parsed,
			})
		}
	}
	return out
}

// decodeStrings reads a labels or label values answer.
func decodeStrings(body []byte) ([]string, error) {
	var ans struct {
		Status string   `json:"status"`
		Data   []string `json:"data"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("decoding answer: %w: %w", ErrBadAnswer, err)
	}
	if ans.Status != "success" {
		return nil, fmt.Errorf("decoding answer: status=%q: %w", ans.Status, ErrBadAnswer)
	}
	return ans.Data, nil
}
