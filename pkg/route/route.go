// Package route holds the route database: the expected ways classes of mail
// take through the system, read from YAML, and compares a recipient's traced
// path with the route its message should have taken.
//
// [Load] and [Parse] read a route file; [DB.RouteFor] picks the route for one
// recipient of a [trace.Trace]; [Compare] aligns the recipient's path with the
// route's stages and gives a [Verdict] with one sentence saying why.
package route

import (
	"fmt"
	"time"
)

// DB is a parsed route file. Routes keep the file's order, which is the order
// [DB.RouteFor] tries them in.
type DB struct {
	Routes []*Route
}

// Route is the expected way of one class of mail: which messages it takes
// (Match), the stages they pass in order, and how they should end.
type Route struct {
	Name   string
	Match  Match
	Stages []Stage
	Expect Expect
	Pos    Pos // where the route is defined
}

// Match says which recipients a route or branch takes. Every field that is
// set must fit; an empty Match takes every recipient. Globs are path.Match
// patterns and, like the substring, compare without regard to case.
type Match struct {
	RecipientDomain string // domain or glob, of the address the message was sent to
	Recipient       string // glob, of the address the message was sent to
	SenderDomain    string // domain or glob of the envelope sender
	Sender          string // glob of the envelope sender
	EntryHost       string // glob of the first host of the path
	SubjectTag      string // substring of the Subject
	Probe           string // route name a probe carries, see [ProbeTag]
}

// Stage is one step of a route: the hosts allowed there (any one of them),
// whether a message may skip it, and how long it may stay there. MaxWait is
// zero when the stage sets no limit.
type Stage struct {
	Name     string
	Hosts    []string
	Optional bool
	MaxWait  time.Duration
	// Branches are tried in order after this stage, against the recipient's
	// final address: the first that fits replaces the stages after this one
	// with its own. A recipient no branch fits goes on with the route.
	Branches []Branch
}

// Branch is where one message splits: the recipients it matches leave the
// route after the branching stage and follow Stages instead, expecting Expect
// when it is set and the route's expectation otherwise.
type Branch struct {
	Name   string
	Match  Match
	Stages []Stage
	Expect *Expect
}

// ExpectKind is how a route expects its messages to end.
type ExpectKind string

// Expected endings.
const (
	ExpectDelivered ExpectKind = "delivered"
	ExpectRelayed   ExpectKind = "relayed"
	ExpectRejected  ExpectKind = "rejected"
)

// Expect is how a route's messages should end. Folder is set only for
// delivered, Via only for relayed and At only for rejected; empty means any.
type Expect struct {
	Kind   ExpectKind
	Folder string   // the mailbox folder, e.g. INBOX or Junk
	Via    []string // hosts or globs that may hand the message outside
	At     string   // host or glob that rejects it
}

// Pos is a place in a route file.
type Pos struct {
	File         string
	Line, Column int
}

// String gives the place as file:line:column.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// ProbeTag is the Subject tag a probe sent through route name carries, such as
// "[probe:inbound-store]"; a Match with Probe set looks for it.
func ProbeTag(name string) string { return "[probe:" + name + "]" }
