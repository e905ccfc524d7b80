package loggen

import "time"

// noise plans, now and then, a line that belongs to no message: a scanner's
// session, a warning, anvil's statistics, another program's chatter. A few of them
// come out damaged, as lines of a real log do.
func (g *generator) noise(now int64) {
	if !g.chance(0.4) {
		return
	}
	t := now + g.ms(0, 500)
	switch u := g.r.IntN(100); {
	case u < 40:
		g.scanner(t)
	case u < 65:
		g.unresolved(t)
	case u < 85:
		g.anvil(t)
	case u < 88:
		g.postgrey(t)
	default:
		g.tlsProblem(t)
	}
}

func (g *generator) unresolved(t int64) {
	h := g.mx[g.r.IntN(len(g.mx))]
	ip := publicIP(g.r)
	g.beginWarn(t, h, "smtpd", h.pid(g.r, "smtpd", t))
	g.s("hostname host-" + ip + ".dyn.example.net does not resolve to address " + ip +
		": Name or service not known")
	g.endNoise()
}

// postgrey is a line of another program, one the aggregated mail log also holds.
func (g *generator) postgrey(t int64) {
	h := g.mx[g.r.IntN(len(g.mx))]
	g.beginTag(t, priInfo, h.name, "postgrey", "", h.pid(g.r, "postgrey", t))
	g.s(pick(g.r, []string{"cleaning up old logs...", "cleaning up old entries...",
		"cleaning clients database finished. before: 412, after: 409"}))
	g.endNoise()
}

func (g *generator) tlsProblem(t int64) {
	h := g.out[g.r.IntN(len(g.out))]
	g.beginWarn(t, h, "smtp", h.pid(g.r, "smtp", t))
	g.s("TLS library problem: error:0A000126:SSL routines::unexpected eof while " +
		"reading:ssl/record/rec_layer_s3.c:317:")
	g.endNoise()
}

// scanner is a client that connects to an MX, says EHLO and goes away.
func (g *generator) scanner(t int64) {
	h := g.mx[g.r.IntN(len(g.mx))]
	pid := h.acquire(g.r, "smtpd", t)
	c := peer{name: "unknown", ip: publicIP(g.r)}
	g.begin(t, h, "smtpd", pid)
	g.s("connect from ")
	g.peer(c.name, c.ip)
	g.end()
	t += g.ms(50, 3000)
	g.begin(t, h, "smtpd", pid)
	g.s("lost connection after EHLO from ")
	g.peer(c.name, c.ip)
	g.endNoise()
	g.begin(t, h, "smtpd", pid)
	g.s("disconnect from ")
	g.peer(c.name, c.ip)
	g.s(" ehlo=1 commands=1")
	g.end()
	h.release("smtpd", pid, t)
}

func (g *generator) anvil(t int64) {
	all := [][]*host{g.mx, g.filter, g.store, g.out}
	hosts := all[g.r.IntN(len(all))]
	h := hosts[g.r.IntN(len(hosts))]
	g.begin(t, h, "anvil", h.pid(g.r, "anvil", t))
	g.s("statistics: max connection rate ")
	g.n(1 + g.r.IntN(9))
	g.s("/60s for (smtp:")
	g.s(publicIP(g.r))
	g.s(") at ")
	at := time.UnixMicro(t - g.ms(1000, 600000)).In(g.cfg.Start.Location())
	g.ln = at.AppendFormat(g.ln, time.Stamp)
	g.endNoise()
}

// endNoise finishes a noise line, cutting about one in thirty short and breaking
// about one in two hundred in two, the second part without any syslog header.
func (g *generator) endNoise() {
	body := len(g.ln) - g.headLen
	switch u := g.r.Float64(); {
	case body < 2:
	case u < 0.005:
		cut := g.headLen + 1 + g.r.IntN(body-1)
		rest := append([]byte(nil), g.ln[cut:]...)
		g.ln = g.ln[:cut]
		g.end()
		g.ln = append(g.ln[:0], rest...)
		g.stats.Malformed++
	case u < 0.035:
		g.ln = g.ln[:g.headLen+1+g.r.IntN(body-1)]
	}
	g.end()
}
