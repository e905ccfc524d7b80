package trace

import (
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// graph is the working state of one Build.
type graph struct {
	hops     map[string]*Hop   // by host/instance/qid
	byQID    map[string][]*Hop // by queue ID, any host
	order    []*Hop            // in order of first appearance
	sessions map[string][]*event.Event
	stores   []*event.Event        // Dovecot deliveries, attached later
	rejects  []*event.Event        // qid-less rejects, attached to sessions later
	child    map[*event.Event]*Hop // a delivery's hop on the next host
	loose    []*event.Event        // qid-less rejects no session claimed
	proxied  []*event.Event        // proxy-accept lines, naming the hop after the filter
	ix       *index
	hosts    map[string]bool // the hosts whose lines were read, lower case
	// names are the relay names under which some delivery reached a hop
	// whose lines were read: those hosts' names as other hosts know them.
	names map[string]bool
}

// reads reports whether a relay name is a host whose lines the build saw:
// its syslog name, or a name under which another delivery reached it. A
// first label alone is no proof: an outside mx.example.net is not host mx.
func (g *graph) reads(name string) bool {
	name = strings.ToLower(name)
	if name == "" || net.ParseIP(name) != nil {
		return false
	}
	if g.names == nil {
		g.names = map[string]bool{}
		for ev := range g.child {
			g.names[strings.ToLower(ev.RelayName)] = true
		}
	}
	return g.hosts[name] || g.names[name]
}

func hopKey(host, instance, qid string) string { return host + "/" + instance + "/" + qid }

// Build correlates events into traces. Events may come in any order and from
// any number of hosts; each is used at most once. The result holds every
// message the events describe, in order of first appearance; use [Select]
// to keep those a seed names.
func Build(events []event.Event) []*Trace {
	g := &graph{
		hops:     map[string]*Hop{},
		byQID:    map[string][]*Hop{},
		sessions: map[string][]*event.Event{},
		child:    map[*event.Event]*Hop{},
		hosts:    map[string]bool{},
	}
	evs := make([]*event.Event, len(events))
	for i := range events {
		evs[i] = &events[i]
	}
	sort.SliceStable(evs, func(i, j int) bool { return logOrder(evs[i], evs[j]) })
	for _, ev := range evs {
		if ev.Kind != event.KindUnparsed && ev.Host != "" {
			g.hosts[strings.ToLower(ev.Host)] = true
		}
		g.add(ev)
	}
	g.reindex()
	for _, ev := range evs {
		g.addForeign(ev)
	}
	for _, ev := range g.proxied {
		if h := g.onHost(ev.Host, ev.QueuedAs); h != nil {
			h.addEvent(ev)
		}
	}
	g.reindex()
	g.link()
	g.attachRejects()
	g.attachStores()
	return g.traces()
}

// logOrder sorts events by time, and events of one stamp as the log has
// them: RFC 3164 stamps have whole seconds, and the rounds of a trace bring
// lines out of file order.
func logOrder(a, b *event.Event) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	if a.Source == b.Source && a.LineNo != b.LineNo {
		return a.LineNo < b.LineNo
	}
	return a.Seq < b.Seq
}

// add files a Postfix event under its hop or its smtpd session.
func (g *graph) add(ev *event.Event) {
	if ev.Kind == event.KindUnparsed || isForeign(ev) {
		return
	}
	if ev.Daemon == "smtpd" || ev.Daemon == "postscreen" {
		k := sessionKey(ev)
		g.sessions[k] = append(g.sessions[k], ev)
	}
	if ev.QueueID == "" {
		switch {
		case ev.Kind == event.KindReject:
			g.rejects = append(g.rejects, ev)
		case ev.Kind == event.KindFilterNote && ev.QueuedAs != "":
			g.proxied = append(g.proxied, ev)
		}
		return
	}
	g.hop(ev.Host, ev.Instance, ev.QueueID, true).addEvent(ev)
}

// addForeign files Amavis and milter lines that name a queue ID under the
// hop of that ID on the same host, and keeps Dovecot lines for later.
func (g *graph) addForeign(ev *event.Event) {
	switch {
	case ev.Kind == event.KindStore || ev.Kind == event.KindStoreFail:
		g.stores = append(g.stores, ev)
	case ev.QueueID != "" && isForeign(ev):
		if h := g.onHost(ev.Host, ev.QueueID); h != nil {
			h.addEvent(ev)
			return
		}
		if ev.Kind == event.KindContent {
			g.hop(ev.Host, "", ev.QueueID, true).addEvent(ev)
		}
	case ev.Kind == event.KindContent:
		// Before the queue (smtpd_proxy_filter) Amavis logs no Queue-ID: the
		// re-injected copy it names, or the delivery that got its task ID as
		// reply, is the hop.
		if h := g.onHost(ev.Host, ev.QueuedAs); h != nil {
			h.addEvent(ev)
		} else if h := g.taskHop(ev); h != nil {
			h.addEvent(ev)
		}
	}
}

// onHost returns the hop of queue ID qid on host, or nil.
func (g *graph) onHost(host, qid string) *Hop {
	if qid == "" {
		return nil
	}
	for _, h := range g.byQID[qid] {
		if h.Host == host {
			return h
		}
	}
	return nil
}

// taskHop finds the hop whose delivery to Amavis got the task ID of Amavis
// line ev in its reply ("250 2.7.0 Ok, discarded, id=03774-01").
func (g *graph) taskHop(ev *event.Event) *Hop {
	if ev.Session == "" {
		return nil
	}
	return g.ix.byTask[ev.Host+"|"+ev.Session]
}

// isForeign tells lines of programs other than Postfix: Dovecot, Amavis and
// milters such as OpenDKIM, whose tag has no slash. Their queue ID names a
// Postfix hop; it never starts one of its own.
func isForeign(ev *event.Event) bool {
	switch ev.Kind {
	case event.KindStore, event.KindStoreFail, event.KindContent:
		return true
	}
	return strings.HasPrefix(ev.Instance, "dovecot") || strings.HasPrefix(ev.Instance, "amavis") ||
		(ev.Program != "" && !strings.Contains(ev.Program, "/") && ev.Program != "postfix")
}

func sessionKey(ev *event.Event) string {
	return ev.Host + "/" + ev.Instance + "/" + strconv.Itoa(ev.PID)
}

// hop returns the hop of a queue ID, making it when make is set. A hop made
// by a foreign line (no instance known) is merged into the first Postfix
// instance that shows up with the same ID on the same host.
func (g *graph) hop(host, instance, qid string, make bool) *Hop {
	if h := g.hops[hopKey(host, instance, qid)]; h != nil {
		return h
	}
	for _, h := range g.byQID[qid] {
		if h.Host == host && (h.Instance == "" || instance == "") {
			if h.Instance == "" && instance != "" {
				delete(g.hops, h.ID)
				h.Instance, h.ID = instance, hopKey(host, instance, qid)
				g.hops[h.ID] = h
			}
			return h
		}
	}
	if !make {
		return nil
	}
	h := &Hop{ID: hopKey(host, instance, qid), Host: host, Instance: instance, QueueID: qid}
	g.hops[h.ID] = h
	g.byQID[qid] = append(g.byQID[qid], h)
	g.order = append(g.order, h)
	return h
}

func (h *Hop) addEvent(ev *event.Event) {
	if len(h.Events) == 0 || ev.Time.Before(h.arrival) {
		h.arrival = ev.Time
	}
	h.Events = append(h.Events, ev)
	switch ev.Kind {
	case event.KindMessageID:
		h.MessageID = ev.MessageID
	case event.KindQueued, event.KindPickup:
		if ev.From != "" || h.From == "" {
			h.From, h.fromQmgr = ev.From, true
		}
	case event.KindHeader, event.KindReject:
		// A held or refused copy never reaches qmgr; its check or reject
		// line is the only one that names the sender.
		if !h.fromQmgr && h.From == "" {
			h.From = ev.From
		}
	case event.KindClient:
		h.Client, h.ClientAddr = ev.Client, ev.ClientAddr
	case event.KindContent:
		if h.MessageID == "" {
			h.MessageID = ev.MessageID
		}
	}
	if ev.Subject != "" && h.Subject == "" {
		h.Subject = ev.Subject
	}
}
