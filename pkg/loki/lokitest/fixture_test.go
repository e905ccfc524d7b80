package lokitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixtureDir holds copies of shared/fixtures/loki: requests to a real Loki 3.7 and
// its answers.
const fixtureDir = "testdata/loki"

// fixture is one recorded request and answer.
type fixture struct {
	Name    string `json:"name"`
	Tenant  string `json:"tenant"`
	Request struct {
		Method  string                     `json:"method"`
		Path    string                     `json:"path"`
		Params  map[string]json.RawMessage `json:"params"`
		Headers map[string]string          `json:"headers"`
	} `json:"request"`
	Response struct {
		Status      int             `json:"status"`
		ContentType string          `json:"content_type"`
		Body        json.RawMessage `json:"body"`
	} `json:"response"`
}

func loadFixtures(t *testing.T) []fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)

	var out []fixture
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		var f fixture
		require.NoError(t, json.Unmarshal(raw, &f), "decoding fixture: path=%s", p)
		out = append(out, f)
	}

	return out
}

// param returns a recorded parameter, recorded as a string or a list of them.
func param(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)

	return many
}

// node is a decoded JSON value that keeps the order of object keys.
type node struct {
	kind   string // object, array, string, number, bool, null
	keys   []string
	fields map[string]node
	items  []node
	scalar any
}

func decodeNode(t *testing.T, raw []byte) node {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := readNode(dec)
	require.NoError(t, err, "decoding JSON: %s", raw)

	return n
}

func readNode(dec *json.Decoder) (node, error) {
	tok, err := dec.Token()
	if err != nil {
		return node{}, err
	}

	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return readObject(dec)
		}
		return readArray(dec)
	case string:
		return node{kind: "string", scalar: v}, nil
	case json.Number:
		return node{kind: "number", scalar: v.String()}, nil
	case bool:
		return node{kind: "bool", scalar: v}, nil
	}

	return node{kind: "null"}, nil
}

func readObject(dec *json.Decoder) (node, error) {
	n := node{kind: "object", fields: map[string]node{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return n, err
		}
		key := tok.(string)
		v, err := readNode(dec)
		if err != nil {
			return n, err
		}
		n.keys = append(n.keys, key)
		n.fields[key] = v
	}
	_, err := dec.Token()

	return n, err
}

func readArray(dec *json.Decoder) (node, error) {
	n := node{kind: "array"}
	for dec.More() {
		v, err := readNode(dec)
		if err != nil {
			return n, err
		}
		n.items = append(n.items, v)
	}
	_, err := dec.Token()

	return n, err
}

// canonical renders a node with sorted keys, to compare sets of objects.
func (n node) canonical() string {
	switch n.kind {
	case "object":
		keys := slices.Sorted(slices.Values(n.keys))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%q:%s", k, n.fields[k].canonical())
		}
		return "{" + strings.Join(parts, ",") + "}"
	case "array":
		parts := make([]string, len(n.items))
		for i, it := range n.items {
			parts[i] = it.canonical()
		}
		return "[" + strings.Join(parts, ",") + "]"
	}

	return fmt.Sprintf("%s:%v", n.kind, n.scalar)
}

// shapeRules say how loosely two answers compare.
type shapeRules struct {
	// unordered lists paths whose arrays are sets and whose objects' key order is
	// Loki's map order: series data.
	unordered map[string]bool
}

// compareNodes requires got to match want: the same kinds, object keys in the same
// order, arrays of the same length in the same order, and equal scalars, except
// that under stats only the kinds must match.
func compareNodes(t *testing.T, rules shapeRules, path string, want, got node) {
	t.Helper()
	require.Equal(t, want.kind, got.kind, "kind at %s", path)
	inStats := strings.HasPrefix(path, "$.data.stats")

	switch want.kind {
	case "object":
		if rules.unordered[path] {
			require.ElementsMatch(t, want.keys, got.keys, "keys at %s", path)
		} else {
			require.Equal(t, want.keys, got.keys, "keys at %s", path)
		}
		for _, k := range want.keys {
			compareNodes(t, rules, path+"."+k, want.fields[k], got.fields[k])
		}
	case "array":
		compareArrays(t, rules, path, want, got)
	default:
		if !inStats {
			require.Equal(t, want.scalar, got.scalar, "value at %s", path)
		}
	}
}

func compareArrays(t *testing.T, rules shapeRules, path string, want, got node) {
	t.Helper()
	require.Len(t, got.items, len(want.items), "length at %s", path)
	if rules.unordered[path] {
		sortNodes(want.items)
		sortNodes(got.items)
	}
	for i := range want.items {
		itemPath := fmt.Sprintf("%s[%d]", path, i)
		if rules.unordered[path] {
			itemPath = path + "[]"
		}
		compareNodes(t, rules, itemPath, want.items[i], got.items[i])
	}
}

func sortNodes(ns []node) {
	sort.Slice(ns, func(i, j int) bool { return ns[i].canonical() < ns[j].canonical() })
}
