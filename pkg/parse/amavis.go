package parse

import (
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// parseAmavis reads Amavis's main log line:
//
//	(00803-01) Passed SPAM {RelayedTaggedInbound}, [ip]:port <from> -> <to>,
//	Queue-ID: Q, Message-ID: <m>, mail_id: x, Hits: 3.1, size: 217, queued_as: Q2, 823 ms
//
// Passed goes on (queued_as names the re-injected copy); Blocked stops the
// message, whatever the Postfix side reports afterwards.
func parseAmavis(ev *event.Event, msg string) bool {
	if strings.HasPrefix(msg, "(") {
		if end := strings.Index(msg, ") "); end > 0 {
			ev.Session = msg[1:end]
			msg = msg[end+2:]
		}
	}
	verdict := firstWord(msg)
	if verdict != "Passed" && verdict != "Blocked" {
		ev.Kind = event.KindOther
		ev.Note = msg
		return true
	}
	ev.Kind = event.KindContent
	ev.Status = strings.ToLower(verdict)
	ev.Note = amavisClass(msg)
	if i := strings.Index(msg, "> -> <"); i >= 0 {
		from := msg[:i]
		ev.From = from[strings.LastIndexByte(from, '<')+1:]
		to := msg[i+len("> -> <"):]
		ev.To = to[:max(strings.IndexByte(to, '>'), 0)]
	}
	ev.QueueID = amavisField(msg, "Queue-ID: ")
	ev.MessageID = amavisField(msg, "Message-ID: ")
	ev.QueuedAs = amavisField(msg, "queued_as: ")
	return true
}

// amavisClass returns "SPAM" or "CLEAN" or "INFECTED (name)", the words
// between the verdict and the first comma or brace.
func amavisClass(msg string) string {
	rest := afterWord(msg)
	if i := strings.IndexAny(rest, ",{"); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimSpace(rest)
}

func amavisField(msg, key string) string {
	i := strings.Index(msg, key)
	if i < 0 {
		return ""
	}
	v := msg[i+len(key):]
	if j := strings.Index(v, ", "); j >= 0 {
		v = v[:j]
	}
	return v
}
