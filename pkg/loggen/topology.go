package loggen

import (
	"math/rand/v2"
	"strconv"
)

// role is what a host does in the mail system.
type role int

const (
	roleMX role = iota
	roleFilter
	roleStore
	roleOut
)

// host is one Postfix instance with the process IDs it is running and the
// counter its queue IDs are made from.
type host struct {
	name string
	fqdn string
	ip   string
	role role
	long bool // enable_long_queue_ids = yes
	tag  string

	qmgrPID int
	nextPID int
	pools   map[string][]proc
	inode   uint64
}

// domain is the DNS suffix of every host of the system.
const domain = ".mail.example.net"

// newTopology builds the sixteen hosts. Which hosts use long queue IDs is fixed,
// so a trace test knows where to expect which shape.
func newTopology(r *rand.Rand) (mx, filter, store, out []*host) {
	mx = makeHosts(r, "mx", roleMX, 4, 10, 3)
	filter = makeHosts(r, "filter", roleFilter, 6, 11, 5)
	store = makeHosts(r, "store", roleStore, 4, 12, 4)
	out = makeHosts(r, "out", roleOut, 2, 13, 2)
	return mx, filter, store, out
}

// makeHosts makes n hosts named prefix1..prefixN on 127.0.net.i; those numbered
// from longFrom on use long queue IDs.
func makeHosts(r *rand.Rand, prefix string, ro role, n, net, longFrom int) []*host {
	hosts := make([]*host, n)
	for i := range hosts {
		name := prefix + strconv.Itoa(i+1)
		hosts[i] = &host{
			name:    name,
			fqdn:    name + domain,
			ip:      "127.0." + strconv.Itoa(net) + "." + strconv.Itoa(i+1),
			role:    ro,
			long:    i+1 >= longFrom,
			tag:     "postfix-" + name + "/",
			qmgrPID: 600 + r.IntN(2000),
			nextPID: 3000 + r.IntN(20000),
			pools:   map[string][]proc{},
			inode:   uint64(0x10000 + r.IntN(0x200000)),
		}
	}
	return hosts
}

// proc is one daemon process and the time until which it is busy.
type proc struct {
	pid  int
	busy int64
}

// acquire returns the process ID of one of the host's daemon processes that is
// idle at t, and marks it busy until release is called: a Postfix daemon serves
// one client at a time, and a tracer may join lines by PID. Each daemon has a
// small pool of processes that grows when all are busy; now and then one exits
// and a new one takes its place, as with max_use and max_idle.
func (h *host) acquire(r *rand.Rand, daemon string, t int64) int {
	pool := h.pools[daemon]
	free := -1
	for i, p := range pool {
		if p.busy <= t {
			free = i
			if r.IntN(3) == 0 {
				break
			}
		}
	}
	if free < 0 {
		pool = append(pool, proc{pid: h.newPID(r)})
		h.pools[daemon] = pool
		free = len(pool) - 1
	} else if r.IntN(300) == 0 {
		pool[free].pid = h.newPID(r)
	}
	pool[free].busy = 1<<63 - 1
	return pool[free].pid
}

// release marks the process pid of daemon idle from t on.
func (h *host) release(daemon string, pid int, t int64) {
	for i, p := range h.pools[daemon] {
		if p.pid == pid {
			h.pools[daemon][i].busy = t
			return
		}
	}
}

// pid returns an idle process of daemon for a moment's work at t.
func (h *host) pid(r *rand.Rand, daemon string, t int64) int {
	pid := h.acquire(r, daemon, t)
	h.release(daemon, pid, t+1000)
	return pid
}

func (h *host) newPID(r *rand.Rand) int {
	h.nextPID += 1 + r.IntN(40)
	if h.nextPID > 4000000 {
		h.nextPID = 3000
	}
	return h.nextPID
}
