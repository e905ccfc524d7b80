package lokitest

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// recordedStreams is the part of a recorded log answer that says what was pushed.
type recordedStreams struct {
	Data struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Stream map[string]string   `json:"stream"`
			Values [][]json.RawMessage `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// metadataNames are the recorded stream keys that were structured metadata, not
// labels, in the lab (the README's table); service_name and detected_level are
// left for the fake to add, so the comparison checks that it adds them as Loki did.
var metadataNames = map[string]bool{"pid": true}

var lokiAdded = map[string]bool{"service_name": true, "detected_level": true}

// TestConformance replays each recorded request against a fake holding the lines
// the recordings show and compares the answer with Loki's: status, content type,
// and the JSON with its keys, key order, value kinds and array order, values too
// except the numbers of stats.
func TestConformance(t *testing.T) {
	fixtures := loadFixtures(t)
	for _, f := range fixtures {
		if f.Request.Path == "" || f.Name >= "18" {
			continue // 18 is a metric query, 19 a tail session: tested apart
		}
		t.Run(f.Name, func(t *testing.T) {
			s := NewServer(t, Options{Tenants: true})
			pushRecorded(t, s, fixtures)
			pushMetadataAnswer(t, s, f)

			resp := replay(t, s, f)
			defer func() { _ = resp.Body.Close() }()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)

			require.Equal(t, f.Response.Status, resp.StatusCode, "body: %s", body)
			require.Equal(t, f.Response.ContentType, resp.Header.Get("Content-Type"))
			compareBodies(t, f, body)
		})
	}
}

// pushRecorded pushes every entry of every recorded log answer into its tenant,
// with the labels and structured metadata the recording shows.
func pushRecorded(t *testing.T, s *Server, fixtures []fixture) {
	t.Helper()
	for _, f := range fixtures {
		if f.Response.Status != http.StatusOK || f.Request.Path != queryRangePath {
			continue
		}
		var rec recordedStreams
		if json.Unmarshal(f.Response.Body, &rec) != nil || rec.Data.ResultType != "streams" {
			continue // a metric answer: its values are not entries
		}
		for _, st := range rec.Data.Result {
			lbls, meta := splitRecorded(st.Stream)
			for _, v := range st.Values {
				s.Push(f.Tenant, lbls, recordedEntry(t, v, meta))
			}
		}
	}
}

func splitRecorded(stream map[string]string) (map[string]string, map[string]string) {
	lbls, meta := map[string]string{}, map[string]string{}
	for k, v := range stream {
		switch {
		case metadataNames[k]:
			meta[k] = v
		case !lokiAdded[k]:
			lbls[k] = v
		}
	}

	return lbls, meta
}

// recordedEntry rebuilds an entry from a recorded value; categorized values bring
// their structured metadata as a third element.
func recordedEntry(t *testing.T, v []json.RawMessage, meta map[string]string) Entry {
	t.Helper()
	var ts, line string
	require.NoError(t, json.Unmarshal(v[0], &ts))
	require.NoError(t, json.Unmarshal(v[1], &line))
	ns, err := strconv.ParseInt(ts, 10, 64)
	require.NoError(t, err)

	md := maps.Clone(meta)
	if len(v) > 2 {
		var c struct {
			StructuredMetadata map[string]string `json:"structuredMetadata"`
		}
		require.NoError(t, json.Unmarshal(v[2], &c))
		maps.Copy(md, c.StructuredMetadata)
		delete(md, "detected_level")
	}

	return Entry{Time: time.Unix(0, ns), Line: line, Metadata: md}
}

// pushMetadataAnswer pushes, for a label values or series recording, one entry per
// value or series it lists, at the request's start.
func pushMetadataAnswer(t *testing.T, s *Server, f fixture) {
	t.Helper()
	if f.Response.Status != http.StatusOK {
		return
	}
	at := recordedStart(t, f)
	line := Entry{Time: at, Line: "pushed for " + f.Name}

	switch {
	case f.Request.Path == seriesPath:
		var rec struct{ Data []map[string]string }
		require.NoError(t, json.Unmarshal(f.Response.Body, &rec))
		for _, ls := range rec.Data {
			lbls, _ := splitRecorded(ls)
			s.Push(f.Tenant, lbls, line)
		}
	case strings.HasSuffix(f.Request.Path, "/values"):
		name := strings.Split(f.Request.Path, "/")[5] // /loki/api/v1/label/NAME/values
		var rec struct{ Data []string }
		require.NoError(t, json.Unmarshal(f.Response.Body, &rec))
		for _, v := range rec.Data {
			s.Push(f.Tenant, map[string]string{"job": "syslog", name: v}, line)
		}
	}
}

func recordedStart(t *testing.T, f fixture) time.Time {
	t.Helper()
	start := param(f.Request.Params["start"])
	require.Len(t, start, 1)
	ns, err := strconv.ParseInt(start[0], 10, 64)
	require.NoError(t, err)

	return time.Unix(0, ns)
}

// replay sends the recorded request, with the tenant header the recorder sent.
func replay(t *testing.T, s *Server, f fixture) *http.Response {
	t.Helper()
	q := url.Values{}
	for k, raw := range f.Request.Params {
		q[k] = param(raw)
	}
	req, err := http.NewRequest(f.Request.Method, s.URL+f.Request.Path+"?"+q.Encode(), nil)
	require.NoError(t, err)
	for k, v := range f.Request.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set(orgIDHeader, f.Tenant)

	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)

	return resp
}

// compareBodies compares a text answer exactly and a JSON one node by node.
func compareBodies(t *testing.T, f fixture, body []byte) {
	t.Helper()
	var text string
	if json.Unmarshal(f.Response.Body, &text) == nil {
		require.Equal(t, text, string(body))
		return
	}

	rules := shapeRules{}
	if f.Request.Path == seriesPath {
		rules.unordered = map[string]bool{"$.data": true, "$.data[]": true}
	}
	compareNodes(t, rules, "$", decodeNode(t, f.Response.Body), decodeNode(t, body))
}
