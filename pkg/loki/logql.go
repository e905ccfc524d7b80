package loki

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/prometheus/model/labels"
)

// Quote returns a LogQL double-quoted string literal whose decoded value is
// exactly s. LogQL decodes string literals by Go's rules, so Quote escapes
// everything but printable ASCII: the result holds no newline, no quote or
// backslash unescaped and no byte above 0x7e, whatever s holds (invalid
// UTF-8 included, as \x escapes).
func Quote(s string) string {
	return strconv.QuoteToASCII(s)
}

// ValidSelector builds a stream selector such as
// `{host="mx1", app=~"postfix.*"}` from matchers, in the order given. Each
// value is a quoted LogQL string ([Quote]), so it cannot end the selector.
// It fails with [ErrBadLabelName] for a name that is not a LogQL label name
// and with [ErrEmptySelector] when there is no matcher, a nil one, or none
// that rejects the empty value (Loki refuses such selectors).
func ValidSelector(ms ...*labels.Matcher) (string, error) {
	if err := checkMatchers(ms); err != nil {
		return "", fmt.Errorf("building selector: %w", err)
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Name + m.Type.String() + Quote(m.Value)
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

func checkMatchers(ms []*labels.Matcher) error {
	narrow := false
	for i, m := range ms {
		if m == nil {
			return fmt.Errorf("matcher=%d is nil: %w", i, ErrEmptySelector)
		}
		if !validLabelName(m.Name) {
			return fmt.Errorf("name=%q: %w", m.Name, ErrBadLabelName)
		}
		narrow = narrow || !m.Matches("")
	}
	if !narrow {
		return ErrEmptySelector
	}
	return nil
}

// Selector is [ValidSelector] for matchers written in code; it panics on
// the errors ValidSelector returns. Use ValidSelector for label names that
// come from input.
func Selector(ms ...*labels.Matcher) string {
	s, err := ValidSelector(ms...)
	if err != nil {
		panic(err)
	}
	return s
}

// ContainsAny returns a line filter keeping lines that contain any of
// texts, as plain text: `|= "a" or "b"` (the or form needs Loki 2.9 or
// later). With no texts it returns `!= ""`, which keeps no line, rather
// than a filter that keeps every line.
func ContainsAny(texts ...string) string {
	if len(texts) == 0 {
		return matchNothing
	}
	quoted := make([]string, len(texts))
	for i, t := range texts {
		quoted[i] = Quote(t)
	}
	return "|= " + strings.Join(quoted, " or ")
}

// matchNothing is a line filter no line passes: every line contains "".
const matchNothing = `!= ""`

// MatchAny returns a regex line filter keeping lines that contain any of
// texts literally: `|~ "a|b"`, each text escaped with [regexp.QuoteMeta]
// before the whole is quoted, so a dot in a Message-ID matches only a dot.
// With no texts it returns `!= ""`, which keeps no line.
func MatchAny(texts ...string) string {
	if len(texts) == 0 {
		return matchNothing
	}
	return "|~ " + Quote(alternation(texts))
}

// HostsMatcher returns a matcher for the label having one of hosts as its
// value: label="h" for one host, label=~"^(?:h1|h2)$" for several (each
// escaped), and a regex matching no value when hosts is empty.
func HostsMatcher(label string, hosts []string) *labels.Matcher {
	switch len(hosts) {
	case 0:
		return labels.MustNewMatcher(labels.MatchRegexp, label, `[^\x00-\x{10FFFF}]`)
	case 1:
		return labels.MustNewMatcher(labels.MatchEqual, label, hosts[0])
	}
	// The pattern is escaped text only, so it always compiles.
	return labels.MustNewMatcher(labels.MatchRegexp, label, "^(?:"+alternation(hosts)+")$")
}

// alternation joins texts as literal regex alternatives.
func alternation(texts []string) string {
	quoted := make([]string, len(texts))
	for i, t := range texts {
		quoted[i] = quoteMeta(t)
	}
	return strings.Join(quoted, "|")
}

// quoteMeta is regexp.QuoteMeta that also accepts invalid UTF-8, which
// RE2 refuses in a pattern: an invalid byte becomes \x{FFFD}, which is how
// the regex engine sees an invalid byte of the line, too.
func quoteMeta(s string) string {
	if utf8.ValidString(s) {
		return regexp.QuoteMeta(s)
	}
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\x{FFFD}`)
		} else {
			b.WriteString(regexp.QuoteMeta(s[:size]))
		}
		s = s[size:]
	}
	return b.String()
}

// validLabelName reports whether s is a LogQL label name:
// [a-zA-Z_][a-zA-Z0-9_]*.
func validLabelName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		letter := b == '_' || (b|0x20 >= 'a' && b|0x20 <= 'z')
		if !letter && (i == 0 || b < '0' || b > '9') {
			return false
		}
	}
	return true
}
