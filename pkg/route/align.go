package route

import "slices"

// opKind is one step of an alignment of a path with stages.
type opKind int

const (
	opTake  opKind = iota // hop at stage, allowed there or not
	opSkip                // stage not taken, with hops after it
	opExtra               // hop at no stage
	opTail                // stage after the last hop
)

// op is one step of an alignment; hop or stage is -1 where it has none.
type op struct {
	kind  opKind
	hop   int
	stage int
	ok    bool // take: the host is allowed; skip and tail: the stage is optional
}

// align matches hosts with stages in order at the least cost: a hop at a
// stage that refuses its host, a hop at no stage and a required stage
// skipped cost one each. With freeTail the stages after the last hop cost
// nothing (mail still under way or ended early), else required ones cost
// one. On a tie a hop is rather taken than skipped or extra.
func align(stages []Stage, hosts []string, freeTail bool) []op {
	cost, back := alignTable(stages, hosts)
	m := len(hosts)
	end, best := 0, -1
	for j := range len(stages) + 1 {
		c := cost[m][j]
		if !freeTail {
			c += required(stages[j:])
		}
		if best < 0 || c < best {
			end, best = j, c
		}
	}
	ops := backtrack(stages, hosts, back, end)
	for j := end; j < len(stages); j++ {
		ops = append(ops, op{kind: opTail, hop: -1, stage: j, ok: stages[j].Optional})
	}
	return ops
}

// alignTable fills the edit-distance table: cost[i][j] is the least cost of
// aligning hosts[:i] with stages[:j], back[i][j] the last step taken.
func alignTable(stages []Stage, hosts []string) ([][]int, [][]opKind) {
	m, n := len(hosts), len(stages)
	cost := make([][]int, m+1)
	back := make([][]opKind, m+1)
	for i := range cost {
		cost[i], back[i] = make([]int, n+1), make([]opKind, n+1)
		for j := range cost[i] {
			if i > 0 || j > 0 {
				cost[i][j], back[i][j] = cheapest(stages, hosts, cost, i, j)
			}
		}
	}
	return cost, back
}

func cheapest(stages []Stage, hosts []string, cost [][]int, i, j int) (int, opKind) {
	best, kind := -1, opTake
	try := func(c int, k opKind) {
		if best < 0 || c < best {
			best, kind = c, k
		}
	}
	if i > 0 && j > 0 {
		try(cost[i-1][j-1]+boolCost(!stages[j-1].allows(hosts[i-1])), opTake)
	}
	if j > 0 {
		try(cost[i][j-1]+boolCost(!stages[j-1].Optional), opSkip)
	}
	if i > 0 {
		try(cost[i-1][j]+1, opExtra)
	}
	return best, kind
}

func backtrack(stages []Stage, hosts []string, back [][]opKind, j int) []op {
	var ops []op
	for i := len(hosts); i > 0 || j > 0; {
		switch back[i][j] {
		case opTake:
			i, j = i-1, j-1
			ops = append(ops, op{kind: opTake, hop: i, stage: j, ok: stages[j].allows(hosts[i])})
		case opSkip:
			j--
			ops = append(ops, op{kind: opSkip, hop: -1, stage: j, ok: stages[j].Optional})
		case opExtra:
			i--
			ops = append(ops, op{kind: opExtra, hop: i, stage: -1})
		}
	}
	slices.Reverse(ops)
	return ops
}

func boolCost(b bool) int {
	if b {
		return 1
	}
	return 0
}

// required counts the stages that may not be skipped.
func required(stages []Stage) int {
	n := 0
	for _, s := range stages {
		if !s.Optional {
			n++
		}
	}
	return n
}
