package loki

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/scanner"
	"unicode/utf8"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/stretchr/testify/require"
)

// placeholder stands for the hostile text in the reference query.
const placeholder = "PLACEHOLDER"

// hostileQuery puts s into every place a caller's text goes.
func hostileQuery(s string) string {
	return Selector(eq("job", "syslog"), eq("host", s)) + " " + ContainsAny(s, "x") +
		" " + MatchAny(s)
}

// token is one LogQL token as Go's scanner reads it; LogQL strings follow
// Go's rules.
type token struct {
	kind rune
	text string
}

func tokens(t *testing.T, q string) []token {
	var s scanner.Scanner
	s.Init(strings.NewReader(q))
	s.Mode = scanner.ScanIdents | scanner.ScanStrings
	s.Error = func(_ *scanner.Scanner, msg string) { t.Fatalf("scanning %q: %s", q, msg) }
	var out []token
	for kind := s.Scan(); kind != scanner.EOF; kind = s.Scan() {
		out = append(out, token{kind: kind, text: s.TokenText()})
	}
	return out
}

// requireOnlyLiteralsDiffer checks that q reads as the same tokens as the
// reference query ref, except string literals, which decode to s where
// ref's decode to the placeholder; the last literal, MatchAny's, is a
// pattern matching s.
func requireOnlyLiteralsDiffer(t *testing.T, s, q, ref string) {
	got, want := tokens(t, q), tokens(t, ref)
	require.Len(t, got, len(want))
	last := lastString(want)
	for i := range want {
		require.Equal(t, want[i].kind, got[i].kind, "token %d", i)
		if want[i].kind != scanner.String {
			require.Equal(t, want[i].text, got[i].text, "token %d", i)
			continue
		}
		decoded, err := strconv.Unquote(got[i].text)
		require.NoError(t, err)
		wantDecoded, err := strconv.Unquote(want[i].text)
		require.NoError(t, err)
		switch {
		case i == last:
			requireLiteralPattern(t, s, decoded)
		case wantDecoded == placeholder:
			require.True(t, s == decoded, "token %d decodes to %q", i, decoded)
		default:
			require.Equal(t, wantDecoded, decoded, "token %d", i)
		}
	}
}

func lastString(ts []token) int {
	last := -1
	for i, tok := range ts {
		if tok.kind == scanner.String {
			last = i
		}
	}
	return last
}

// requireLiteralPattern checks that pattern compiles and matches s; past
// 256 bytes only that it compiles, since Go's regex machine takes long on a
// long pattern.
func requireLiteralPattern(t *testing.T, s, pattern string) {
	re, err := regexp.Compile(pattern)
	require.NoError(t, err)
	if len(s) > 256 {
		return
	}
	require.True(t, re.MatchString(s), "pattern does not match: len=%d", len(s))
}

func TestHostileTextStaysInItsLiteral(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{name: "keeps a closing brace and filter inside", text: `"} |= "x`},
		{name: "keeps a regex filter inside", text: `|~ ".*" or "`},
		{name: "keeps newlines inside", text: "a\n} |= \"b\r\n"},
		{name: "keeps invalid UTF-8 inside", text: "\xff\xfe\"}"},
		{name: "keeps a 10 kB text inside", text: strings.Repeat(`x"\{}|`, 1500)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := hostileQuery(tt.text)
			require.NotContains(t, q, "\n")
			requireOnlyLiteralsDiffer(t, tt.text, q, hostileQuery(placeholder))
		})
	}
}

// FuzzLogQL checks Quote and the builders on any text. Run it with
// -fuzzminimizetime 2s: minimizing long inputs otherwise stalls the run.
func FuzzLogQL(f *testing.F) {
	for _, seed := range []string{
		"", "plain", `"} |= "x`, `\`, "\n", "\r\n", `|~ ".*"`, "a\xffb", "\xc3", "`", "\u2028",
		`{host=~".+"}`, `\x41`, `\u0041`, "\x00", strings.Repeat(`x"\`, 300), placeholder,
		"é", "\U0001F600", "or", ", a=\"b",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := Quote(s)
		back, err := strconv.Unquote(lit)
		require.NoError(t, err)
		require.Equal(t, s, back)
		for i := 0; i < len(lit); i++ {
			require.True(t, lit[i] >= 0x20 && lit[i] < 0x7f, "byte %#x in %q", lit[i], lit)
		}

		q := hostileQuery(s)
		require.NotContains(t, q, "\n")
		requireOnlyLiteralsDiffer(t, s, q, hostileQuery(placeholder))
		requireHostsMatch(t, s)
	})
}

// requireHostsMatch checks that a host list holding s matches s and only
// the hosts listed. Label values are valid UTF-8 (Loki refuses others at
// ingest), so an invalid s need only match nothing else.
func requireHostsMatch(t *testing.T, s string) {
	m := HostsMatcher("host", []string{s, "mx1"})
	require.Equal(t, labels.MatchRegexp, m.Type)
	require.Equal(t, utf8.ValidString(s), m.Matches(s))
	require.True(t, m.Matches("mx1"))
	require.False(t, m.Matches("x"+s+"x"))
}
