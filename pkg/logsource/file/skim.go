package file

import "bytes"

// skim reads, without parsing the line, the PID in its program tag. It
// understands RFC 3164 and ISO 8601 lines ("... tag[pid]: ...") and RFC 5424
// lines ("<pri>1 ts host app procid msgid sd msg"). ok is false for lines
// without a PID.
func skim(line []byte) (pid int, ok bool) {
	if len(line) > 6 && line[0] == '<' {
		if gt := bytes.IndexByte(line[:6], '>'); gt > 0 && line[gt+1] == '1' &&
			line[gt+2] == ' ' {
			return skim5424(line[gt+3:])
		}
	}
	if len(line) < 20 {
		return 0, false
	}
	end := bytes.Index(line[15:], []byte("]: "))
	if end < 0 {
		return 0, false
	}
	end += 15
	open := bytes.LastIndexByte(line[:end], '[')
	if open < 0 {
		return 0, false
	}
	return digits(line[open+1 : end])
}

// skim5424 reads PROCID, the fourth header field after "<pri>1 ".
func skim5424(rest []byte) (pid int, ok bool) {
	for i := 0; i < 3; i++ {
		sp := bytes.IndexByte(rest, ' ')
		if sp < 0 {
			return 0, false
		}
		rest = rest[sp+1:]
	}
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		return 0, false
	}
	return digits(rest[:sp])
}

func digits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
