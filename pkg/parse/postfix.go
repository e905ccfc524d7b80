package parse

import (
	"strconv"
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// postfixDaemons are the program names Postfix logs under, whatever its
// syslog_name prefix ("postfix", "postfix-out", "mail"). A tag is taken as
// Postfix by its last part, never by its first.
var postfixDaemons = map[string]bool{
	"smtpd": true, "postscreen": true, "smtp": true, "lmtp": true, "local": true,
	"virtual": true, "pipe": true, "error": true, "retry": true, "discard": true,
	"cleanup": true, "qmgr": true, "nqmgr": true, "oqmgr": true, "pickup": true,
	"bounce": true, "defer": true, "trace": true, "postsuper": true, "master": true,
	"postfix-script": true, "postfix": true, "sendmail": true, "postdrop": true,
	"postqueue": true, "anvil": true, "dnsblog": true, "tlsmgr": true, "scache": true,
	"verify": true, "proxymap": true, "trivial-rewrite": true, "showq": true,
	"tlsproxy": true, "postlogd": true, "flush": true, "qmqpd": true, "spawn": true,
	"postmulti": true,
}

// cutQueueID splits "QID: rest". Queue IDs are told by shape and position,
// never by length: short IDs are upper-case hex of any length from 5 on, long
// IDs (enable_long_queue_ids) are base-52 without vowels, with a 'z' between
// the time and the inode parts.
func cutQueueID(msg string) (qid, rest string, ok bool) {
	i := strings.Index(msg, ": ")
	if i < 5 || i > 32 {
		return "", msg, false
	}
	if !isQueueID(msg[:i]) {
		return "", msg, false
	}
	return msg[:i], msg[i+2:], true
}

func isQueueID(s string) bool {
	if len(s) < 5 {
		return false
	}
	hex, long := true, true
	sawZ := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'A' && c <= 'F':
			if c == 'A' || c == 'E' {
				long = false
			}
		case c >= 'G' && c <= 'Z':
			hex = false
			if c == 'I' || c == 'O' || c == 'U' {
				long = false
			}
		case c >= 'a' && c <= 'z':
			hex = false
			switch c {
			case 'a', 'e', 'i', 'o', 'u':
				long = false
			case 'z':
				sawZ = true
			}
		default:
			return false
		}
	}
	return hex || (long && sawZ && len(s) >= 10)
}

// IsQueueID reports whether s has the shape of a Postfix queue ID.
func IsQueueID(s string) bool { return isQueueID(s) }

func parsePostfix(ev *event.Event, msg string) {
	// Solaris syslog puts a message ID before the text: "[ID 197553 mail.info] ".
	if strings.HasPrefix(msg, "[ID ") {
		if j := strings.Index(msg, "] "); j > 0 {
			msg = msg[j+2:]
		}
	}
	noqueue := false
	if qid, rest, ok := cutQueueID(msg); ok {
		ev.QueueID, msg = qid, rest
	} else if rest, ok := strings.CutPrefix(msg, "NOQUEUE: "); ok {
		noqueue, msg = true, rest
	}
	if isWarning(msg) && !isCheckWarning(ev.Daemon, msg) {
		ev.Kind = event.KindOther
		ev.Note = msg
		return
	}
	parser := daemonParsers[ev.Daemon]
	if parser == nil || !parser(ev, msg, noqueue) {
		if ev.QueueID != "" || knownNoise(msg) {
			ev.Kind = event.KindOther
			return
		}
		unparsed(ev, "unknown "+ev.Daemon+" message")
	}
}

type daemonParser func(ev *event.Event, msg string, noqueue bool) bool

var daemonParsers map[string]daemonParser

func init() {
	delivery := func(ev *event.Event, msg string, _ bool) bool { return parseAgent(ev, msg) }
	daemonParsers = map[string]daemonParser{
		"smtpd": parseSMTPD, "postscreen": parsePostscreen, "cleanup": parseCleanup,
		"qmgr": parseQmgr, "nqmgr": parseQmgr, "oqmgr": parseQmgr, "pickup": parsePickup,
		"bounce": parseNotify, "defer": parseNotify, "trace": parseNotify,
		"postsuper": parsePostsuper, "master": parseMaster, "postfix-script": parseMaster,
		"smtp": delivery, "lmtp": delivery, "local": delivery, "virtual": delivery,
		"pipe": delivery, "error": delivery, "retry": delivery, "discard": delivery,
		"sendmail": parseOther, "postdrop": parseOther, "anvil": parseOther,
		"tlsmgr": parseOther, "scache": parseOther, "dnsblog": parseOther,
		"verify": parseOther, "postqueue": parseOther, "trivial-rewrite": parseOther,
	}
}

func isWarning(msg string) bool {
	for _, p := range []string{"warning: ", "error: ", "fatal: ", "panic: "} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// isCheckWarning tells a header or body check's WARN action, which cleanup
// logs as "warning: header ...", from a daemon's own warning.
func isCheckWarning(daemon, msg string) bool {
	return daemon == "cleanup" &&
		(strings.HasPrefix(msg, "warning: header ") || strings.HasPrefix(msg, "warning: body "))
}

// knownNoise are messages without a queue ID that belong to no message.
func knownNoise(msg string) bool {
	for _, p := range []string{
		"statistics: ", "Anonymous TLS", "Trusted TLS", "Untrusted TLS", "Verified TLS",
		"SSL_accept", "TLS SNI", "setting up TLS", "certificate verification",
		"Deleted: ", "Requeued: ", "Placed on hold: ", "Released from hold: ", "connect to ",
		"enabling PIX", "too many errors", "improper command pipelining", "table ",
		"host ", "Host offered STARTTLS", "SASL ", "lookup table", "reload ", "refreshing",
	} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func parseOther(ev *event.Event, _ string, _ bool) bool {
	ev.Kind = event.KindOther
	return true
}

func parseMaster(ev *event.Event, msg string, _ bool) bool {
	for _, p := range []string{"daemon started", "reload", "terminating", "starting the",
		"stopping the", "refreshing the", "daemon waiting"} {
		if strings.HasPrefix(msg, p) {
			ev.Kind = event.KindLifecycle
			ev.Note = msg
			return true
		}
	}
	return parseOther(ev, msg, false)
}

func parsePickup(ev *event.Event, msg string, _ bool) bool {
	from, ok := angle(msg, "from")
	if !ok || ev.QueueID == "" {
		return false
	}
	ev.Kind = event.KindPickup
	ev.From = from
	if orig, ok := plain(msg, "orig_id"); ok {
		ev.Parent = orig
	}
	return true
}

func parseQmgr(ev *event.Event, msg string, _ bool) bool {
	if ev.QueueID == "" {
		return false
	}
	switch {
	case msg == "removed":
		ev.Kind = event.KindRemoved
		return true
	case strings.HasPrefix(msg, "to=<"):
		return parseAgent(ev, msg)
	case strings.HasPrefix(msg, "from=<"):
		ev.From, _ = angle(msg, "from")
		if st, ok := plain(msg, "status"); ok && strings.HasSuffix(st, "expired") {
			ev.Kind = event.KindExpired
			ev.Status = st
			return true
		}
		ev.Kind = event.KindQueued
		if v, ok := plain(msg, "size"); ok {
			ev.Size, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := plain(msg, "nrcpt"); ok {
			ev.Nrcpt, _ = strconv.Atoi(v)
		}
		return true
	}
	return false
}

// parseNotify reads the bounce, defer and trace daemons' lines that create a
// notification message: "QID: sender non-delivery notification: NEWQID".
func parseNotify(ev *event.Event, msg string, _ bool) bool {
	i := strings.Index(msg, " notification: ")
	if i < 0 || ev.QueueID == "" {
		return false
	}
	child := strings.TrimSpace(msg[i+len(" notification: "):])
	if !isQueueID(child) {
		return false
	}
	ev.Kind = event.KindNotify
	ev.Status = msg[:i]
	ev.Child = child
	return true
}

func parsePostsuper(ev *event.Event, msg string, _ bool) bool {
	if ev.QueueID == "" {
		return false
	}
	switch msg {
	case "placed on hold", "released from hold", "requeued", "removed", "expired":
		ev.Kind = event.KindPostsuper
		ev.Status = msg
		return true
	}
	return false
}
