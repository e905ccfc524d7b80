package loggen

import (
	"strconv"
	"strings"
)

// outGroup delivers one recipient from an outbound relay to its own domain's MX,
// outside the system.
func (g *generator) outGroup(p *plan, hp *hop, r *rcpt, start int64) int64 {
	pid := hp.h.acquire(g.r, "smtp", start)
	a := attempt{active: hp.active, start: start, connected: start + g.ms(5, 300)}
	var t int64
	switch r.fate {
	case fateBounce:
		t = g.bounceOut(hp, pid, r, a)
	case fateDefer:
		t = g.deferOut(hp, pid, r, a)
		hp.h.release("smtp", pid, t)
		return g.retryOut(p, hp, r, t)
	default:
		t = g.sendOut(hp, pid, r, a)
	}
	hp.h.release("smtp", pid, t)
	return t
}

// bounceOut has the outside MX refuse the recipient for good.
func (g *generator) bounceOut(hp *hop, pid int, r *rcpt, a attempt) int64 {
	d := r.ext
	t := a.connected + g.ms(20, 400)
	reply := "host " + d.mxName + "[" + d.mxIP + "] said: 550 5.1.1 <" + r.addr +
		">: Recipient address rejected: User unknown (in reply to RCPT TO command)"
	g.deliveryLine(hp, pid, t, r, d.mxName+"["+d.mxIP+"]:25", a, "5.1.1", "bounced", reply)
	r.truth.Disposition = DispositionBounced
	hp.bounced = append(hp.bounced, r)
	return t
}

// deferOut fails a first attempt, with a refused connection or a greylisting
// answer, and returns when it ended.
func (g *generator) deferOut(hp *hop, pid int, r *rcpt, a attempt) int64 {
	d := r.ext
	t := a.connected
	relay, dsn := "none", "4.4.1"
	reason := "connect to " + d.mxName + "[" + d.mxIP + "]:25: Connection refused"
	if g.chance(0.5) {
		relay, dsn = d.mxName+"["+d.mxIP+"]:25", "4.7.1"
		reason = "host " + d.mxName + "[" + d.mxIP + "] said: 451 4.7.1 Greylisting in " +
			"action, please come back later (in reply to RCPT TO command)"
		t += g.ms(20, 300)
	} else {
		g.refused(t, hp, pid, reason)
	}
	g.deliveryLine(hp, pid, t, r, relay, a, dsn, "deferred", reason)
	return t
}

// retryOut relays a deferred recipient on the hop's retry, or leaves it deferred
// if that retry does not come within the log.
func (g *generator) retryOut(p *plan, hp *hop, r *rcpt, t int64) int64 {
	retry, ok := g.retry(p, hp, t, true)
	if !ok {
		r.truth.Disposition = DispositionDeferred
		return t
	}
	start := retry + g.ms(0.2, 25)
	pid := hp.h.acquire(g.r, "smtp", start)
	end := g.sendOut(hp, pid, r, attempt{retry, start, start + g.ms(5, 300)})
	hp.h.release("smtp", pid, end)
	return end
}

// sendOut relays a recipient to its domain's MX, which answers in the style of
// its own software.
func (g *generator) sendOut(hp *hop, pid int, r *rcpt, a attempt) int64 {
	d := r.ext
	relay := d.mxName + "[" + d.mxIP + "]:25"
	if g.chance(0.6) {
		g.begin(a.connected, hp.h, "smtp", pid)
		g.s("Verified TLS connection established to ")
		g.s(relay)
		g.s(": TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 " +
			"server-signature RSA-PSS (2048 bits) server-digest SHA256")
		g.end()
	}
	t := a.connected + g.ms(30, 900)
	g.deliveryLine(hp, pid, t, r, relay, a, "2.0.0", "sent", g.outsideReply(t))
	r.truth.Disposition = DispositionRelayed
	return t
}

// outsideReply is an outside server's answer to the end of the data.
func (g *generator) outsideReply(t int64) string {
	i := g.r.IntN(len(replyShapes))
	head := replyShapes[i]
	tok := g.names.token(uint64(g.r.Int64N(1 << 40)))
	switch i {
	case 0:
		return head + strings.ToUpper(tok[:11])
	case 1:
		return head + strconv.FormatInt(t/1e6, 10) + " a" + tok + "si" +
			strconv.Itoa(g.r.IntN(1e9)) + "." + strconv.Itoa(g.r.IntN(300)) + " - gsmtp"
	case 2:
		return head + "1v" + tok[:4] + "-" + tok[4:] + "-sk" + tok[:2]
	}
	return head + "<" + tok + "@mail.example.org>"
}

// notify plans the non-delivery notification for a hop's bounced recipients at t,
// as bounce and cleanup make it on the same host, and returns when the original
// hop may be removed.
func (g *generator) notify(p *plan, hp *hop, t int64) int64 {
	h := hp.h
	nh := &hop{h: h, qid: h.queueID(g.r, t), created: t, nrcpt: 1}
	nh.size = 2200 + g.r.IntN(1500) + min(hp.size, 120000)
	ndn := &Message{
		MessageID: "<" + utcStamp(t) + "." + nh.qid + "@" + h.fqdn + ">",
		Subject:   "Undelivered Mail Returned to Sender",
		Arrival:   g.timeOf(t),
		QueueIDs:  map[string]string{h.name: nh.qid},
		BounceOf:  p.m.MessageID,
	}
	p.notices = append(p.notices, ndn)

	g.messageIDLine(t, nh, h.pid(g.r, "cleanup", t), ndn.MessageID)
	g.begin(t+g.ms(0.1, 1), h, "bounce", h.pid(g.r, "bounce", t))
	g.s(hp.qid)
	g.s(": sender non-delivery notification: ")
	g.s(nh.qid)
	g.end()
	nh.accepted = t + g.ms(1, 2)
	nh.active = nh.accepted + g.ms(0.1, 2)
	g.queueActive(nh.active, nh, "")
	g.returnNotice(p, nh, ndn)
	return nh.accepted
}

// returnNotice relays a notification to the sender's domain and removes it.
func (g *generator) returnNotice(p *plan, nh *hop, ndn *Message) {
	r := &rcpt{addr: p.sender, ext: p.from, fate: fateRelay}
	ndn.Recipients = []Recipient{{Address: p.sender, Path: []string{nh.h.name}}}
	r.truth = &ndn.Recipients[0]
	start := nh.active + g.ms(0.2, 25)
	pid := nh.h.acquire(g.r, "smtp", start)
	t := g.sendOut(nh, pid, r, attempt{nh.active, start, start + g.ms(5, 300)})
	nh.h.release("smtp", pid, t)
	g.finish(p, nh, t)
}
