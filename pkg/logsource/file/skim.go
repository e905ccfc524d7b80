package file

import "bytes"

// skim reads, without parsing the line, the two things a queue or process
// term needs: the PID in the program tag and the first word of the message,
// which is the queue ID on every Postfix line that has one. It understands
// RFC 3164 and ISO 8601 lines ("... tag[pid]: QID: ...") and RFC 5424 lines
// ("<pri>1 ts host app procid msgid sd msg"). ok is false for lines without
// a PID, which never carry a Postfix queue ID.
func skim(line []byte) (pid int, word []byte, ok bool) {
	var msg []byte
	if len(line) > 6 && line[0] == '<' {
		if gt := bytes.IndexByte(line[:6], '>'); gt > 0 && line[gt+1] == '1' &&
			line[gt+2] == ' ' {
			pid, msg, ok = skim5424(line[gt+3:])
			if !ok {
				return 0, nil, false
			}
			return pid, firstWord(msg), true
		}
	}
	if len(line) < 20 {
		return 0, nil, false
	}
	end := bytes.Index(line[15:], []byte("]: "))
	if end < 0 {
		return 0, nil, false
	}
	end += 15
	open := bytes.LastIndexByte(line[:end], '[')
	if open < 0 {
		return 0, nil, false
	}
	pid, ok = digits(line[open+1 : end])
	return pid, firstWord(line[end+3:]), ok
}

// skim5424 walks the header fields after "<pri>1 ".
func skim5424(rest []byte) (pid int, msg []byte, ok bool) {
	var field [5][]byte
	for i := range field {
		sp := bytes.IndexByte(rest, ' ')
		if sp < 0 {
			return 0, nil, false
		}
		field[i], rest = rest[:sp], rest[sp+1:]
	}
	// field: timestamp, host, app-name, procid, msgid; rest starts at SD.
	pid, ok = digits(field[3])
	if len(rest) > 0 && rest[0] == '-' {
		rest = rest[1:]
	} else if sd := bytes.Index(rest, []byte("] ")); sd >= 0 {
		rest = rest[sd+1:]
	}
	return pid, bytes.TrimLeft(rest, " "), ok
}

// firstWord returns the message's text up to its first ": ", or nil.
func firstWord(msg []byte) []byte {
	i := bytes.Index(msg, []byte(": "))
	if i <= 0 || i > 40 {
		return nil
	}
	return msg[:i]
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
