package lokitest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
)

// emptyCompatibleText is Loki's refusal of a selector that could match every stream
// (fixture 09); the fake also gives it for {}, where Loki's parser would fail earlier.
const emptyCompatibleText = "queries require at least one regexp or equality matcher " +
	"that does not have an empty-compatible value. For instance, app=~\".*\" does not " +
	"meet this requirement, but app=~\".+\" will"

// unsupportedText follows a syntax error on anything valid in LogQL that the fake
// does not evaluate, so a test author sees why the query failed.
const unsupportedText = " (lokitest evaluates only stream selectors, line filters and " +
	"label filters)"

// logQuery is a parsed log query: a stream selector, a chain of line filters
// and a chain of label filters.
type logQuery struct {
	matchers []*labels.Matcher
	filters  []lineFilter
	labelFs  []labelFilter
}

// labelFilter is one label filter stage, `| pid="1" or pid="2"`: the entry's
// stream labels and structured metadata must satisfy one alternative.
type labelFilter struct {
	any []*labels.Matcher
}

func (f labelFilter) keeps(stream, meta labels.Labels) bool {
	for _, m := range f.any {
		v := meta.Get(m.Name)
		if v == "" {
			v = stream.Get(m.Name)
		}
		if m.Matches(v) {
			return true
		}
	}
	return false
}

// keepsEntry reports whether an entry passes the line and label filters.
func (q *logQuery) keepsEntry(stream labels.Labels, line string, meta labels.Labels) bool {
	if !q.keepsLine(line) {
		return false
	}
	for _, f := range q.labelFs {
		if !f.keeps(stream, meta) {
			return false
		}
	}
	return true
}

// lineFilter is one line filter stage; several needles mean alternatives joined by or.
type lineFilter struct {
	negate  bool
	needles []string
	regexps []*regexp.Regexp
}

// parseError is a LogQL error worded as Loki words it; line 0 means no position.
type parseError struct {
	line, col int
	msg       string
}

func (e *parseError) Error() string {
	if e.line == 0 {
		return "parse error : " + e.msg
	}

	return fmt.Sprintf("parse error at line %d, col %d: %s", e.line, e.col, e.msg)
}

// matchesStream reports whether every matcher of the selector accepts ls.
func (q *logQuery) matchesStream(ls labels.Labels) bool {
	for _, m := range q.matchers {
		if !m.Matches(ls.Get(m.Name)) {
			return false
		}
	}

	return true
}

// keepsLine reports whether line passes every line filter.
func (q *logQuery) keepsLine(line string) bool {
	for _, f := range q.filters {
		if !f.keeps(line) {
			return false
		}
	}

	return true
}

// keeps applies one filter: a positive filter needs one alternative to match, a
// negative one needs none to (Loki reads != "a" or "b" as != "a" != "b").
func (f lineFilter) keeps(line string) bool {
	return f.matchesAny(line) != f.negate
}

func (f lineFilter) matchesAny(line string) bool {
	for _, re := range f.regexps {
		if re.MatchString(line) {
			return true
		}
	}
	for _, s := range f.needles {
		if strings.Contains(line, s) {
			return true
		}
	}

	return false
}

// parseLogQuery parses the LogQL subset the fake evaluates.
func parseLogQuery(src string) (*logQuery, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}

	p := &parser{src: src, toks: toks}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	if !hasNonEmptyMatcher(q.matchers) {
		return nil, &parseError{msg: emptyCompatibleText}
	}

	return q, nil
}

func hasNonEmptyMatcher(ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches("") {
			return true
		}
	}

	return false
}

// parser walks the tokens of one query.
type parser struct {
	src  string
	toks []token
	at   int
}

func (p *parser) next() token {
	t := p.toks[p.at]
	if t.kind != tokEOF {
		p.at++
	}

	return t
}

func (p *parser) peek() token {
	return p.toks[p.at]
}

func (p *parser) query() (*logQuery, error) {
	q := &logQuery{}
	if err := p.selector(q); err != nil {
		return nil, err
	}
	for p.peek().kind != tokEOF {
		if p.atLabelFilter() {
			lf, err := p.labelFilter()
			if err != nil {
				return nil, err
			}
			q.labelFs = append(q.labelFs, lf)
			continue
		}
		f, err := p.filter()
		if err != nil {
			return nil, err
		}
		q.filters = append(q.filters, f)
	}

	return q, nil
}

// atLabelFilter reports whether the next tokens open a label filter stage,
// "|" IDENT op, as against a parser stage such as "| json".
func (p *parser) atLabelFilter() bool {
	if p.at+2 >= len(p.toks) {
		return false
	}
	bar, name, op := p.toks[p.at], p.toks[p.at+1], p.toks[p.at+2]
	_, isMatch := matchTypes[op.text]
	return bar.kind == tokOp && bar.text == "|" && name.kind == tokIdent &&
		op.kind == tokOp && isMatch
}

// labelFilter reads `| name op "value" [or name op "value" ...]`.
func (p *parser) labelFilter() (labelFilter, error) {
	p.next()
	var f labelFilter
	for {
		m, err := p.matcher()
		if err != nil {
			return f, err
		}
		f.any = append(f.any, m)
		if t := p.peek(); t.kind != tokIdent || t.text != "or" {
			return f, nil
		}
		p.next()
	}
}

func (p *parser) selector(q *logQuery) error {
	if t := p.next(); t.kind != tokLBrace {
		return p.unexpected(t, unsupportedText)
	}
	if p.peek().kind == tokRBrace {
		return &parseError{msg: emptyCompatibleText}
	}
	for {
		m, err := p.matcher()
		if err != nil {
			return err
		}
		q.matchers = append(q.matchers, m)

		switch t := p.next(); t.kind {
		case tokRBrace:
			return nil
		case tokComma:
		default:
			return p.unexpected(t, ", expecting } or ,")
		}
	}
}

var matchTypes = map[string]labels.MatchType{
	"=": labels.MatchEqual, "!=": labels.MatchNotEqual,
	"=~": labels.MatchRegexp, "!~": labels.MatchNotRegexp,
}

func (p *parser) matcher() (*labels.Matcher, error) {
	name := p.next()
	if name.kind != tokIdent {
		return nil, p.unexpected(name, ", expecting IDENTIFIER")
	}
	op := p.next()
	mt, ok := matchTypes[op.text]
	if op.kind != tokOp || !ok {
		return nil, p.unexpected(op, ", expecting = or != or =~ or !~")
	}
	val := p.next()
	if val.kind != tokString {
		return nil, p.unexpected(val, ", expecting STRING")
	}

	m, err := labels.NewMatcher(mt, name.text, val.text)
	if err != nil {
		return nil, p.errorAt(val.pos, err.Error())
	}

	return m, nil
}

var filterOps = map[string]lineFilter{
	"|=": {}, "!=": {negate: true}, "|~": {}, "!~": {negate: true},
}

func (p *parser) filter() (lineFilter, error) {
	op := p.next()
	f, ok := filterOps[op.text]
	if op.kind != tokOp || !ok {
		return f, p.unexpected(op, unsupportedText)
	}
	regex := strings.HasSuffix(op.text, "~")
	for {
		s := p.next()
		if s.kind != tokString {
			return f, p.unexpected(s, ", expecting STRING")
		}
		if err := f.add(s.text, regex); err != nil {
			return f, p.errorAt(s.pos, err.Error())
		}
		if t := p.peek(); t.kind != tokIdent || t.text != "or" {
			return f, nil
		}
		p.next()
	}
}

func (f *lineFilter) add(s string, regex bool) error {
	if !regex {
		f.needles = append(f.needles, s)
		return nil
	}

	re, err := regexp.Compile(s)
	if err != nil {
		return err
	}
	f.regexps = append(f.regexps, re)

	return nil
}

func (p *parser) unexpected(t token, suffix string) error {
	return p.errorAt(t.pos, "syntax error: unexpected "+t.name()+suffix)
}

// errorAt places msg at a byte offset as Loki does: 1-based line and column.
func (p *parser) errorAt(pos int, msg string) error {
	return positioned(p.src, pos, msg)
}

func positioned(src string, pos int, msg string) error {
	before := src[:pos]
	line := strings.Count(before, "\n") + 1
	col := pos - strings.LastIndexByte(before, '\n')

	return &parseError{line: line, col: col, msg: msg}
}

// unquote decodes a double-quoted LogQL string with Go escapes.
func unquote(src string, pos int, lit string) (string, error) {
	s, err := strconv.Unquote(lit)
	if err != nil {
		return "", positioned(src, pos, "invalid char escape")
	}

	return s, nil
}
