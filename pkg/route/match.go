package route

import (
	"path"
	"strings"

	"github.com/mailpath/mailpath/pkg/trace"
)

// RouteFor returns the first route whose match fits recipient r of message t,
// with a reason naming the rules that fit, such as "recipient domain
// store.lab.mailpath.test matches route inbound-store". Recipient rules read
// the address the message was sent to: OrigTo when an alias expanded it. With
// no route fitting it returns nil and a reason saying so. t may be nil.
func (db *DB) RouteFor(t *trace.Trace, r *trace.Recipient) (*Route, string) {
	addr := sentTo(r)
	for _, rt := range db.Routes {
		if why, ok := rt.Match.fits(t, r, addr); ok {
			return rt, why + " matches route " + rt.Name
		}
	}
	return nil, "no route matches recipient " + addr
}

// sentTo is the address the message was sent to, before alias expansion.
func sentTo(r *trace.Recipient) string {
	if r.OrigTo != "" {
		return r.OrigTo
	}
	return r.Address
}

// rule is one match key with what it reads from a recipient.
type rule struct {
	label   string // how the reason names what was read
	pattern string
	value   string
	glob    bool // pattern is a glob, else a substring
}

// fits reports whether every rule of m fits, with the reason; addr is the
// recipient address the rules read.
func (m Match) fits(t *trace.Trace, r *trace.Recipient, addr string) (string, bool) {
	var why []string
	for _, ru := range m.rules(t, r, addr) {
		if ru.pattern == "" {
			continue
		}
		if !ru.ok() {
			return "", false
		}
		why = append(why, ru.reason())
	}
	if len(why) == 0 {
		return "every recipient", true
	}
	return strings.Join(why, " and "), true
}

func (m Match) rules(t *trace.Trace, r *trace.Recipient, addr string) []rule {
	var from, subject, entry string
	if t != nil {
		from, subject = t.From, t.Subject
	}
	if len(r.Path) > 0 {
		entry = r.Path[0]
	}
	rcpt := "recipient"
	if addr != r.Address {
		rcpt = "original recipient"
	}
	return []rule{
		{rcpt + " domain", m.RecipientDomain, domainOf(addr), true},
		{rcpt, m.Recipient, addr, true},
		{"sender domain", m.SenderDomain, domainOf(from), true},
		{"sender", m.Sender, from, true},
		{"entry host", m.EntryHost, entry, true},
		{"subject tag", m.SubjectTag, subject, false},
		{"probe tag", probeTag(m.Probe), subject, false},
	}
}

func probeTag(name string) string {
	if name == "" {
		return ""
	}
	return ProbeTag(name)
}

func (ru rule) ok() bool {
	if ru.glob {
		return globFits(ru.pattern, ru.value)
	}
	return strings.Contains(strings.ToLower(ru.value), strings.ToLower(ru.pattern))
}

func (ru rule) reason() string {
	if !ru.glob {
		return ru.label + " " + ru.pattern
	}
	if strings.EqualFold(ru.pattern, ru.value) {
		return ru.label + " " + ru.value
	}
	return ru.label + " " + ru.value + " (" + ru.pattern + ")"
}

// globFits matches a checked glob against s without regard to case.
func globFits(pattern, s string) bool {
	ok, _ := path.Match(strings.ToLower(pattern), strings.ToLower(s))
	return ok
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}
