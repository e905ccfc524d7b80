package parse

import (
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// parseDovecot reads Dovecot LMTP and LDA delivery lines in the grammars of
// 2.2 and 2.3 ("lmtp(user)<pid><session>: msgid=<m>: saved mail to INBOX",
// "lmtp(user)<pid><session>: sieve: msgid=<m>: stored mail into mailbox
// 'Junk'", "lmtp(pid, user): session: ...") and of 2.1's separate session
// word. The mailbox user and the folder are what a tracer needs: a mail filed
// into Junk is delivered.
func parseDovecot(ev *event.Event, msg string) bool {
	proto, user, session, rest, ok := cutDovecotPrefix(msg)
	if !ok {
		ev.Kind = event.KindOther
		return true
	}
	ev.Service = proto
	ev.Mailbox, ev.Session = user, session
	rest = stripLevel(rest)
	rest = strings.TrimPrefix(rest, "sieve: ")
	if v, ok := strings.CutPrefix(rest, "msgid="); ok {
		id, after, _ := strings.Cut(v, ": ")
		if id != "unspecified" {
			ev.MessageID = id
		}
		rest = after
	}
	ev.Note = rest
	switch {
	case strings.HasPrefix(rest, "saved mail to "):
		ev.Kind = event.KindStore
		ev.Folder = unquoteFolder(rest[len("saved mail to "):])
	case strings.HasPrefix(rest, "stored mail into mailbox "):
		ev.Kind = event.KindStore
		ev.Folder = unquoteFolder(rest[len("stored mail into mailbox "):])
	case strings.HasPrefix(rest, "fileinto action: stored mail into mailbox "):
		ev.Kind = event.KindStore
		ev.Folder = unquoteFolder(rest[len("fileinto action: stored mail into mailbox "):])
	case strings.HasPrefix(rest, "forwarded to "), strings.HasPrefix(rest, "redirect action"):
		ev.Kind = event.KindOther
		ev.To = strings.Trim(firstWord(strings.TrimPrefix(rest, "forwarded to ")), "<>")
	case strings.HasSuffix(rest, "but implicit keep was successful"):
		// A failed Sieve script still stores the mail into INBOX.
		ev.Kind = event.KindStore
		ev.Folder = "INBOX"
		ev.Reply = rest
	case strings.HasPrefix(rest, "Failed to"), strings.Contains(rest, "failed"),
		strings.HasPrefix(rest, "rejected"), strings.HasPrefix(rest, "Error"):
		ev.Kind = event.KindStoreFail
		ev.Reply = rest
	default:
		ev.Kind = event.KindOther
	}
	return true
}

// cutDovecotPrefix splits "lmtp(user)<pid><session>: rest", "lmtp(pid, user):
// session: rest" and "lda(user): rest".
func cutDovecotPrefix(msg string) (proto, user, session, rest string, ok bool) {
	open := strings.IndexByte(msg, '(')
	if open <= 0 || open > 8 {
		return "", "", "", msg, false
	}
	proto = msg[:open]
	if proto != "lmtp" && proto != "lda" && proto != "deliver" {
		return "", "", "", msg, false
	}
	closing := strings.IndexByte(msg[open:], ')')
	if closing < 0 {
		return "", "", "", msg, false
	}
	inner := msg[open+1 : open+closing]
	after := msg[open+closing+1:]
	if _, u, found := strings.Cut(inner, ", "); found {
		inner = u
	}
	user = inner
	for strings.HasPrefix(after, "<") {
		end := strings.IndexByte(after, '>')
		if end < 0 {
			break
		}
		session = after[1:end]
		after = after[end+1:]
	}
	rest = strings.TrimPrefix(after, ": ")
	if session == "" {
		// 2.2 puts the level before the session word: "lmtp(u): Info: S: ".
		rest = stripLevel(rest)
		if word, tail, found := strings.Cut(rest, ": "); found && !strings.Contains(word, " ") &&
			!strings.Contains(word, "=") && !isLevel(word) && word != "sieve" {
			session, rest = word, tail
		}
	}
	return proto, user, session, rest, true
}

func stripLevel(s string) string {
	if w, rest, ok := strings.Cut(s, ": "); ok && isLevel(w) {
		return rest
	}
	return s
}

func isLevel(w string) bool {
	switch w {
	case "Info", "Debug", "Warning", "Error", "Fatal", "Panic":
		return true
	}
	return false
}

func unquoteFolder(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "'") {
		if end := strings.IndexByte(s[1:], '\''); end >= 0 {
			return s[1 : end+1]
		}
	}
	return firstWord(s)
}
