package loggen

// hop is one queued copy of the message on one host.
type hop struct {
	h        *host
	qid      string
	created  int64 // when the queue file was made
	accepted int64 // when the sender was told the data was queued
	active   int64 // when qmgr last moved it to the active queue
	size     int
	nrcpt    int
	retryAt  int64 // when deferred recipients are tried again; 0 before any deferral
	stuck    bool  // deferred recipients stay deferred
	bounced  []*rcpt
}

// peer is the client side of an SMTP session.
type peer struct{ name, ip, helo string }

// mxSession plans the session in which an outside client hands the message to an
// MX host, starting at t0, and everything that follows from it.
func (g *generator) mxSession(p *plan, t0 int64) {
	mx := g.mx[g.r.IntN(len(g.mx))]
	c := g.clientOf(p)
	pid := mx.acquire(g.r, "smtpd", t0)
	g.begin(t0, mx, "smtpd", pid)
	g.s("connect from ")
	g.peer(c.name, c.ip)
	g.end()

	t := t0 + g.ms(1, 30)
	tls := g.chance(0.7)
	if tls {
		g.tlsFrom(t, mx, pid, c)
		t += g.ms(5, 40)
	}
	hp, rs, t := g.rcptPhase(p, mx, pid, c, t)
	if hp == nil {
		end := t + g.ms(1, 20)
		g.disconnect(end, mx, pid, c, tls, 0, len(p.rcpts), false)
		mx.release("smtpd", pid, end)
		return
	}
	g.dataPhase(p, hp, c, rs, t+g.ms(20, 400))
	end := hp.accepted + g.ms(0.5, 5)
	g.disconnect(end, mx, pid, c, tls, len(rs), len(p.rcpts), true)
	mx.release("smtpd", pid, end)
	g.dispatch(p, hp, rs)
}

func (g *generator) clientOf(p *plan) peer {
	if p.sasl {
		ip := publicIP(g.r)
		return peer{name: "unknown", ip: ip, helo: "[" + ip + "]"}
	}
	c := peer{name: p.from.clientName, ip: p.from.clientIP, helo: p.from.clientName}
	if c.name == "unknown" {
		c.helo = "mail." + p.from.name
	}
	return c
}

func (g *generator) tlsFrom(t int64, h *host, pid int, c peer) {
	g.begin(t, h, "smtpd", pid)
	g.s("Anonymous TLS connection established from ")
	g.peer(c.name, c.ip)
	g.s(": TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 " +
		"server-signature RSA-PSS (2048 bits) server-digest SHA256")
	g.end()
}

// rcptPhase plans the RCPT commands: rejected recipients get a reject line, and
// the first accepted one creates the queue file (smtpd_delay_open_until_valid_rcpt),
// so rejects before it say NOQUEUE and rejects after it carry the queue ID.
func (g *generator) rcptPhase(p *plan, mx *host, pid int, c peer, t int64) (*hop, []*rcpt, int64) {
	var hp *hop
	var accepted []*rcpt
	for _, r := range p.rcpts {
		r.truth.Path = append(r.truth.Path, mx.name)
		if r.fate == fateReject {
			g.reject(t, mx, pid, hp, c, p.sender, r)
			r.truth.Disposition = DispositionRejected
		} else {
			if hp == nil {
				hp = g.openQueue(p, mx, pid, c, t)
			}
			accepted = append(accepted, r)
		}
		t += g.ms(0.5, 20)
	}
	if hp != nil {
		hp.nrcpt = len(accepted)
	}
	return hp, accepted, t
}

func (g *generator) reject(t int64, mx *host, pid int, hp *hop, c peer, sender string, r *rcpt) {
	g.begin(t, mx, "smtpd", pid)
	if hp == nil {
		g.s("NOQUEUE")
	} else {
		g.s(hp.qid)
	}
	g.s(": reject: RCPT from ")
	g.peer(c.name, c.ip)
	g.s(": 550 5.1.1 ")
	g.addr(r.addr)
	g.s(": Recipient address rejected: User unknown in virtual mailbox table")
	g.envelope(sender, r.addr, c.helo)
	g.end()
}

// envelope appends the envelope summary that smtpd and cleanup end their reject
// and header-check lines with.
func (g *generator) envelope(sender, rcpt, helo string) {
	g.s("; from=")
	g.addr(sender)
	g.s(" to=")
	g.addr(rcpt)
	g.s(" proto=ESMTP helo=")
	g.addr(helo)
}

func (g *generator) openQueue(p *plan, h *host, pid int, c peer, t int64) *hop {
	hp := &hop{h: h, qid: h.queueID(g.r, t), created: t, size: p.size}
	p.m.QueueIDs[h.name] = hp.qid
	g.begin(t, h, "smtpd", pid)
	g.s(hp.qid)
	g.s(": client=")
	g.peer(c.name, c.ip)
	if p.sasl {
		g.s(", sasl_method=PLAIN, sasl_username=")
		g.s(p.sender)
	}
	g.end()
	return hp
}

// dataPhase plans cleanup's and qmgr's lines once the data has arrived at t.
func (g *generator) dataPhase(p *plan, hp *hop, c peer, rs []*rcpt, t int64) {
	cpid := hp.h.pid(g.r, "cleanup", t)
	subjectFirst := g.chance(0.5)
	if subjectFirst {
		g.subjectInfo(t, hp, cpid, c, p, rs[0])
	}
	g.messageIDLine(t, hp, cpid, p.m.MessageID)
	if !subjectFirst {
		g.subjectInfo(t, hp, cpid, c, p, rs[0])
	}
	hp.accepted = t + g.ms(0.3, 3)
	hp.active = hp.accepted + g.ms(0.1, 2)
	g.queueActive(hp.active, hp, p.sender)
}

// subjectInfo is the line header_checks' INFO action makes on the MX.
func (g *generator) subjectInfo(t int64, hp *hop, pid int, c peer, p *plan, r *rcpt) {
	g.begin(t, hp.h, "cleanup", pid)
	g.s(hp.qid)
	g.s(": info: header Subject: ")
	g.s(p.m.Subject)
	g.s(" from ")
	g.peer(c.name, c.ip)
	g.envelope(p.sender, r.given(), c.helo)
	g.end()
}

func (g *generator) messageIDLine(t int64, hp *hop, pid int, id string) {
	g.begin(t, hp.h, "cleanup", pid)
	g.s(hp.qid)
	g.s(": message-id=")
	g.s(id)
	g.end()
}

// queueActive logs qmgr taking the queue file into the active queue at t.
func (g *generator) queueActive(t int64, hp *hop, sender string) {
	g.begin(t, hp.h, "qmgr", hp.h.qmgrPID)
	g.s(hp.qid)
	g.s(": from=")
	g.addr(sender)
	g.s(", size=")
	g.n(hp.size)
	g.s(", nrcpt=")
	g.n(hp.nrcpt)
	g.s(" (queue active)")
	g.end()
}

// disconnect logs the end of an SMTP session with its command counts: ok/total
// where some failed, ok alone where all succeeded.
func (g *generator) disconnect(t int64, h *host, pid int, c peer, tls bool, ok, rcpts int,
	data bool) {
	g.begin(t, h, "smtpd", pid)
	g.s("disconnect from ")
	g.peer(c.name, c.ip)
	done, total := 3+ok, 4+rcpts
	if tls {
		g.s(" ehlo=2 starttls=1")
		done, total = done+2, total+2
	} else {
		g.s(" ehlo=1")
	}
	g.s(" mail=1")
	g.count(" rcpt=", ok, rcpts)
	if data {
		done++
		g.s(" data=1")
	} else {
		g.s(" data=0/1")
	}
	g.s(" quit=1")
	g.count(" commands=", done, total)
	g.end()
}

func (g *generator) count(key string, ok, total int) {
	g.s(key)
	g.n(ok)
	if ok != total {
		g.s("/")
		g.n(total)
	}
}
