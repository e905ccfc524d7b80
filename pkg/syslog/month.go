package syslog

import (
	"bytes"
	"strings"
)

// localMonths maps month abbreviations that syslog daemons write under a
// non-English locale (seen in the wild: a Greek system writing "Απρ") to the
// English ones RFC 3164 expects.
var localMonths = map[string]string{
	// Greek.
	"Ιαν": "Jan", "Φεβ": "Feb", "Μαρ": "Mar", "Απρ": "Apr", "Μαΐ": "May", "Μαϊ": "May",
	"Ιουν": "Jun", "Ιουλ": "Jul", "Αυγ": "Aug", "Σεπ": "Sep", "Οκτ": "Oct", "Νοε": "Nov",
	"Δεκ": "Dec",
	// German, Dutch, French, Spanish, Italian where they differ from English.
	"Mär": "Mar", "Mrz": "Mar", "Mai": "May", "Okt": "Oct", "Dez": "Dec", "Mrt": "Mar",
	"Mei": "May", "Ene": "Jan", "Abr": "Apr", "Ago": "Aug", "Dic": "Dec", "Gen": "Jan",
	"Mag": "May", "Giu": "Jun", "Lug": "Jul", "Set": "Sep", "Ott": "Oct",
	"janv.": "Jan", "févr.": "Feb", "mars": "Mar", "avr.": "Apr", "juin": "Jun",
	"juil.": "Jul", "août": "Aug", "sept.": "Sep", "déc.": "Dec",
}

// repairStamp rewrites the two RFC 3164 stamp deviations seen in real files
// into the form the grammar accepts: a localized month name, and a day
// padded with no space ("Mar 7 02:09:33"). It reports false when neither
// applies.
func repairStamp(line []byte) ([]byte, bool) {
	fixed, ok := englishMonth(line)
	if !ok {
		fixed = line
	}
	if len(fixed) > 6 && fixed[3] == ' ' && isDigit(fixed[4]) && fixed[5] == ' ' {
		out := make([]byte, 0, len(fixed)+1)
		out = append(out, fixed[:4]...)
		out = append(out, ' ')
		return append(out, fixed[4:]...), true
	}
	return fixed, ok
}

// englishMonth rewrites a leading localized month abbreviation to English.
// It reports false when the line does not start with one it knows.
func englishMonth(line []byte) ([]byte, bool) {
	i := bytes.IndexByte(line, ' ')
	if i <= 0 {
		return nil, false
	}
	tok := string(line[:i])
	en, ok := localMonths[tok]
	if !ok {
		en, ok = localMonths[strings.ToLower(tok[:1])+tok[1:]]
	}
	if !ok {
		return nil, false
	}
	out := make([]byte, 0, len(line))
	out = append(out, en...)
	return append(out, line[i:]...), true
}
