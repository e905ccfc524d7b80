package loggen

import (
	"bufio"
	"fmt"
	"math/rand/v2"
)

// generator holds the state of one Generate call.
type generator struct {
	cfg   Config
	w     *bufio.Writer
	truth func(Message)
	r     *rand.Rand
	stamp *stamper
	names *names

	mx, filter, store, out []*host

	queue        lineHeap
	seq          uint64
	arena        []byte
	pendingBytes int64
	ln           []byte
	lnTime       int64
	headLen      int

	now     int64 // when the message being planned arrives
	started int
	msgSeq  uint64
	stats   Stats
}

func newGenerator(cfg Config, w *bufio.Writer, truth func(Message)) *generator {
	r := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x6d61696c70617468))
	g := &generator{
		cfg:   cfg,
		w:     w,
		truth: truth,
		r:     r,
		stamp: newStamper(cfg.Start.Location(), cfg.Format),
		ln:    make([]byte, 0, 1024),
	}
	g.mx, g.filter, g.store, g.out = newTopology(r)
	g.names = newNames(r, len(g.store))
	return g
}

// run starts messages at random gaps of log time until a limit is reached, writing
// lines as their time comes, then finishes the messages still in flight.
func (g *generator) run() error {
	now := g.cfg.Start.UnixMicro()
	gap := 1e6 / g.cfg.Rate
	for !g.done() {
		if err := g.flushUntil(now); err != nil {
			return err
		}
		g.now = now
		g.message(now)
		g.noise(now)
		g.started++
		now += int64(g.r.ExpFloat64() * gap)
	}
	return g.flushAll()
}

// done reports whether no further message may start.
func (g *generator) done() bool {
	if g.cfg.Messages > 0 && g.started >= g.cfg.Messages {
		return true
	}
	return g.cfg.TargetBytes > 0 && g.stats.Bytes+g.pendingBytes >= g.cfg.TargetBytes
}

func (g *generator) write(p pending) error {
	if _, err := g.w.Write(p.text); err != nil {
		return fmt.Errorf("writing log: line=%d: %w", g.stats.Lines+1, err)
	}
	g.stats.Lines++
	g.stats.Bytes += int64(len(p.text))
	g.pendingBytes -= int64(len(p.text))
	return nil
}

// report hands a finished message plan to the truth callback.
func (g *generator) report(m *Message) {
	g.stats.Messages++
	if g.truth != nil {
		g.truth(*m)
	}
}

// between returns a random duration from lo to hi microseconds.
func (g *generator) between(lo, hi int64) int64 {
	return lo + g.r.Int64N(hi-lo+1)
}

// ms returns a random duration from lo to hi milliseconds, in microseconds.
func (g *generator) ms(lo, hi float64) int64 {
	return g.between(int64(lo*1000), int64(hi*1000))
}

// chance reports true with probability p.
func (g *generator) chance(p float64) bool { return g.r.Float64() < p }
