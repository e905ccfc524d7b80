package lokisource

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/loki"
)

// FuzzPlanEscapes feeds hostile seeds (a Message-ID, an address, a tag) into
// the query plan. The LogQL must be the same as for a harmless placeholder
// but for the one string literal, and that literal must decode to exactly
// the seed: the seed can neither break nor change the query.
func FuzzPlanEscapes(f *testing.F) {
	for _, s := range []string{`<a"b@x>`, `<a\b@x>`, "<a\nb@x>", `"|~ ".*" or "`, "} |= \"x\" {",
		"<" + strings.Repeat("\\\"|~.*", 2000) + "@x>", "\xff\xfe", "`", ""} {
		f.Add(s)
	}
	s, err := New(nil, Options{})
	require.NoError(f, err)
	const placeholder = "PLACEHOLDER"
	want := s.plan(logsource.Query{Terms: []logsource.Term{{Text: placeholder}}})[0].query
	prefix, _, _ := strings.Cut(want, strconv.Quote(placeholder))
	f.Fuzz(func(t *testing.T, text string) {
		if text == "" {
			return
		}
		got := s.plan(logsource.Query{Terms: []logsource.Term{{Text: text}}})[0].query
		require.True(t, strings.HasPrefix(got, prefix), got)
		lit := strings.TrimPrefix(got, prefix)
		require.Equal(t, loki.Quote(text), lit)
		decoded, err := strconv.Unquote(lit)
		require.NoError(t, err)
		require.Equal(t, text, decoded)
		require.NotContains(t, got, "\n")
	})
}
