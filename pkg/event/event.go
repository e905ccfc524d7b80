// Package event holds the typed value the parser makes of one mail log line.
//
// An [Event] is deliberately flat: every kind of line fills the fields it knows
// and leaves the rest empty, so the correlation engine can read any event the
// same way and a JSON dump of it stays readable.
package event

import "time"

// Kind says what a log line reports.
type Kind string

// Kinds of events. Their text is what the CLI and the frames print.
const (
	// KindUnparsed is a line the parser did not understand. It is kept whole.
	KindUnparsed Kind = "unparsed"
	// KindOther is a line the parser understood that matters to no message,
	// such as a TLS handshake or a warning without a queue ID.
	KindOther Kind = "other"

	KindConnect    Kind = "connect"    // smtpd or postscreen: connect from
	KindDisconnect Kind = "disconnect" // smtpd: disconnect from, lost connection
	KindScreen     Kind = "screen"     // postscreen: PASS, PREGREET, HANGUP and kin
	KindClient     Kind = "client"     // smtpd: QID: client=
	KindReject     Kind = "reject"     // smtpd or cleanup: NOQUEUE reject, QID: reject
	KindFilterNote Kind = "filter"     // smtpd: NOQUEUE: filter, a content filter choice
	KindPickup     Kind = "pickup"     // pickup: uid= from=
	KindMessageID  Kind = "message_id" // cleanup: message-id=
	KindHeader     Kind = "header"     // cleanup: header or body check action
	KindQueued     Kind = "queued"     // qmgr: from=, size=, nrcpt=
	KindRemoved    Kind = "removed"    // qmgr: removed
	KindExpired    Kind = "expired"    // qmgr: from=, status=expired, returned to sender
	KindDelivery   Kind = "delivery"   // delivery agent: to=, status=
	KindAttempt    Kind = "attempt"    // smtp: host said, lost connection, a per-try detail
	KindNotify     Kind = "notify"     // bounce, defer, trace: notification with a new QID
	KindPostsuper  Kind = "postsuper"  // postsuper: hold, release, requeue, remove
	KindLifecycle  Kind = "lifecycle"  // master: daemon started, reload, stop
	KindStore      Kind = "store"      // dovecot: saved or stored into a mailbox
	KindStoreFail  Kind = "store_fail" // dovecot: delivery or sieve failure
	KindContent    Kind = "content"    // amavis or rspamd: passed or blocked
)

// Format names the framing a line arrived in.
type Format string

// Line framings the parser tells apart.
const (
	FormatRFC3164 Format = "rfc3164"
	FormatRFC5424 Format = "rfc5424"
	FormatISO8601 Format = "iso8601"
	FormatBare    Format = "bare" // a message body with its header given apart (Loki)
	FormatUnknown Format = "unknown"
)

// Event is one parsed log line. Time, Host, Program and Line are always set for
// a line whose header parsed; QueueID is empty for lines that carry none.
type Event struct {
	Time     time.Time `json:"time"`
	Host     string    `json:"host"`
	Program  string    `json:"program"`  // the whole syslog tag, e.g. postfix-out/smtp
	Instance string    `json:"instance"` // the tag's first part, e.g. postfix-out
	Service  string    `json:"service"`  // master.cf service name when the tag has three parts
	Daemon   string    `json:"daemon"`   // the tag's last part, e.g. smtp
	PID      int       `json:"pid,omitempty"`
	QueueID  string    `json:"queue_id,omitempty"`
	Kind     Kind      `json:"kind"`

	MessageID  string `json:"message_id,omitempty"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	OrigTo     string `json:"orig_to,omitempty"`
	Relay      string `json:"relay,omitempty"`      // relay= as logged
	RelayName  string `json:"relay_name,omitempty"` // the name part of relay=
	RelayAddr  string `json:"relay_addr,omitempty"` // the address in brackets
	RelayPort  int    `json:"relay_port,omitempty"`
	Client     string `json:"client,omitempty"` // client name
	ClientAddr string `json:"client_addr,omitempty"`
	Status     string `json:"status,omitempty"` // status= word, or the action of a check
	DSN        string `json:"dsn,omitempty"`
	Reply      string `json:"reply,omitempty"` // the reply or reason text
	QueuedAs   string `json:"queued_as,omitempty"`
	// Child is a queue ID this line creates: a notification, a requeued copy
	// (orig_id on pickup points the other way and is kept in Parent).
	Child   string   `json:"child,omitempty"`
	Parent  string   `json:"parent,omitempty"`
	Delay   float64  `json:"delay,omitempty"`
	Delays  []string `json:"delays,omitempty"` // a/b/c/d as logged
	Size    int64    `json:"size,omitempty"`
	Nrcpt   int      `json:"nrcpt,omitempty"`
	Subject string   `json:"subject,omitempty"`
	Mailbox string   `json:"mailbox,omitempty"` // the user whose mailbox was written
	Folder  string   `json:"folder,omitempty"`
	Session string   `json:"session,omitempty"` // Dovecot session or Amavis task ID
	Note    string   `json:"note,omitempty"`    // extra words worth showing
	Check   string   `json:"check,omitempty"`   // header or body, for a check's action

	Format Format `json:"format"`
	Source string `json:"source,omitempty"` // the file or stream the line came from
	LineNo int64  `json:"line_no,omitempty"`
	Line   string `json:"line"` // the raw line, never altered
	// Seq orders events from one source in the order they were read.
	Seq int64 `json:"-"`
	// Err says why a line is unparsed.
	Err string `json:"error,omitempty"`
}
