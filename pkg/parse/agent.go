package parse

import (
	"strconv"
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// parseAgent reads a delivery agent's result line:
//
//	to=<a>, orig_to=<b>, relay=h[ip]:25, conn_use=2, delay=1, delays=a/b/c/d,
//	dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as Q)
//
// and the per-attempt lines of smtp and lmtp that precede a final status.
// Fields are read by name, not by position: Postfix inserts new ones
// (conn_use=) between old ones.
func parseAgent(ev *event.Event, msg string) bool {
	if ev.QueueID == "" {
		return false
	}
	if !strings.HasPrefix(msg, "to=<") {
		return parseAttempt(ev, msg)
	}
	head, tail, ok := strings.Cut(msg, ", status=")
	if !ok {
		// A delivery line always ends in status=; without it the line was cut
		// short, and what it held (the next hop's queue ID) is lost.
		unparsed(ev, "delivery line without status=, cut short")
		return true
	}
	ev.Kind = event.KindDelivery
	ev.To, _ = angle(head, "to")
	ev.OrigTo, _ = angle(head, "orig_to")
	if r, ok := plain(head, "relay"); ok {
		ev.Relay = r
		ev.RelayName, ev.RelayAddr, ev.RelayPort = hostAddr(r)
	}
	if d, ok := plain(head, "delay"); ok {
		ev.Delay, _ = strconv.ParseFloat(d, 64)
	}
	if d, ok := plain(head, "delays"); ok {
		ev.Delays = strings.Split(d, "/")
	}
	ev.DSN, _ = plain(head, "dsn")
	status, reason, _ := strings.Cut(tail, " ")
	ev.Status = status
	ev.Reply = parens(reason)
	readReply(ev)
	if ev.Status == "sent" && isDiscardReply(ev) {
		ev.Note = "discarded"
	}
	return true
}

// isDiscardReply tells a "sent" that was a drop: a content filter answering
// 250 2.7.0 "Ok, discarded", or Postfix's own discard transport.
func isDiscardReply(ev *event.Event) bool {
	return ev.Daemon == "discard" || strings.HasPrefix(ev.DSN, "2.7.") ||
		strings.Contains(ev.Reply, ", discarded")
}

// readReply pulls the next hop's reference out of a reply: the queue ID of a
// downstream Postfix ("queued as Q", "Ok: 10123 bytes queued as Q", the
// innermost when a filter nests replies), another MTA's "id=X", a local
// "forwarded as Q", or a Dovecot LMTP session ID ("<rcpt> SESSION Saved").
func readReply(ev *event.Event) {
	r := ev.Reply
	ev.Session = amavisTask(r)
	switch {
	case strings.Contains(r, "queued as "):
		ev.QueuedAs = queuedAs(r)
	case strings.HasPrefix(r, "forwarded as "):
		ev.QueuedAs = firstWord(r[len("forwarded as "):])
		ev.Note = "forwarded"
	case strings.Contains(r, " id=") && amavisTask(r) == "":
		ev.QueuedAs = idValue(r)
	case strings.HasSuffix(r, " Saved"):
		f := strings.Fields(r)
		if len(f) >= 2 {
			ev.Session = f[len(f)-2]
		}
	}
}

// queuedAs returns the ID after the last "queued as " in r.
func queuedAs(r string) string {
	i := strings.LastIndex(r, "queued as ")
	if i < 0 {
		return ""
	}
	id := firstWord(r[i+len("queued as "):])
	return strings.TrimRight(id, ".,;)\"")
}

// amavisTask returns the Amavis task ID ("id=03774-01") an Amavis reply
// names: it matches the "(03774-01)" of Amavis's own line and is no queue ID.
// Another MTA's "id=X" gives "".
func amavisTask(r string) string {
	i := strings.LastIndex(r, "id=")
	if i < 0 || (i > 0 && r[i-1] != ' ' && r[i-1] != ',') {
		return ""
	}
	id := strings.TrimRight(firstWord(r[i+len("id="):]), ".,;)\"")
	pid, task, ok := strings.Cut(id, "-")
	if !ok || !allDigits(pid) || !allDigits(task) {
		return ""
	}
	return id
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func idValue(r string) string {
	i := strings.LastIndex(r, " id=")
	id := firstWord(r[i+len(" id="):])
	return strings.TrimRight(id, ".,;)\"")
}

// parseAttempt reads smtp and lmtp lines about one try that are not the
// final status: "host X said: ...", "lost connection with X while ...",
// "conversation with X timed out while ...".
func parseAttempt(ev *event.Event, msg string) bool {
	for _, p := range []string{"host ", "lost connection with ", "conversation with ",
		"connect to ", "Server certificate not verified", "enabling PIX",
		"TLS is required", "SASL authentication failed", "refusing to deliver"} {
		if strings.HasPrefix(msg, p) {
			ev.Kind = event.KindAttempt
			ev.Reply = msg
			if p == "host " || p == "lost connection with " || p == "conversation with " {
				r := strings.TrimPrefix(strings.TrimPrefix(msg, p), "with ")
				ev.RelayName, ev.RelayAddr, _ = hostAddr(firstWord(r))
			}
			return true
		}
	}
	return false
}
