package loggen

// lmtpGroup delivers recipients over LMTP to the Dovecot on the store host, in
// one LMTP session: Dovecot logs each mailbox write, then Postfix logs each reply.
func (g *generator) lmtpGroup(p *plan, hp *hop, rs []*rcpt, start int64) int64 {
	pid := hp.h.acquire(g.r, "lmtp", start)
	dpid := hp.h.acquire(g.r, "dovecot-lmtp", start)
	session := sessionID(g.r)
	a := attempt{active: hp.active, start: start, connected: start + g.ms(0.2, 2)}
	chatty := g.chance(0.3)
	if chatty {
		g.dovecot(a.connected, hp.h, "lmtp(", dpid, "): Connect from local")
	}

	t := a.connected + g.ms(1, 5)
	for _, r := range rs {
		t += g.ms(1, 15)
		g.store1(t, hp, dpid, session, p, r)
	}
	t += g.ms(0.2, 2)
	relay := hp.h.fqdn + "[private/dovecot-lmtp]"
	for _, r := range rs {
		reply := "250 2.0.0 <" + r.addr + "> " + session + " Saved"
		g.deliveryLine(hp, pid, t, r, relay, a, "2.0.0", "sent", reply)
	}
	if chatty {
		g.dovecot(t+g.ms(0.1, 1), hp.h, "lmtp(", dpid,
			"): Disconnect from local: Client has quit the connection (state=READY)")
	}
	hp.h.release("lmtp", pid, t)
	hp.h.release("dovecot-lmtp", dpid, t+1000)
	return t
}

// store1 logs Dovecot saving the message for one recipient, in the grammar of
// plain LMTP delivery or of Sieve (implicit keep, or fileinto for spam).
func (g *generator) store1(t int64, hp *hop, dpid int, session string, p *plan, r *rcpt) {
	r.truth.Disposition = DispositionDelivered
	r.truth.Folder = "INBOX"
	if p.spam {
		r.truth.Folder = "Junk"
	}
	g.beginTag(t, priInfo, hp.h.name, "dovecot", "", 0)
	g.s("lmtp(")
	g.s(r.addr)
	g.s(")<")
	g.n(dpid)
	g.s("><")
	g.s(session)
	g.s(">: ")
	switch {
	case p.spam:
		g.s("sieve: msgid=")
		g.s(p.m.MessageID)
		g.s(": fileinto action: stored mail into mailbox 'Junk'")
	case r.user.sieve:
		g.s("sieve: msgid=")
		g.s(p.m.MessageID)
		g.s(": stored mail into mailbox 'INBOX'")
	default:
		g.s("msgid=")
		g.s(p.m.MessageID)
		g.s(": saved mail to INBOX")
	}
	g.end()
}

// dovecot logs a Dovecot line of the form head+pid+tail.
func (g *generator) dovecot(t int64, h *host, head string, pid int, tail string) {
	g.beginTag(t, priInfo, h.name, "dovecot", "", 0)
	g.s(head)
	g.n(pid)
	g.s(tail)
	g.end()
}
