package loggen

import (
	"strconv"
	"time"
)

// fate is what the generator decides will happen to a recipient; the recipient's
// disposition follows from it and from what its hops draw (a deferred recipient
// may be retried and relayed, or stay deferred).
type fate int

const (
	fateDeliver fate = iota
	fateRelay
	fateDefer
	fateBounce
	fateReject
)

// rcpt is one recipient while its message is planned.
type rcpt struct {
	truth *Recipient
	addr  string // envelope address after alias expansion
	orig  string // the address as given, when an alias rewrote it
	fate  fate
	user  *user      // for local recipients
	ext   *extDomain // for outside recipients
}

// plan is one message while its lines are made.
type plan struct {
	m       *Message
	sender  string
	from    *extDomain // the sending domain; its hosts send and receive for it
	sasl    bool       // submitted by a local user with SMTP AUTH
	spam    bool
	size    int
	rcpts   []*rcpt
	notices []*Message // notifications the message caused
}

// message plans every line of one message arriving at us, and reports it.
func (g *generator) message(us int64) {
	p := g.newPlan(us)
	g.mxSession(p, us)
	for i := range p.rcpts {
		if p.rcpts[i].truth.Disposition == "" {
			panic("loggen: recipient without disposition") // a bug in the planner
		}
	}
	g.report(p.m)
	for _, n := range p.notices {
		g.report(n)
	}
}

func (g *generator) newPlan(us int64) *plan {
	g.msgSeq++
	p := &plan{from: &g.names.ext[g.r.IntN(len(g.names.ext))], sasl: g.chance(0.08)}
	p.spam = !p.sasl && g.chance(0.07)
	p.sender = g.senderAddress(p)
	p.size = g.messageSize()
	p.m = &Message{
		MessageID: g.names.messageID(g.r, g.msgSeq, utcStamp(us), senderDomain(p.sender)),
		Sender:    p.sender,
		Subject:   subject(g.r, p.spam),
		Arrival:   g.timeOf(us),
		QueueIDs:  map[string]string{},
	}
	g.addRecipients(p)
	return p
}

func (g *generator) senderAddress(p *plan) string {
	if p.sasl {
		return g.names.users[g.r.IntN(len(g.names.users))].address
	}
	if g.chance(0.5) {
		return pick(g.r, senderLocals) + "@" + p.from.name
	}
	return pick(g.r, firstNames) + "." + pick(g.r, lastNames) + "@" + p.from.name
}

func senderDomain(a string) string {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] == '@' {
			return a[i+1:]
		}
	}
	return a
}

func (g *generator) messageSize() int {
	if g.chance(0.03) {
		return 100000 + g.r.IntN(5000000)
	}
	return 1200 + int(g.r.ExpFloat64()*9000)
}

// addRecipients draws the recipients: mostly one, sometimes a few, each address
// at most once in the message and each outside one at its own domain.
func (g *generator) addRecipients(p *plan) {
	n := 1
	switch u := g.r.Float64(); {
	case u < 0.05:
		n = 4 + g.r.IntN(5)
	case u < 0.15:
		n = 2 + g.r.IntN(2)
	}
	seen := map[string]bool{}
	for len(p.rcpts) < n {
		r := g.newRcpt(p)
		keys := r.keys()
		if seen[keys[0]] || seen[keys[1]] || seen[keys[2]] {
			continue
		}
		for _, k := range keys {
			seen[k] = k != ""
		}
		p.rcpts = append(p.rcpts, r)
	}
	p.m.Recipients = make([]Recipient, n)
	for i, r := range p.rcpts {
		r.truth = &p.m.Recipients[i]
		r.truth.Address = r.addr
		r.truth.OrigTo = r.orig
	}
}

// keys are what must differ between two recipients of one message: the address,
// the address before alias expansion, and the outside domain.
func (r *rcpt) keys() [3]string {
	k := [3]string{r.addr, r.orig, ""}
	if r.ext != nil {
		k[2] = "@" + r.ext.name
	}
	return k
}

// given is the address as the sender gave it.
func (r *rcpt) given() string {
	if r.orig != "" {
		return r.orig
	}
	return r.addr
}

func (g *generator) newRcpt(p *plan) *rcpt {
	f := g.drawFate(p)
	switch f {
	case fateDeliver:
		return g.localRcpt()
	case fateReject:
		u := &g.names.users[g.r.IntN(len(g.names.users))]
		return &rcpt{addr: "ex-" + u.address, fate: fateReject}
	}
	d := &g.names.ext[g.r.IntN(len(g.names.ext))]
	a := pick(g.r, firstNames) + strconv.Itoa(g.r.IntN(1000)) + "@" + d.name
	return &rcpt{addr: a, fate: f, ext: d}
}

// drawFate draws a recipient's fate: about 91% delivered, 5% relayed, 2% deferred,
// 1% bounced and 1% rejected. Mail from local users does not bounce, so that no
// notification has to come back in through the system.
func (g *generator) drawFate(p *plan) fate {
	switch u := g.r.Float64(); {
	case u < 0.91:
		return fateDeliver
	case u < 0.96:
		return fateRelay
	case u < 0.98:
		return fateDefer
	case u < 0.99 && !p.sasl:
		return fateBounce
	case u < 0.99:
		return fateRelay
	}
	return fateReject
}

// localRcpt draws a local mailbox, addressed through an alias now and then.
func (g *generator) localRcpt() *rcpt {
	if g.chance(0.05) {
		a := g.names.aliasOf[g.r.IntN(len(g.names.aliasOf))]
		u := &g.names.users[g.names.aliases[a]]
		return &rcpt{addr: u.address, orig: a, fate: fateDeliver, user: u}
	}
	u := &g.names.users[g.r.IntN(len(g.names.users))]
	return &rcpt{addr: u.address, fate: fateDeliver, user: u}
}

// utcStamp is the time us as YYYYMMDDhhmmss in UTC, as Message-IDs carry it.
func utcStamp(us int64) string {
	return time.UnixMicro(us).UTC().Format("20060102150405")
}

// timeOf is the time us in the configured time zone.
func (g *generator) timeOf(us int64) time.Time {
	return time.UnixMicro(us).In(g.cfg.Start.Location())
}
