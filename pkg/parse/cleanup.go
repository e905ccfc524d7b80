package parse

import (
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

func parseCleanup(ev *event.Event, msg string, noqueue bool) bool {
	if ev.QueueID == "" {
		return false
	}
	if v, ok := strings.CutPrefix(msg, "message-id="); ok {
		ev.Kind = event.KindMessageID
		ev.MessageID = v
		return true
	}
	if strings.HasPrefix(msg, "resent-message-id=") {
		ev.Kind = event.KindOther
		ev.Note = msg
		return true
	}
	action, rest, ok := cutAction(msg)
	if !ok {
		action, rest, ok = cutHeaderAction(msg)
	}
	if !ok {
		return false
	}
	if !strings.HasPrefix(rest, "header ") && !strings.HasPrefix(rest, "body ") &&
		!strings.HasPrefix(rest, "END-OF-MESSAGE") {
		return parsePolicy(ev, msg, noqueue)
	}
	parseCheck(ev, action, rest)
	return true
}

// cutHeaderAction accepts actions outside [rejectActions] that header and
// body checks may log (replace, strip, bcc, dunno and later additions).
func cutHeaderAction(msg string) (action, rest string, ok bool) {
	i := strings.Index(msg, ": ")
	if i <= 0 || i > 24 || strings.ContainsAny(msg[:i], " =") {
		return "", msg, false
	}
	rest = msg[i+2:]
	if !strings.HasPrefix(rest, "header ") && !strings.HasPrefix(rest, "body ") {
		return "", msg, false
	}
	return msg[:i], rest, true
}

// parseCheck reads a header or body check result:
//
//	hold: header Subject: text from name[addr]; from=<a> to=<b> proto=ESMTP helo=<h>: optional
//
// The checked text is untrusted and can imitate the trailer, so the trailer is
// taken from the last "; from=<" that is followed by proto= or ends the line.
func parseCheck(ev *event.Event, action, rest string) {
	ev.Status = action
	ev.Kind = event.KindHeader
	switch action {
	case "reject", "milter-reject":
		ev.Kind = event.KindReject
	}
	checked, trailer := cutTrailer(rest)
	if i := strings.LastIndex(checked, " from "); i >= 0 {
		ev.Client, ev.ClientAddr, _ = hostAddr(checked[i+len(" from "):])
		checked = checked[:i]
	}
	ev.Check = "header"
	if strings.HasPrefix(checked, "body ") {
		ev.Check = "body"
	}
	checked = strings.TrimPrefix(strings.TrimPrefix(checked, "header "), "body ")
	ev.Note = checked
	if v, ok := strings.CutPrefix(checked, "Subject: "); ok {
		ev.Subject = v
	}
	ev.From, _ = angle(trailer, "from")
	ev.To, _ = angle(trailer, "to")
	if i := strings.Index(trailer, ">: "); i >= 0 {
		ev.Reply = trailer[i+3:]
		ev.DSN = dsnOf(ev.Reply)
	}
}
