// Package trace follows a message through the hosts of a mail system and
// decides what became of each of its recipients.
//
// [Build] does the correlation on events already read: it groups events into
// hops (one queued copy on one host), links hops across hosts and inside one
// host, groups linked hops into messages, and walks each recipient's path to
// its disposition. [Run] drives a [logsource.Source] through the few rounds
// of queries that collect a seed's events, then calls [Build].
package trace

import (
	"time"

	"github.com/mailpath/mailpath/pkg/event"
)

// Disposition is what became of one recipient.
type Disposition string

// Dispositions, as the vocabulary defines them.
const (
	DispositionDelivered Disposition = "delivered"
	DispositionRelayed   Disposition = "relayed"
	DispositionDeferred  Disposition = "deferred"
	DispositionBounced   Disposition = "bounced"
	DispositionRejected  Disposition = "rejected"
	DispositionDiscarded Disposition = "discarded"
	DispositionExpired   Disposition = "expired"
	DispositionInFlight  Disposition = "in_flight"
)

// Link says how a hop came from its parent.
type Link string

// Links between hops.
const (
	LinkNone    Link = ""
	LinkRelay   Link = "relay"   // handed over SMTP or LMTP to another host: queued as
	LinkFilter  Link = "filter"  // content filter re-injection on the same host
	LinkForward Link = "forward" // local(8) alias or .forward: forwarded as
	LinkBounce  Link = "bounce"  // a delivery status notification about the parent
	LinkRequeue Link = "requeue" // postsuper -r: pickup orig_id
)

// Hop is one queued copy of a message on one host.
type Hop struct {
	ID         string // host/instance/queue ID, unique within one Build
	Host       string
	Instance   string
	QueueID    string
	MessageID  string
	From       string
	Client     string
	ClientAddr string
	Subject    string
	Parent     *Hop
	Link       Link
	// Heuristic is set when the link to Parent was inferred from the
	// Message-ID, time and addresses because no line names it.
	Heuristic bool
	Children  []*Hop
	Events    []*event.Event
	arrival   time.Time
	fromQmgr  bool // From came from qmgr or pickup, which outrank other lines
}

// Arrival is the time of the hop's first event.
func (h *Hop) Arrival() time.Time { return h.arrival }

// Recipient is one envelope recipient of a message and what became of it.
type Recipient struct {
	Address     string
	OrigTo      string // the address before alias expansion, if any
	Path        []string
	Hops        []*Hop
	Disposition Disposition
	Folder      string
	Mailbox     string
	Relay       string // the outside host a relayed message went to
	Reason      string // the reply or cause, where not delivered
	DSN         string
	Time        time.Time // when the disposition was reached
	// Final is the event the disposition rests on; nil for in flight.
	Final *event.Event
	// Inferred is set when the disposition rests on a heuristic link.
	Inferred bool
}

// Trace is one message: its hops, its recipients and its events in causal
// order.
type Trace struct {
	MessageID  string
	From       string
	Subject    string
	Hops       []*Hop
	Recipients []*Recipient
	Events     []*event.Event
	// Notifications are the bounce and delay notices the system sent about
	// this message, as traces of their own.
	Notifications []*Trace
	First, Last   time.Time
}
