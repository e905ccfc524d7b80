package route

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mailpath/mailpath/pkg/trace"
)

// Outside is the class of recipients handed to hosts whose logs are not
// read: relayed mail, and mail for domains the system never delivers to.
const Outside = "outside"

// DiscoverOptions tune [Discover].
type DiscoverOptions struct {
	// ByEntryHost splits every class by the first host of the path, so that
	// each entry host gets routes of its own.
	ByEntryHost bool
}

// Discovery is the traffic [Discover] saw, grouped into classes.
type Discovery struct {
	// Classes run domain classes first, by entry host then domain, and the
	// outside classes last, the order [Propose] gives routes in.
	Classes []*Class
	// Pending counts recipients left out for having no final disposition
	// yet (in flight or deferred): their paths are not whole.
	Pending int
	// Unnamed counts recipients left out for having no address.
	Unnamed int
}

// Class is one class of mail: the recipients one route should take.
type Class struct {
	// Name is the class as a route name: the domain or [Outside], after the
	// entry host and a slash when grouped by entry host.
	Name      string
	Domain    string // the recipient domain, "" for the outside class
	EntryHost string // set only with [DiscoverOptions.ByEntryHost]
	// SentTo is set for alias copies: recipients this class takes, sent to
	// an address of domain class SentTo. [DB.RouteFor] gives them that
	// class's route, so [Propose] makes them a branch of it.
	SentTo       string
	Total        int
	Paths        []*PathCount // most taken first
	Dispositions map[trace.Disposition]int
}

// PathCount is one distinct path of a class with how many recipients took
// it. Share is Count over the class's Total.
type PathCount struct {
	Hosts        []string
	Count        int
	Share        float64
	Dispositions map[trace.Disposition]int
	Folders      map[string]int // of the delivered recipients
	Domains      map[string]int // of the final recipient addresses
	// Waits holds, per host family, the longest a recipient that ended well
	// (delivered or relayed) stayed on a host of that family: from the
	// hop's first line to the next hop's, or to its delivery.
	Waits map[string]time.Duration
}

// classKey says which class a recipient falls in.
type classKey struct{ entry, domain, sentTo string }

// Discover groups the recipients of traces by class and counts the distinct
// paths of each. A recipient's class is its domain when delivered, rejected,
// or otherwise ended in a domain some recipient was delivered or rejected in;
// every other recipient, relayed ones always, is [Outside]. traces are not
// changed.
func Discover(traces []*trace.Trace, opt DiscoverOptions) Discovery {
	local := localDomains(traces)
	var d Discovery
	byKey := map[classKey]*Class{}
	for _, t := range traces {
		for _, r := range t.Recipients {
			d.add(byKey, r, local, opt)
		}
	}
	for _, c := range byKey {
		c.finish()
		d.Classes = append(d.Classes, c)
	}
	slices.SortFunc(d.Classes, classOrder)
	return d
}

// localDomains are the domains of delivered and rejected recipients.
func localDomains(traces []*trace.Trace) map[string]bool {
	local := map[string]bool{}
	for _, t := range traces {
		for _, r := range t.Recipients {
			d := r.Disposition
			if d == trace.DispositionDelivered || d == trace.DispositionRejected {
				local[strings.ToLower(domainOf(r.Address))] = true
			}
		}
	}
	return local
}

func (d *Discovery) add(byKey map[classKey]*Class, r *trace.Recipient, local map[string]bool,
	opt DiscoverOptions,
) {
	switch {
	case r.Disposition == trace.DispositionInFlight || r.Disposition == trace.DispositionDeferred:
		d.Pending++
		return
	case r.Address == "" || len(r.Path) == 0:
		d.Unnamed++
		return
	}
	k := keyOf(r, local, opt)
	c := byKey[k]
	if c == nil {
		c = &Class{Name: k.name(), Domain: k.domain, EntryHost: k.entry, SentTo: k.sentTo,
			Dispositions: map[trace.Disposition]int{}}
		byKey[k] = c
	}
	c.add(r)
}

func keyOf(r *trace.Recipient, local map[string]bool, opt DiscoverOptions) classKey {
	var k classKey
	if opt.ByEntryHost {
		k.entry = r.Path[0]
	}
	dom := strings.ToLower(domainOf(r.Address))
	if r.Disposition != trace.DispositionRelayed && local[dom] {
		k.domain = dom
	}
	if sent := strings.ToLower(domainOf(sentTo(r))); sent != k.domain && local[sent] {
		k.sentTo = sent
	}
	return k
}

func (k classKey) name() string {
	n := cmp.Or(k.domain, Outside)
	if k.entry != "" {
		n = k.entry + "/" + n
	}
	if k.sentTo != "" {
		n += " sent to " + k.sentTo
	}
	return n
}

func (c *Class) add(r *trace.Recipient) {
	c.Total++
	c.Dispositions[r.Disposition]++
	i := slices.IndexFunc(c.Paths, func(p *PathCount) bool { return slices.Equal(p.Hosts, r.Path) })
	if i < 0 {
		c.Paths = append(c.Paths, &PathCount{Hosts: slices.Clone(r.Path),
			Dispositions: map[trace.Disposition]int{}, Folders: map[string]int{},
			Domains: map[string]int{}})
		i = len(c.Paths) - 1
	}
	p := c.Paths[i]
	p.Count++
	p.Dispositions[r.Disposition]++
	if r.Disposition == trace.DispositionDelivered || r.Disposition == trace.DispositionRelayed {
		p.addWaits(r)
	}
	p.Domains[strings.ToLower(domainOf(r.Address))]++
	if r.Disposition == trace.DispositionDelivered {
		p.Folders[r.Folder]++
	}
}

// finish sets the shares and sorts the paths: most taken first; among paths
// taken as often, the one more recipients ended well on (delivered or
// relayed) first, since a coverage cut should rather leave out a failure;
// then by hosts, so that the order is stable.
func (c *Class) finish() {
	for _, p := range c.Paths {
		p.Share = float64(p.Count) / float64(c.Total)
	}
	slices.SortFunc(c.Paths, func(a, b *PathCount) int {
		return cmp.Or(b.Count-a.Count, b.endedWell()-a.endedWell(),
			slices.Compare(a.Hosts, b.Hosts))
	})
}

func (p *PathCount) endedWell() int {
	return p.Dispositions[trace.DispositionDelivered] + p.Dispositions[trace.DispositionRelayed]
}

// classOrder puts domain classes before outside ones, which [Propose] makes
// catch-all routes that must come last, and alias classes after both.
func classOrder(a, b *Class) int {
	rank := func(c *Class) int {
		switch {
		case c.SentTo != "":
			return 2
		case c.Domain == "":
			return 1
		}
		return 0
	}
	return cmp.Or(rank(a)-rank(b), strings.Compare(a.EntryHost, b.EntryHost),
		strings.Compare(a.Domain, b.Domain), strings.Compare(a.SentTo, b.SentTo))
}

// Kept returns the paths [Propose] keeps at coverage: the most taken ones,
// until they hold at least that share of the class.
func (c *Class) Kept(coverage float64) []*PathCount {
	var covered float64
	for i, p := range c.Paths {
		if covered >= coverage-1e-9 {
			return c.Paths[:i]
		}
		covered += p.Share
	}
	return c.Paths
}

// Propose proposes a route per class of d covering at least coverage (0.99,
// say) of the class's recipients with [Class.Kept] paths; the paths left out
// are the ones [Compare] will then flag. Stages follow the kept paths in
// order, one per host family (the name without its trailing digits, so mx1
// and mx2 share a stage), allowing every host of the family seen there and
// optional where some kept path skips it. The expectation is the kept paths'
// most common ending among delivered, relayed and rejected: delivered into a
// folder only when every kept delivery used it, relayed via the paths' last
// hosts, rejected at the last host when there is only one. A class with none
// of those endings gets no route. Alias classes become branches of the route
// of the class they were sent to. Routes come in the order of d.Classes.
func Propose(d Discovery, coverage float64) *DB {
	db := &DB{}
	byKey := map[classKey]*Route{}
	for _, c := range d.Classes {
		if c.SentTo != "" {
			addBranches(byKey[classKey{entry: c.EntryHost, domain: c.SentTo}], c, coverage)
			continue
		}
		if r := proposeRoute(c, coverage); r != nil {
			db.Routes = append(db.Routes, r)
			byKey[classKey{entry: c.EntryHost, domain: c.Domain}] = r
		}
	}
	return db
}

func proposeRoute(c *Class, coverage float64) *Route {
	kept := c.Kept(coverage)
	e, paths := proposeExpect(kept)
	if e == nil {
		return nil
	}
	r := &Route{Name: c.Name, Stages: familyStages(paths), Expect: *e}
	proposeWaits(r.Stages, kept)
	r.Match = Match{RecipientDomain: c.Domain, EntryHost: c.EntryHost}
	return r
}

// endingOf maps the dispositions a route can expect to their kinds.
var endingOf = map[trace.Disposition]ExpectKind{
	trace.DispositionDelivered: ExpectDelivered,
	trace.DispositionRelayed:   ExpectRelayed,
	trace.DispositionRejected:  ExpectRejected,
}

// proposeExpect gives the most common ending of the kept paths and the host
// lists of the kept paths that reach it; nil when none ends as a route can
// expect.
func proposeExpect(kept []*PathCount) (*Expect, [][]string) {
	best, most := trace.Disposition(""), 0
	for _, d := range []trace.Disposition{trace.DispositionDelivered,
		trace.DispositionRelayed, trace.DispositionRejected} {
		n := 0
		for _, p := range kept {
			n += p.Dispositions[d]
		}
		if n > most {
			best, most = d, n
		}
	}
	if most == 0 {
		return nil, nil
	}
	var reach []*PathCount
	var paths [][]string
	for _, p := range kept {
		if p.Dispositions[best] > 0 {
			reach = append(reach, p)
			paths = append(paths, p.Hosts)
		}
	}
	return expectFrom(endingOf[best], reach), paths
}

func expectFrom(kind ExpectKind, paths []*PathCount) *Expect {
	e := &Expect{Kind: kind}
	folders := map[string]bool{}
	var last []string
	for _, p := range paths {
		for f := range p.Folders {
			folders[f] = true
		}
		if h := p.Hosts[len(p.Hosts)-1]; !slices.Contains(last, h) {
			last = append(last, h)
		}
	}
	slices.Sort(last)
	switch kind {
	case ExpectDelivered:
		if len(folders) == 1 {
			for f := range folders {
				e.Folder = f
			}
		}
	case ExpectRelayed:
		e.Via = last
	case ExpectRejected:
		if len(last) == 1 {
			e.At = last[0]
		}
	}
	return e
}

// familyStages merges the host lists into one stage per host family, in
// the order the paths pass them.
func familyStages(paths [][]string) []Stage {
	var order []string
	hosts := map[string][]string{}
	seen := map[string]int{}
	for _, p := range paths {
		order = mergeFamilies(order, families(p))
		for _, h := range p {
			f := family(h)
			if !slices.Contains(hosts[f], h) {
				hosts[f] = append(hosts[f], h)
			}
		}
		for _, f := range uniq(families(p)) {
			seen[f]++
		}
	}
	stages := make([]Stage, 0, len(order))
	for _, f := range order {
		hs := slices.Clone(hosts[f])
		slices.Sort(hs)
		stages = append(stages, Stage{Name: f, Hosts: hs, Optional: seen[f] < len(paths)})
	}
	return stages
}

// addWaits records how long r stayed on each host of its path.
func (p *PathCount) addWaits(r *trace.Recipient) {
	if p.Waits == nil {
		p.Waits = map[string]time.Duration{}
	}
	for i, h := range r.Hops {
		end := r.Time
		if i+1 < len(r.Hops) {
			end = r.Hops[i+1].Arrival()
		}
		if d := end.Sub(h.Arrival()); d > p.Waits[family(h.Host)] {
			p.Waits[family(h.Host)] = d
		}
	}
}

// waitFactor and minWait shape a proposed max_wait: ten times the longest
// stay seen on a stage among mail that ended well, at least a second,
// rounded up to a second. A proposal for review: an operator who knows a
// stage may hold mail for hours (greylisting, retries) raises it.
const (
	waitFactor = 10
	minWait    = time.Second
)

func proposeWaits(stages []Stage, kept []*PathCount) {
	for i := range stages {
		var longest time.Duration
		for _, p := range kept {
			longest = max(longest, p.Waits[stages[i].Name])
		}
		w := max(waitFactor*longest, minWait)
		stages[i].MaxWait = (w + time.Second - 1).Truncate(time.Second)
	}
}

// mergeFamilies adds the families of one path missing from order, each
// after the family that comes before it on the path.
func mergeFamilies(order, fams []string) []string {
	at := 0
	for _, f := range fams {
		if i := slices.Index(order, f); i >= 0 {
			at = max(at, i+1)
			continue
		}
		order = slices.Insert(order, at, f)
		at++
	}
	return order
}

func families(path []string) []string {
	var out []string
	for _, h := range path {
		if f := family(h); len(out) == 0 || out[len(out)-1] != f {
			out = append(out, f)
		}
	}
	return out
}

func uniq(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// family is a host name without its trailing digits and separators: mx1
// and mx-2 are both mx. A name that is only digits is its own family.
func family(host string) string {
	f := strings.TrimRight(host, "0123456789")
	f = strings.TrimRight(f, "-_.")
	return cmp.Or(f, host)
}

// addBranches adds the alias class c to route r as branches: each kept
// path runs along r's stages as far as they allow it, and the rest of it
// becomes a branch of the stage reached, one per final recipient domain.
// A path no stage of r takes the start of is left out.
func addBranches(r *Route, c *Class, coverage float64) {
	if r == nil {
		return
	}
	e, _ := proposeExpect(c.Kept(coverage))
	if e == nil {
		return
	}
	tails := map[int][]*PathCount{}
	for _, p := range c.Kept(coverage) {
		if at, n := prefixOn(r.Stages, p.Hosts); at >= 0 && n < len(p.Hosts) &&
			p.Dispositions[dispositionOf(e.Kind)] > 0 {
			tails[at] = append(tails[at], &PathCount{Hosts: p.Hosts[n:], Folders: p.Folders,
				Domains: p.Domains})
		}
	}
	for at, ps := range tails {
		addBranch(&r.Stages[at], ps, e.Kind)
	}
}

func dispositionOf(k ExpectKind) trace.Disposition {
	for d, kk := range endingOf {
		if kk == k {
			return d
		}
	}
	return ""
}

// prefixOn walks hosts along stages, skipping optional stages that do not
// allow the next host, and returns the index of the last stage taken and
// how many hosts were taken; -1 when none.
func prefixOn(stages []Stage, hosts []string) (int, int) {
	at, n := -1, 0
	for i := 0; i < len(stages) && n < len(hosts); i++ {
		switch {
		case stages[i].allows(hosts[n]):
			at, n = i, n+1
		case !stages[i].Optional:
			return at, n
		}
	}
	return at, n
}

func addBranch(s *Stage, tails []*PathCount, kind ExpectKind) {
	var paths [][]string
	doms := map[string]bool{}
	for _, p := range tails {
		paths = append(paths, p.Hosts)
		for d := range p.Domains {
			doms[d] = true
		}
	}
	stages := familyStages(paths)
	e := expectFrom(kind, tails)
	for _, d := range slices.Sorted(maps.Keys(doms)) {
		name := "to-" + d
		if slices.ContainsFunc(s.Branches, func(b Branch) bool { return b.Name == name }) {
			continue
		}
		s.Branches = append(s.Branches, Branch{Name: name, Match: Match{RecipientDomain: d},
			Stages: stages, Expect: e})
	}
}

// YAML writes db as a route file in the schema [Parse] reads. It parses what
// it wrote before returning it, so an error means db holds something the
// schema refuses, such as a stage without hosts.
func (db *DB) YAML() ([]byte, error) {
	return writeDB(db, nil)
}

// YAML writes db, as proposed from d by [Propose] at coverage, like
// [DB.YAML] with a comment above each route giving its class's paths with
// their counts and shares, the ones left out marked as such.
func (d Discovery) YAML(db *DB, coverage float64) ([]byte, error) {
	return writeDB(db, func(r *Route) []string { return d.comment(r, coverage) })
}

func writeDB(db *DB, comment func(*Route) []string) ([]byte, error) {
	w := &yamlWriter{}
	w.line(0, "routes:")
	for _, r := range db.Routes {
		if comment != nil {
			for _, c := range comment(r) {
				w.line(1, "# "+c)
			}
		}
		w.route(r)
	}
	out := []byte(w.b.String())
	if _, err := Parse("proposed routes", out); err != nil {
		return nil, fmt.Errorf("writing route file: %w", err)
	}
	return out, nil
}

// yamlWriter writes a route file by hand, to place comments and keep flow
// lists short; every string is quoted, so no host or glob needs care.
type yamlWriter struct{ b strings.Builder }

func (w *yamlWriter) line(depth int, s string) {
	w.b.WriteString(strings.Repeat("  ", depth) + s + "\n")
}

func quote(s string) string { return strconv.Quote(s) }

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func (w *yamlWriter) route(r *Route) {
	w.line(1, "- name: "+quote(r.Name))
	w.match(2, r.Match)
	w.stages(2, r.Stages)
	w.expect(2, r.Expect)
}

func (w *yamlWriter) match(depth int, m Match) {
	keys := []string{"recipient_domain", "recipient", "sender_domain", "sender",
		"entry_host", "subject_tag", "probe"}
	vals := []string{m.RecipientDomain, m.Recipient, m.SenderDomain, m.Sender, m.EntryHost,
		m.SubjectTag, m.Probe}
	if m == (Match{}) {
		return
	}
	w.line(depth, "match:")
	for i, k := range keys {
		if vals[i] != "" {
			w.line(depth+1, k+": "+quote(vals[i]))
		}
	}
}

func (w *yamlWriter) stages(depth int, stages []Stage) {
	w.line(depth, "stages:")
	for _, s := range stages {
		w.line(depth+1, "- name: "+quote(s.Name))
		w.line(depth+2, "hosts: "+quoteList(s.Hosts))
		if s.Optional {
			w.line(depth+2, "optional: true")
		}
		if s.MaxWait > 0 {
			w.line(depth+2, "max_wait: "+quote(s.MaxWait.String()))
		}
		if len(s.Branches) == 0 {
			continue
		}
		w.line(depth+2, "branches:")
		for _, b := range s.Branches {
			w.line(depth+3, "- name: "+quote(b.Name))
			w.match(depth+4, b.Match)
			w.stages(depth+4, b.Stages)
			if b.Expect != nil {
				w.expect(depth+4, *b.Expect)
			}
		}
	}
}

func (w *yamlWriter) expect(depth int, e Expect) {
	w.line(depth, "expect:")
	w.line(depth+1, "kind: "+quote(string(e.Kind)))
	if e.Folder != "" {
		w.line(depth+1, "folder: "+quote(e.Folder))
	}
	if len(e.Via) > 0 {
		w.line(depth+1, "via: "+quoteList(e.Via))
	}
	if e.At != "" {
		w.line(depth+1, "at: "+quote(e.At))
	}
}

// comment describes the classes route r was proposed from: its own and the
// alias classes that became its branches.
func (d Discovery) comment(r *Route, coverage float64) []string {
	var out []string
	for _, c := range d.Classes {
		own := c.SentTo == "" && c.Name == r.Name
		alias := c.SentTo != "" && c.SentTo == r.Match.RecipientDomain &&
			c.EntryHost == r.Match.EntryHost
		if own || alias {
			out = append(out, c.describe(coverage)...)
		}
	}
	return out
}

// describe is a class's recipients and paths, a line each.
func (c *Class) describe(coverage float64) []string {
	kept := c.Kept(coverage)
	n := 0
	for _, p := range kept {
		n += p.Count
	}
	out := []string{fmt.Sprintf("%s: %d recipient(s), %d of %d path(s) kept, covering %d "+
		"(%.1f%%)", c.Name, c.Total, len(kept), len(c.Paths), n, 100*float64(n)/float64(c.Total))}
	for i, p := range c.Paths {
		mark := ""
		if i >= len(kept) {
			mark = ", left out"
		}
		out = append(out, fmt.Sprintf("  %s: %d (%.1f%%) %s%s", PathText(p.Hosts), p.Count,
			100*p.Share, dispositionText(p.Dispositions), mark))
	}
	return out
}

// PathText spells a path as its hosts joined by " > ".
func PathText(hosts []string) string { return strings.Join(hosts, " > ") }

func dispositionText(ds map[trace.Disposition]int) string {
	var parts []string
	for _, d := range slices.Sorted(maps.Keys(ds)) {
		parts = append(parts, fmt.Sprintf("%s %d", d, ds[d]))
	}
	return strings.Join(parts, ", ")
}
