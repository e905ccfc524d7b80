package lokitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// base is the time the test data starts at.
var base = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return base.Add(d) }

func ns(d time.Duration) string { return fmt.Sprint(at(d).UnixNano()) }

// get sends a GET with params and headers and returns the status and body.
func get(t *testing.T, s *Server, path string, params url.Values, hdr http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path+"?"+params.Encode(), nil)
	require.NoError(t, err)
	for k, vs := range hdr {
		req.Header[k] = vs
	}

	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	return resp.StatusCode, string(body)
}

// answer is a decoded log answer.
type answer struct {
	Status string `json:"status"`
	Data   struct {
		ResultType    string   `json:"resultType"`
		EncodingFlags []string `json:"encodingFlags"`
		Result        []struct {
			Stream map[string]string `json:"stream"`
			Values [][]any           `json:"values"`
		} `json:"result"`
		Stats struct {
			Summary struct {
				TotalEntriesReturned int `json:"totalEntriesReturned"`
			} `json:"summary"`
		} `json:"stats"`
	} `json:"data"`
}

func decodeAnswer(t *testing.T, body string) answer {
	t.Helper()
	var a answer
	require.NoError(t, json.Unmarshal([]byte(body), &a), "body: %s", body)

	return a
}

// summary renders each stream of an answer as "app[ pid=N]: line | line", in the
// answer's order, to compare selection, grouping and order at a glance.
func (a answer) summary() []string {
	out := []string{}
	for _, st := range a.Data.Result {
		name := st.Stream["app"]
		if pid, ok := st.Stream["pid"]; ok {
			name += " pid=" + pid
		}
		lines := make([]string, len(st.Values))
		for i, v := range st.Values {
			lines[i] = v[1].(string)
		}
		out = append(out, name+": "+strings.Join(lines, " | "))
	}

	return out
}

// pushLab pushes a small two-host data set: three streams, pid metadata on one.
func pushLab(s *Server, tenant string) {
	smtpd := map[string]string{"job": "syslog", "host": "mx1.example.net", "app": "smtpd"}
	qmgr := map[string]string{"job": "syslog", "host": "mx10.example.net", "app": "qmgr"}
	other := map[string]string{"job": "other", "host": "mx1.example.net", "app": "cron"}
	s.Push(tenant, smtpd,
		Entry{Time: at(1 * time.Second), Line: "E1: client=a"},
		Entry{Time: at(2 * time.Second), Line: "E1: message-id=<m.1@x>"},
		Entry{Time: at(3 * time.Second), Line: "E2: client=b"},
	)
	s.Push(tenant, qmgr,
		Entry{Time: at(1500 * time.Millisecond), Line: "E1: from=<a@b>",
			Metadata: map[string]string{"pid": "10"}},
		Entry{Time: at(4 * time.Second), Line: "E3: removed",
			Metadata: map[string]string{"pid": "11"}},
	)
	s.Push(tenant, other, Entry{Time: at(2500 * time.Millisecond), Line: "noise E1"})
}

func sortedCopy(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)

	return out
}
