package loggen

// attempt is the timing of one delivery attempt, for delay= and delays=.
type attempt struct {
	active    int64 // qmgr took the queue file in
	start     int64 // the delivery agent got the job
	connected int64 // the connection was set up
}

// dispatch plans the deliveries of a hop's recipients, grouped by next hop as
// qmgr groups them, and the hop's end.
func (g *generator) dispatch(p *plan, hp *hop, rs []*rcpt) {
	var end int64
	for _, group := range g.groups(hp, rs) {
		end = max(end, g.deliverGroup(p, hp, group))
	}
	g.finish(p, hp, end)
}

// groups splits recipients by the next hop: the MX sends all to one filter, a
// filter sends local ones to their store and the rest to one outbound relay, and
// an outbound relay sends each to its own domain.
func (g *generator) groups(hp *hop, rs []*rcpt) [][]*rcpt {
	switch hp.h.role {
	case roleFilter:
		byStore := make([][]*rcpt, len(g.store)+1)
		for _, r := range rs {
			i := len(g.store)
			if r.user != nil {
				i = r.user.store
			}
			byStore[i] = append(byStore[i], r)
		}
		return nonEmpty(byStore)
	case roleOut:
		each := make([][]*rcpt, len(rs))
		for i, r := range rs {
			each[i] = []*rcpt{r}
		}
		return each
	}
	return [][]*rcpt{rs}
}

func nonEmpty(groups [][]*rcpt) [][]*rcpt {
	out := groups[:0]
	for _, gr := range groups {
		if len(gr) > 0 {
			out = append(out, gr)
		}
	}
	return out
}

// deliverGroup plans one group's delivery and returns when it ended.
func (g *generator) deliverGroup(p *plan, hp *hop, rs []*rcpt) int64 {
	start := hp.active + g.ms(0.2, 25)
	switch hp.h.role {
	case roleMX:
		return g.relayGroup(p, hp, g.filter[g.r.IntN(len(g.filter))], rs, start)
	case roleFilter:
		if rs[0].user == nil {
			return g.relayGroup(p, hp, g.out[g.r.IntN(len(g.out))], rs, start)
		}
		return g.relayGroup(p, hp, g.store[rs[0].user.store], rs, start)
	case roleStore:
		return g.lmtpGroup(p, hp, rs, start)
	}
	return g.outGroup(p, hp, rs[0], start)
}

// relayGroup sends recipients over SMTP to another host of the system. A store
// now and then refuses the connection, and the group waits for the retry.
func (g *generator) relayGroup(p *plan, hp *hop, next *host, rs []*rcpt, start int64) int64 {
	a := attempt{active: hp.active, start: start}
	if next.role == roleStore && g.chance(0.004) {
		retry := g.refusedByStore(p, hp, next, rs, start)
		a = attempt{active: retry, start: retry + g.ms(0.2, 25)}
	}
	pid := hp.h.acquire(g.r, "smtp", a.start)
	a.connected = a.start + g.ms(0.3, 3)
	nh := g.arrive(p, next, hp.h, a.connected, rs, hp.size+600+g.r.IntN(400))
	t := nh.accepted + g.ms(0.1, 1)
	relay := next.fqdn + "[" + next.ip + "]:25"
	for _, r := range rs {
		g.deliveryLine(hp, pid, t, r, relay, a, "2.0.0", "sent", "250 2.0.0 Ok: queued as "+nh.qid)
	}
	hp.h.release("smtp", pid, t)
	g.dispatch(p, nh, rs)
	return t
}

// refusedByStore fails a first attempt to reach a store and returns when the
// recipients are tried again.
func (g *generator) refusedByStore(p *plan, hp *hop, next *host, rs []*rcpt, start int64) int64 {
	pid := hp.h.acquire(g.r, "smtp", start)
	t := start + g.ms(0.5, 5)
	reason := "connect to " + next.fqdn + "[" + next.ip + "]:25: Connection refused"
	g.refused(t, hp, pid, reason)
	for _, r := range rs {
		g.deliveryLine(hp, pid, t, r, "none", attempt{hp.active, start, t}, "4.4.1",
			"deferred", reason)
	}
	hp.h.release("smtp", pid, t)
	retry, _ := g.retry(p, hp, t, false)
	return retry
}

// refused logs the delivery agent's note that a connection failed.
func (g *generator) refused(t int64, hp *hop, pid int, reason string) {
	g.begin(t, hp.h, "smtp", pid)
	g.s(reason)
	g.end()
}

// arrive plans the receiving side of an SMTP session from one host of the system
// to another that starts at t, and returns the new hop.
func (g *generator) arrive(p *plan, h, from *host, t int64, rs []*rcpt, size int) *hop {
	c := peer{name: from.fqdn, ip: from.ip}
	pid := h.acquire(g.r, "smtpd", t)
	g.begin(t, h, "smtpd", pid)
	g.s("connect from ")
	g.peer(c.name, c.ip)
	g.end()

	hp := g.openQueue(p, h, pid, c, t+g.ms(0.3, 2))
	hp.size, hp.nrcpt = size, len(rs)
	for _, r := range rs {
		r.truth.Path = append(r.truth.Path, h.name)
	}
	tc := hp.created + g.ms(1, 30)
	g.messageIDLine(tc, hp, h.pid(g.r, "cleanup", tc), p.m.MessageID)
	hp.accepted = tc + g.ms(0.3, 2)
	hp.active = hp.accepted + g.ms(0.1, 2)
	g.queueActive(hp.active, hp, p.sender)
	end := hp.accepted + g.ms(0.5, 3)
	g.disconnect(end, h, pid, c, false, len(rs), len(rs), true)
	h.release("smtpd", pid, end)
	return hp
}

// deliveryLine logs one recipient's delivery attempt ending at t.
func (g *generator) deliveryLine(hp *hop, pid int, t int64, r *rcpt, relay string, a attempt,
	dsn, status, reply string) {
	daemon := "smtp"
	if hp.h.role == roleStore {
		daemon = "lmtp"
	}
	g.begin(t, hp.h, daemon, pid)
	g.s(hp.qid)
	g.s(": to=")
	g.addr(r.addr)
	if r.orig != "" && hp.h.role == roleMX {
		g.s(", orig_to=")
		g.addr(r.orig)
	}
	g.s(", relay=")
	g.s(relay)
	g.s(", delay=")
	g.delay(t - hp.created)
	g.s(", delays=")
	g.delays(hp.created, a, t)
	g.s(", dsn=")
	g.s(dsn)
	g.s(", status=")
	g.s(status)
	g.s(" (")
	g.s(reply)
	g.s(")")
	g.end()
}

// delays appends a/b/c/d: before qmgr, in qmgr, connection setup, transmission.
func (g *generator) delays(created int64, a attempt, t int64) {
	g.delay(a.active - created)
	g.s("/")
	g.delay(a.start - a.active)
	g.s("/")
	g.delay(max(a.connected-a.start, 0))
	g.s("/")
	g.delay(max(t-a.connected, 0))
}

// retry returns when a hop's deferred recipients are tried again, and false if
// they never are (only an outbound relay may keep them, when mayStick). The first
// deferral of a hop decides; qmgr logs the queue file coming back at that time.
func (g *generator) retry(p *plan, hp *hop, t int64, mayStick bool) (int64, bool) {
	if hp.retryAt == 0 {
		hp.stuck = mayStick && g.chance(1.0/3)
		hp.retryAt = t + g.between(300e6, 1500e6)
		if !hp.stuck {
			g.queueActive(hp.retryAt, hp, p.sender)
		}
	}
	return hp.retryAt, !hp.stuck
}

// finish plans a hop's last lines once its deliveries ended at t: the notice of
// non-delivery, if any recipient bounced, and the removal of the queue file,
// unless a recipient is still deferred.
func (g *generator) finish(p *plan, hp *hop, t int64) {
	if len(hp.bounced) > 0 {
		t = g.notify(p, hp, t+g.ms(1, 20))
	}
	if hp.stuck {
		return
	}
	g.begin(t+g.ms(0.1, 2), hp.h, "qmgr", hp.h.qmgrPID)
	g.s(hp.qid)
	g.s(": removed")
	g.end()
}
