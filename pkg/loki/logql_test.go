package loki

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/stretchr/testify/require"
)

func eq(name, value string) *labels.Matcher {
	return labels.MustNewMatcher(labels.MatchEqual, name, value)
}

func TestQuote(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "keeps plain text", in: "E35AD9A2498", want: `"E35AD9A2498"`},
		{name: "escapes quotes and backslashes", in: `a"b\c`, want: `"a\"b\\c"`},
		{name: "escapes newlines", in: "a\nb\r", want: `"a\nb\r"`},
		{name: "escapes invalid UTF-8 byte by byte", in: "a\xffb", want: `"a\xffb"`},
		{name: "escapes non-ASCII", in: "é\u2028", want: `"\u00e9\u2028"`},
		{name: "leaves backticks alone", in: "`x`", want: "\"`x`\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, Quote(tt.in))
			back, err := strconv.Unquote(Quote(tt.in))
			require.NoError(t, err)
			require.Equal(t, tt.in, back)
		})
	}
}

// queryOf is the parameter a recording sent as its query.
func queryOf(t *testing.T, name string) string {
	return loadFixture(t, name).Request.Params["query"].(string)
}

func TestBuildersWriteWhatLokiAccepted(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		build   func() string
	}{
		{name: "writes a needle search", fixture: "01", build: func() string {
			return Selector(eq("job", "syslog")) + " " + ContainsAny(
				"message-id=<20261203102928.T01-NORMAL.25b17b@client.outside.example.com>")
		}},
		{name: "escapes regex metacharacters of a Message-ID", fixture: "17", build: func() string {
			return Selector(eq("job", "syslog")) + " " +
				MatchAny("T30-SPAM.25b17b@client.outside.example.com")
		}},
		{name: "writes one alternation of queue IDs", fixture: "03", build: func() string {
			hosts := labels.MustNewMatcher(labels.MatchRegexp, "host",
				`mx1\.example\.net|filter1\.example\.net|store1\.example\.net`)
			return Selector(eq("job", "syslog"), hosts) + " " +
				MatchAny("E35AD9A2498", "125BB9A24A6", "41AFA9A24AF", "rtlVFIlEEWu2BwAAqi8+8Q")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, queryOf(t, tt.fixture), tt.build())
		})
	}
}

func TestSelector(t *testing.T) {
	tests := []struct {
		name string
		ms   []*labels.Matcher
		want string
	}{
		{name: "joins matchers in order",
			ms: []*labels.Matcher{eq("host", "mx1"),
				labels.MustNewMatcher(labels.MatchRegexp, "app", "postfix.*")},
			want: `{host="mx1", app=~"postfix.*"}`},
		{name: "keeps a hostile value inside its literal",
			ms:   []*labels.Matcher{eq("host", `mx1"} |= "x`)},
			want: `{host="mx1\"} |= \"x"}`},
		{name: "writes negative matchers",
			ms: []*labels.Matcher{eq("job", "syslog"),
				labels.MustNewMatcher(labels.MatchNotEqual, "host", "a"),
				labels.MustNewMatcher(labels.MatchNotRegexp, "app", "b|c")},
			want: `{job="syslog", host!="a", app!~"b|c"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, Selector(tt.ms...))
		})
	}
}

func TestValidSelectorRefuses(t *testing.T) {
	tests := []struct {
		name string
		ms   []*labels.Matcher
		want error
	}{
		{name: "refuses a name with a quote", ms: []*labels.Matcher{eq(`a"`, "x")},
			want: ErrBadLabelName},
		{name: "refuses a name starting with a digit", ms: []*labels.Matcher{eq("1a", "x")},
			want: ErrBadLabelName},
		{name: "refuses no matcher", want: ErrEmptySelector},
		{name: "refuses a nil matcher", ms: []*labels.Matcher{eq("a", "b"), nil},
			want: ErrEmptySelector},
		{name: "refuses matchers that all match the empty value",
			ms:   []*labels.Matcher{labels.MustNewMatcher(labels.MatchRegexp, "host", ".*")},
			want: ErrEmptySelector},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidSelector(tt.ms...)
			require.ErrorIs(t, err, tt.want)
			require.Panics(t, func() { Selector(tt.ms...) })
		})
	}
}

func TestLineFilters(t *testing.T) {
	long := strings.Repeat(`x"\`, 3500)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "joins texts with or", got: ContainsAny("a", `b"`), want: `|= "a" or "b\""`},
		{name: "keeps no line for no texts", got: ContainsAny(), want: `!= ""`},
		{name: "keeps no line for no patterns", got: MatchAny(), want: `!= ""`},
		{name: "quotes a regex operator as text", got: MatchAny(`|~ ".*"`),
			want: `|~ "\\|~ \"\\.\\*\""`},
		{name: "escapes a 10 kB text whole", got: ContainsAny(long),
			want: "|= " + strconv.Quote(long)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.got)
		})
	}
}

func TestMatchAnyMatchesTextLiterally(t *testing.T) {
	tests := []struct {
		name  string
		texts []string
		line  string
		match bool
	}{
		{name: "matches the Message-ID", texts: []string{"a.b+c@x"}, line: "id=<a.b+c@x>",
			match: true},
		{name: "does not take a dot for any character", texts: []string{"a.b"}, line: "aXb"},
		{name: "matches any of several", texts: []string{"Q1", "Q2"}, line: "Q2: removed",
			match: true},
		{name: "matches invalid UTF-8", texts: []string{"a\xffb"}, line: "x a\xffb", match: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lit := strings.TrimPrefix(MatchAny(tt.texts...), "|~ ")
			pattern, err := strconv.Unquote(lit)
			require.NoError(t, err)
			re, err := regexp.Compile(pattern)
			require.NoError(t, err)
			require.Equal(t, tt.match, re.MatchString(tt.line))
		})
	}
}

func TestHostsMatcher(t *testing.T) {
	tests := []struct {
		name   string
		hosts  []string
		want   string
		match  []string
		reject []string
	}{
		{name: "uses equality for one host", hosts: []string{"mx1.example.net"},
			want: `host="mx1.example.net"`, match: []string{"mx1.example.net"},
			reject: []string{"mx1Xexample.net"}},
		{name: "anchors an escaped alternation for several",
			hosts:  []string{"mx1.example.net", "mx2"},
			want:   `host=~"^(?:mx1\\.example\\.net|mx2)$"`,
			match:  []string{"mx1.example.net", "mx2"},
			reject: []string{"mx1Xexample.net", "mx2x", "xmx2", ""}},
		{name: "matches nothing for no host", want: `host=~"[^\\x00-\\x{10FFFF}]"`,
			reject: []string{"", "mx1", "\U0010FFFF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := HostsMatcher("host", tt.hosts)
			require.Equal(t, "{"+tt.want+"}", Selector(m))
			for _, h := range tt.match {
				require.True(t, m.Matches(h), h)
			}
			for _, h := range tt.reject {
				require.False(t, m.Matches(h), h)
			}
		})
	}
}
