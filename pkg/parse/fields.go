package parse

import (
	"strconv"
	"strings"
)

// angle returns the value of key=<...> in s: the text between the angle
// brackets. An address may itself hold '>' only in quotes, which Postfix
// logs rarely enough that the first "> " or ">," or final '>' ends it.
func angle(s, key string) (string, bool) {
	i := strings.Index(s, key+"=<")
	if i < 0 {
		return "", false
	}
	if i > 0 && s[i-1] != ' ' && s[i-1] != ',' && s[i-1] != ';' && s[i-1] != '(' {
		return angle(s[i+len(key):], key)
	}
	v := s[i+len(key)+2:]
	end := closeAngle(v)
	if end < 0 {
		return v, true
	}
	return v[:end], true
}

func closeAngle(v string) int {
	for j := 0; j < len(v); j++ {
		if v[j] != '>' {
			continue
		}
		if j+1 == len(v) || v[j+1] == ',' || v[j+1] == ' ' || v[j+1] == ';' || v[j+1] == ':' {
			return j
		}
	}
	return -1
}

// plain returns the value of key=value in s, ending at ", " or a space.
func plain(s, key string) (string, bool) {
	i := strings.Index(s, key+"=")
	for i > 0 && s[i-1] != ' ' && s[i-1] != ',' {
		j := strings.Index(s[i+1:], key+"=")
		if j < 0 {
			return "", false
		}
		i += 1 + j
	}
	if i < 0 {
		return "", false
	}
	v := s[i+len(key)+1:]
	if end := strings.IndexAny(v, ", "); end >= 0 {
		v = v[:end]
	}
	return v, true
}

// hostAddr splits "name[addr]" or "name[addr]:port". An IPv6 address stays
// whole: the port is only what follows the closing bracket.
func hostAddr(s string) (name, addr string, port int) {
	open := strings.IndexByte(s, '[')
	if open < 0 {
		return s, "", 0
	}
	closing := strings.LastIndexByte(s, ']')
	if closing < open {
		return s[:open], s[open+1:], 0
	}
	name, addr = s[:open], s[open+1:closing]
	if rest := s[closing+1:]; strings.HasPrefix(rest, ":") {
		port, _ = strconv.Atoi(rest[1:])
	}
	return name, addr, port
}

// parens returns the text inside the outermost trailing parentheses of s,
// as Postfix prints the reason after status=.
func parens(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "(") {
		return s
	}
	s = s[1:]
	return strings.TrimSuffix(s, ")")
}

func quote(s string) string { return strconv.Quote(s) }

// dsnOf returns the enhanced status code at the start of an SMTP reply,
// "550 5.1.1 <x>: ..." giving 5.1.1.
func dsnOf(reply string) string {
	f := strings.Fields(reply)
	for i, w := range f {
		if i > 1 {
			break
		}
		if len(w) >= 5 && (w[0] == '2' || w[0] == '4' || w[0] == '5') && w[1] == '.' {
			return w
		}
	}
	return ""
}
