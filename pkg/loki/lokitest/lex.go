package lokitest

import (
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokLBrace
	tokRBrace
	tokComma
	tokOp
	tokOther
)

// token is one lexeme of a query, with its byte offset for error positions.
type token struct {
	kind tokKind
	text string
	pos  int
	end  int
}

// name is how a syntax error names the token, in the manner of Loki's parser.
func (t token) name() string {
	switch t.kind {
	case tokEOF:
		return "$end"
	case tokIdent:
		return "IDENTIFIER"
	case tokString:
		return "STRING"
	default:
		return t.text
	}
}

// twoCharOps are the operators of two characters, longest match first.
var twoCharOps = []string{"|=", "|~", "|>", "!=", "!~", "!>", "=~"}

func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; ; {
		i = skipSpace(src, i)
		if i >= len(src) {
			return append(toks, token{kind: tokEOF, pos: i}), nil
		}
		t, err := lexOne(src, i)
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i = t.end
	}
}

func skipSpace(src string, i int) int {
	for i < len(src) && strings.IndexByte(" \t\r\n", src[i]) >= 0 {
		i++
	}

	return i
}

func lexOne(src string, i int) (token, error) {
	c := src[i]
	switch {
	case c == '{':
		return token{kind: tokLBrace, text: "{", pos: i, end: i + 1}, nil
	case c == '}':
		return token{kind: tokRBrace, text: "}", pos: i, end: i + 1}, nil
	case c == ',':
		return token{kind: tokComma, text: ",", pos: i, end: i + 1}, nil
	case c == '"' || c == '`':
		return lexString(src, i)
	case isIdentStart(c):
		end := identEnd(src, i)
		return token{kind: tokIdent, text: src[i:end], pos: i, end: end}, nil
	}

	return lexOp(src, i), nil
}

func lexOp(src string, i int) token {
	for _, op := range twoCharOps {
		if strings.HasPrefix(src[i:], op) {
			return token{kind: tokOp, text: op, pos: i, end: i + 2}
		}
	}
	if strings.IndexByte("=|", src[i]) >= 0 {
		return token{kind: tokOp, text: src[i : i+1], pos: i, end: i + 1}
	}

	_, size := utf8.DecodeRuneInString(src[i:])
	return token{kind: tokOther, text: src[i : i+size], pos: i, end: i + size}
}

func lexString(src string, i int) (token, error) {
	end := literalEnd(src, i)
	if end < 0 {
		return token{}, positioned(src, i, "literal not terminated")
	}

	lit := src[i:end]
	if lit[0] == '`' {
		return token{kind: tokString, text: lit[1 : len(lit)-1], pos: i, end: end}, nil
	}
	s, err := unquote(src, i, lit)
	if err != nil {
		return token{}, err
	}

	return token{kind: tokString, text: s, pos: i, end: end}, nil
}

// literalEnd returns the offset just past the string literal opening at i, or -1
// when it is not closed: backtick strings end at the next backtick, double-quoted
// ones at the next quote not escaped by a backslash, and neither spans a newline
// unless it is a backtick string.
func literalEnd(src string, i int) int {
	quote := src[i]
	for j := i + 1; j < len(src); j++ {
		switch {
		case src[j] == quote:
			return j + 1
		case quote == '"' && src[j] == '\\':
			j++
		case quote == '"' && src[j] == '\n':
			return -1
		}
	}

	return -1
}

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func identEnd(src string, i int) int {
	j := i + 1
	for j < len(src) && (isIdentStart(src[j]) || ('0' <= src[j] && src[j] <= '9')) {
		j++
	}

	return j
}
