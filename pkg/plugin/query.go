package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mailpath/mailpath/pkg/search"
	"github.com/mailpath/mailpath/pkg/trace"
)

// Query types.
const (
	QueryTypeTrace    = "trace"
	QueryTypeSearch   = "search"
	QueryTypeTopology = "topology"
)

// Trace outputs: which frames a trace query answers with. Grafana's Node
// Graph panel takes every frame without a "source" field for a nodes frame,
// so a panel drawing the graph asks for the graph alone.
const (
	OutputAll    = "all"
	OutputGraph  = "graph"
	OutputEvents = "events"
)

// Query is the query model the front end sends (src/types.ts).
type Query struct {
	SchemaVersion int    `json:"schemaVersion"`
	QueryType     string `json:"queryType"`
	MessageID     string `json:"messageId"`
	QueueID       string `json:"queueId"`
	Sender        string `json:"sender"`
	Recipient     string `json:"recipient"`
	Tag           string `json:"tag"`
	Output        string `json:"output"`
	// Node and Edge keep only the lines of one graph node or edge (ids as in
	// the nodes and edges frames): the path map's link to Explore uses them.
	Node       string   `json:"node"`
	Edge       string   `json:"edge"`
	EntryHosts []string `json:"entryHosts"`
	Status     string   `json:"status"`
	Client     string   `json:"client"`
	Limit      int      `json:"limit"`
}

func parseQuery(q backend.DataQuery) (Query, error) {
	var m Query
	if err := json.Unmarshal(q.JSON, &m); err != nil {
		return m, fmt.Errorf("reading query: refID=%s: %w: %w", q.RefID, ErrBadQuery, err)
	}
	if m.QueryType == "" {
		m.QueryType = q.QueryType
	}
	return m, nil
}

// checkText holds a query's text fields to the rules resource parameters
// follow: at most maxParam bytes, no control characters. A Message-ID of a
// megabyte or with a newline is no Message-ID, and would only make a huge
// LogQL query.
func (m Query) checkText() error {
	for name, v := range map[string]string{"messageId": m.MessageID, "queueId": m.QueueID,
		"sender": m.Sender, "recipient": m.Recipient, "tag": m.Tag, "client": m.Client,
		"node": m.Node, "edge": m.Edge} {
		if err := checkValue(name, v); err != nil {
			return err
		}
	}
	for _, h := range m.EntryHosts {
		if err := checkValue("entryHosts", h); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(name, v string) error {
	switch {
	case len(v) > maxParam:
		return fmt.Errorf("reading %s: %w: longer than %d bytes", name, ErrBadQuery, maxParam)
	case strings.ContainsFunc(v, func(c rune) bool { return c < ' ' || c == 0x7f }):
		return fmt.Errorf("reading %s: %w: control characters", name, ErrBadQuery)
	}
	return nil
}

// seed turns a trace query into a seed bounded by the query's time range.
func (m Query) seed(tr backend.TimeRange) (trace.Seed, error) {
	if err := m.checkText(); err != nil {
		return trace.Seed{}, err
	}
	s := trace.Seed{MessageID: strings.TrimSpace(m.MessageID),
		From: strings.TrimSpace(m.Sender), To: strings.TrimSpace(m.Recipient),
		Tag: strings.TrimSpace(m.Tag), Since: tr.From, Until: tr.To}
	if m.QueueID != "" {
		host, qid, ok := strings.Cut(m.QueueID, ":")
		switch {
		case ok && host != "" && qid == "":
			return s, fmt.Errorf("reading queueId: value=%q: %w", m.QueueID,
				trace.ErrHostNeedsQueueID)
		case !ok || host == "" || qid == "":
			return s, fmt.Errorf("reading queueId: value=%q: %w", m.QueueID,
				trace.ErrQueueIDNeedsHost)
		}
		s.Host, s.QueueID = host, qid
	}
	err := s.Validate()
	if errors.Is(err, trace.ErrEmptyMessageID) {
		err = fmt.Errorf("reading messageId: %w", err)
	}
	return s, err
}

// checkLinesFilter refuses a trace query that keeps the lines of a node and
// of an edge at once: one of them would be dropped without a word, and the
// lines resource refuses the same.
func (m Query) checkLinesFilter() error {
	if m.Node != "" && m.Edge != "" {
		return fmt.Errorf("reading node=%q and edge=%q: %w: want at most one of them",
			m.Node, m.Edge, ErrBadQuery)
	}
	return nil
}

func (m Query) output() (string, error) {
	switch m.Output {
	case "", OutputAll:
		return OutputAll, nil
	case OutputGraph, OutputEvents:
		return m.Output, nil
	}
	return "", fmt.Errorf("reading output: value=%q: %w: want all, graph or events", m.Output,
		ErrBadQuery)
}

// filter turns a search query into a search filter bounded by the time range.
func (m Query) filter(tr backend.TimeRange) (search.Filter, error) {
	if err := m.checkText(); err != nil {
		return search.Filter{}, err
	}
	f := search.Filter{EntryHosts: m.EntryHosts, Since: tr.From, Until: tr.To, From: m.Sender,
		To: m.Recipient, Tag: m.Tag, Client: m.Client, Status: trace.Disposition(m.Status),
		Limit: m.Limit}
	if m.Status != "" && search.Severity(f.Status) == 0 {
		return f, fmt.Errorf("reading status: value=%q: %w", m.Status, ErrBadQuery)
	}
	if f.Limit < 0 || f.Limit > 10_000 {
		return f, fmt.Errorf("reading limit: value=%d: %w: want 1 to 10000", m.Limit, ErrBadQuery)
	}
	return f, nil
}
