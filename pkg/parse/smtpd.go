package parse

import (
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// rejectActions are the smtpd and cleanup words that open a policy result
// line: "reject: RCPT from ...". The word is kept in Event.Status.
var rejectActions = []string{
	"reject", "milter-reject", "proxy-reject", "reject_warning", "discard",
	"milter-discard", "hold", "milter-hold", "filter", "redirect", "milter-redirect",
	"proxy-accept", "prepend", "warn", "warning", "info", "milter-header-redirect",
}

func parseSMTPD(ev *event.Event, msg string, noqueue bool) bool {
	switch {
	case strings.HasPrefix(msg, "connect from "):
		ev.Kind = event.KindConnect
		ev.Client, ev.ClientAddr, _ = hostAddr(firstWord(msg[len("connect from "):]))
		return true
	case strings.HasPrefix(msg, "disconnect from "):
		ev.Kind = event.KindDisconnect
		ev.Client, ev.ClientAddr, _ = hostAddr(firstWord(msg[len("disconnect from "):]))
		ev.Note = afterWord(msg[len("disconnect from "):])
		return true
	case strings.HasPrefix(msg, "lost connection after "), strings.HasPrefix(msg, "timeout after "):
		ev.Kind = event.KindDisconnect
		ev.Note = msg
		if i := strings.LastIndex(msg, " from "); i >= 0 {
			ev.Client, ev.ClientAddr, _ = hostAddr(firstWord(msg[i+len(" from "):]))
		}
		return true
	case strings.HasPrefix(msg, "client="):
		return parseClient(ev, msg)
	}
	return parsePolicy(ev, msg, noqueue)
}

// parseClient reads "client=name[addr], sasl_method=..., orig_client=...".
func parseClient(ev *event.Event, msg string) bool {
	if ev.QueueID == "" {
		return false
	}
	ev.Kind = event.KindClient
	v, _ := plain(msg, "client")
	ev.Client, ev.ClientAddr, _ = hostAddr(v)
	if u, ok := plain(msg, "sasl_username"); ok {
		ev.Note = "sasl_username=" + u
	}
	if oc, ok := plain(msg, "orig_client"); ok {
		ev.Note = strings.TrimSpace(ev.Note + " orig_client=" + oc)
	}
	return true
}

// parsePolicy reads an access or milter result line:
//
//	reject: RCPT from name[addr]: 550 5.1.1 <x>: text; from=<a> to=<b> proto=ESMTP helo=<h>
//	proxy-accept: END-OF-MESSAGE: 250 2.0.0 Ok: queued as Q; from=<a> to=<b> ...
//
// The trailer starts at the last "; from=<" or "; to=<", since the reply text
// before it is the remote's or a table's and may hold anything.
func parsePolicy(ev *event.Event, msg string, noqueue bool) bool {
	action, rest, ok := cutAction(msg)
	if !ok {
		return false
	}
	ev.Status = action
	ev.Kind = policyKind(action)
	if ev.Client == "" && ev.ClientAddr == "" {
		ev.Client, ev.ClientAddr = stageClient(rest)
	}
	stage, rest := cutStage(rest)
	ev.Note = stage
	reply, trailer := cutTrailer(rest)
	ev.Reply = reply
	ev.DSN = dsnOf(reply)
	ev.From, _ = angle(trailer, "from")
	ev.To, _ = angle(trailer, "to")
	if action == "proxy-accept" {
		ev.QueuedAs = queuedAs(reply)
	}
	ev.Session = amavisTask(reply)
	if ev.Kind == event.KindHeader && noqueue {
		ev.Kind = event.KindOther
	}
	return true
}

func policyKind(action string) event.Kind {
	switch action {
	case "reject", "milter-reject", "proxy-reject", "discard", "milter-discard":
		return event.KindReject
	case "filter", "proxy-accept":
		return event.KindFilterNote
	case "reject_warning", "warn", "info":
		return event.KindOther
	}
	return event.KindHeader
}

func cutAction(msg string) (action, rest string, ok bool) {
	i := strings.Index(msg, ": ")
	if i < 0 {
		return "", msg, false
	}
	for _, a := range rejectActions {
		if msg[:i] == a {
			return a, msg[i+2:], true
		}
	}
	return "", msg, false
}

// cutStage splits "RCPT from name[addr]: rest" or "END-OF-MESSAGE: rest" or
// postscreen's "RCPT from [addr]:port: rest".
func cutStage(s string) (stage, rest string) {
	sp := strings.IndexByte(s, ' ')
	colon := strings.Index(s, ": ")
	if colon >= 0 && (sp < 0 || colon < sp) {
		return s[:colon], s[colon+2:]
	}
	if sp < 0 {
		return s, ""
	}
	stage = s[:sp]
	after := s[sp+1:]
	if !strings.HasPrefix(after, "from ") {
		return stage, after
	}
	after = after[len("from "):]
	end := strings.Index(after, ": ")
	if end < 0 {
		return stage, after
	}
	return stage, after[end+2:]
}

func cutTrailer(s string) (reply, trailer string) {
	best := -1
	for _, k := range []string{"; from=<", "; to=<", "; proto="} {
		if i := strings.LastIndex(s, k); i > best && (best < 0 || k != "; proto=") {
			best = i
		}
	}
	if best < 0 {
		return strings.TrimSpace(s), ""
	}
	return strings.TrimSpace(s[:best]), s[best+2:]
}

// stageClient returns the client of a policy line's "RCPT from name[addr]: "
// part. The first ": " ends the client, since an IPv6 address holds colons
// but never ": ".
func stageClient(s string) (name, addr string) {
	c, ok := strings.CutPrefix(afterWord(s), "from ")
	if !ok {
		return "", ""
	}
	if j := strings.Index(c, ": "); j >= 0 {
		c = c[:j]
	}
	if strings.ContainsAny(c, " ;") {
		return "", ""
	}
	name, addr, _ = hostAddr(c)
	return name, addr
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

func afterWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return ""
}

// parsePostscreen reads postscreen's connection verdicts. Its reject lines
// use commas between trailer fields: "; from=<a>, to=<b>, proto=ESMTP".
func parsePostscreen(ev *event.Event, msg string, noqueue bool) bool {
	for _, p := range []string{"CONNECT from ", "PASS NEW ", "PASS OLD ", "PREGREET ",
		"HANGUP ", "DISCONNECT ", "WHITELISTED ", "BLACKLISTED ", "DNSBL rank ",
		"COMMAND PIPELINING ", "NON-SMTP COMMAND ", "BARE NEWLINE ", "ALLOWLISTED ",
		"DENYLISTED ", "COMMAND TIME LIMIT ", "COMMAND COUNT LIMIT ", "COMMAND LENGTH LIMIT "} {
		if strings.HasPrefix(msg, p) {
			ev.Kind = event.KindScreen
			if p == "CONNECT from " {
				ev.Kind = event.KindConnect
			}
			ev.Status = strings.TrimSpace(p)
			ev.ClientAddr = bracketed(msg)
			ev.Note = msg
			return true
		}
	}
	if strings.HasPrefix(msg, "reject: ") {
		parsePolicy(ev, msg, noqueue)
		ev.ClientAddr = bracketed(msg)
		return true
	}
	return false
}

func bracketed(s string) string {
	i := strings.IndexByte(s, '[')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], ']')
	if j < 0 {
		return ""
	}
	return s[i+1 : i+j]
}
