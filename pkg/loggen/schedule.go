package loggen

// pending is a line waiting for its time to be written.
type pending struct {
	us   int64
	seq  uint64
	text []byte
}

// lineHeap is a min-heap of pending lines by time, then by scheduling order, so
// lines of one time keep the order they were made in.
type lineHeap []pending

func (h lineHeap) less(i, j int) bool {
	if h[i].us != h[j].us {
		return h[i].us < h[j].us
	}
	return h[i].seq < h[j].seq
}

func (h *lineHeap) push(p pending) {
	*h = append(*h, p)
	q := *h
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q[i], q[parent] = q[parent], q[i]
		i = parent
	}
}

func (h *lineHeap) pop() pending {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q[last] = pending{}
	q = q[:last]
	*h = q
	for i := 0; ; {
		least, l, r := i, 2*i+1, 2*i+2
		if l < len(q) && q.less(l, least) {
			least = l
		}
		if r < len(q) && q.less(r, least) {
			least = r
		}
		if least == i {
			return top
		}
		q[i], q[least] = q[least], q[i]
		i = least
	}
}

// arenaChunk is the size of the blocks pending lines are copied into.
const arenaChunk = 1 << 20

// farAhead is how far past the current message a line may be and still be copied
// into the shared arena; a retry's lines, due many minutes later, get their own
// copy so that they do not keep whole arena blocks alive.
const farAhead = 10e6

// schedule copies a finished line and queues it for time us.
func (g *generator) schedule(us int64, line []byte) {
	g.seq++
	g.pendingBytes += int64(len(line))
	if us > g.now+farAhead {
		text := append([]byte(nil), line...)
		g.queue.push(pending{us: us, seq: g.seq, text: text})
		return
	}
	if len(g.arena)+len(line) > cap(g.arena) {
		g.arena = make([]byte, 0, max(arenaChunk, len(line)))
	}
	start := len(g.arena)
	g.arena = append(g.arena, line...)
	g.queue.push(pending{us: us, seq: g.seq, text: g.arena[start:len(g.arena):len(g.arena)]})
}

// flushUntil writes every pending line due before us.
func (g *generator) flushUntil(us int64) error {
	for len(g.queue) > 0 && g.queue[0].us < us {
		if err := g.write(g.queue.pop()); err != nil {
			return err
		}
	}
	return nil
}

// flushAll writes every pending line.
func (g *generator) flushAll() error {
	for len(g.queue) > 0 {
		if err := g.write(g.queue.pop()); err != nil {
			return err
		}
	}
	return nil
}
