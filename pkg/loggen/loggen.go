// Package loggen writes big, realistic aggregated Postfix logs together with their
// ground truth.
//
// The log is what a central rsyslog would store for a mail system of sixteen
// Postfix instances: four MX hosts (mx1..mx4), six filter hosts (filter1..filter6),
// four store hosts (store1..store4) that deliver over LMTP to a Dovecot on the same
// host, and two outbound relays (out1, out2). Lines of many messages in flight
// interleave as on a busy system, noise without queue IDs and a few damaged lines are
// mixed in, and every message is reported to a truth callback with its queue IDs,
// recipients, paths and dispositions. The same [Config] always gives the same bytes.
package loggen

import (
	"bufio"
	"fmt"
	"io"
	"time"
)

// Formats a log can be written in.
const (
	// FormatRFC3164 is rsyslog's RSYSLOG_TraditionalFileFormat:
	// "Dec  3 10:11:12 mx1 postfix-mx1/smtpd[123]: text".
	FormatRFC3164 = "rfc3164"
	// FormatRFC5424 is rsyslog's RSYSLOG_SyslogProtocol23Format:
	// "<22>1 2026-12-03T10:11:12.123456+00:00 mx1 postfix-mx1/smtpd 123 - -  text".
	FormatRFC5424 = "rfc5424"
)

// Dispositions a recipient can end with, in Mailpath's words.
const (
	DispositionDelivered = "delivered"
	DispositionRelayed   = "relayed"
	DispositionDeferred  = "deferred"
	DispositionBounced   = "bounced"
	DispositionRejected  = "rejected"
)

// DefaultRate is the message rate used when [Config.Rate] is zero.
const DefaultRate = 50

// Config says what log to write. The zero value of each field but Messages and
// TargetBytes has a default; at least one of those two must be set.
type Config struct {
	Seed uint64
	// Start is the time of the first message; the zero time means 2026-12-03 UTC.
	Start time.Time
	// Messages stops the log after this many messages (0 = no limit). Notifications
	// the system makes itself (bounces) are not counted here.
	Messages int
	// TargetBytes stops the log at about this size (0 = no limit): no message starts
	// once the written and scheduled lines reach it, and those in flight are finished,
	// so the log ends within about one message of the target.
	TargetBytes int64
	// Format is FormatRFC3164 (the default) or FormatRFC5424.
	Format string
	// Rate is the mean number of messages per second of log time (default DefaultRate).
	Rate float64
}

// Recipient is the truth about one envelope recipient of a message.
type Recipient struct {
	Address string `json:"address"`
	// OrigTo is the address the sender gave when an alias rewrote it to Address.
	OrigTo      string `json:"orig_to,omitempty"`
	Disposition string `json:"disposition"`
	// Folder is the mailbox folder of a delivered recipient ("INBOX", "Junk").
	Folder string `json:"folder,omitempty"`
	// Path is the syslog host names the recipient went through, in order.
	Path []string `json:"path"`
}

// Message is the truth about one message. A message whose every recipient was
// rejected has no queue IDs, and its Message-ID is nowhere in the log.
type Message struct {
	MessageID  string      `json:"message_id"`
	Sender     string      `json:"sender"`
	Subject    string      `json:"subject"`
	Arrival    time.Time   `json:"arrival"`
	Recipients []Recipient `json:"recipients"`
	// QueueIDs maps each host the message was queued on to its queue ID there.
	QueueIDs map[string]string `json:"queue_ids"`
	// BounceOf is, for a non-delivery notification, the Message-ID of the message
	// it reports on.
	BounceOf string `json:"bounce_of,omitempty"`
}

// Stats counts what [Generate] wrote.
type Stats struct {
	Lines int64 `json:"lines"`
	Bytes int64 `json:"bytes"`
	// Messages counts the messages given to the truth callback, notifications included.
	Messages int64 `json:"messages"`
	// Malformed counts lines that are not syslog frames at all (a broken-off line end).
	Malformed int64 `json:"malformed"`
}

// Generate writes the log that cfg describes to w and returns what it wrote. truth,
// when not nil, is called once per message, in the order messages start and before
// all their lines are written; once Generate returns nil every line of every reported
// message is in w. Generate buffers its writes and flushes them before it returns.
func Generate(w io.Writer, cfg Config, truth func(Message)) (Stats, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return Stats{}, err
	}

	bw := bufio.NewWriterSize(w, 1<<20)
	g := newGenerator(cfg, bw, truth)
	if err := g.run(); err != nil {
		return g.stats, err
	}
	if err := bw.Flush(); err != nil {
		return g.stats, fmt.Errorf("flushing log: bytes=%d: %w", g.stats.Bytes, err)
	}
	return g.stats, nil
}

func withDefaults(cfg Config) (Config, error) {
	switch {
	case cfg.Messages < 0 || cfg.TargetBytes < 0 || cfg.Rate < 0:
		return cfg, fmt.Errorf("checking config: messages=%d target_bytes=%d rate=%g: %w",
			cfg.Messages, cfg.TargetBytes, cfg.Rate, ErrNegative)
	case cfg.Messages == 0 && cfg.TargetBytes == 0:
		return cfg, fmt.Errorf("checking config: %w", ErrNoLimit)
	}
	if cfg.Format == "" {
		cfg.Format = FormatRFC3164
	}
	if cfg.Format != FormatRFC3164 && cfg.Format != FormatRFC5424 {
		return cfg, fmt.Errorf("checking config: format=%q: %w", cfg.Format, ErrFormat)
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2026, time.December, 3, 0, 0, 0, 0, time.UTC)
	}
	if cfg.Rate == 0 {
		cfg.Rate = DefaultRate
	}
	return cfg, nil
}
