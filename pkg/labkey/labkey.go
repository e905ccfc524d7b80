// Package labkey reads the answer key of a Mailpath lab run.
//
// lab/lab.sh runs real Postfix hosts, records their aggregated syslog and writes key.json:
// what happened to every message sent, derived without reading the log (see lab/README.md).
// A bundled run is in lab/recorded. Tests compare what Mailpath reconstructs from the log
// with a [Key].
package labkey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Key is the whole answer key of one lab run.
type Key struct {
	Hosts     []Host     `json:"hosts"`
	Scenarios []Scenario `json:"scenarios"`
}

// Host is one host of the lab. Its Name is the host name on its syslog lines.
type Host struct {
	Name string `json:"name"`
	FQDN string `json:"fqdn"`
	Addr string `json:"addr"`
	// Role is "mx", "filter", "store", "out" or "ext".
	Role string `json:"role"`
	// Logged is false for a host whose lines are not in the aggregated log.
	Logged bool `json:"logged"`
}

// Scenario is one message sent into the lab and what became of each of its recipients.
type Scenario struct {
	Name      string `json:"name"`
	MessageID string `json:"message_id"` // as in the header, with the angle brackets
	Sender    string `json:"sender"`
	Subject   string `json:"subject"`
	EntryHost string `json:"entry_host"` // the MX it was sent to
	SMTP      SMTP   `json:"smtp"`
	// Recipients are the final envelope recipients (an alias is expanded).
	Recipients []Recipient `json:"recipients"`
	// DSN is the delivery status notification that came back, if any.
	DSN *DSN `json:"dsn,omitempty"`
	// Deviation names what the lab did on purpose to take this message off
	// its route ("skip-filter", "wrong-host", "dropped-inside", "stuck");
	// empty for a message sent the normal way.
	Deviation string `json:"deviation,omitempty"`
}

// SMTP is what the client got from the entry MX.
type SMTP struct {
	Accepted bool `json:"accepted"`
	// Reply is the reply to the end of DATA, or the rejecting reply.
	Reply string `json:"reply"`
	// QueueID is the entry MX's queue ID, "" when the message was rejected.
	QueueID string `json:"queue_id"`
}

// Disposition is the final state of one recipient.
type Disposition string

// The dispositions a key uses.
const (
	Delivered Disposition = "delivered" // into a mailbox on the store host
	Relayed   Disposition = "relayed"   // handed to a host that is not logged
	Deferred  Disposition = "deferred"  // still waiting in a queue
	Bounced   Disposition = "bounced"   // returned to the sender
	Rejected  Disposition = "rejected"  // refused in the SMTP dialogue
	Discarded Disposition = "discarded" // accepted, then thrown away
	Expired   Disposition = "expired"   // returned after the maximal queue lifetime
	InFlight  Disposition = "in_flight" // accepted and not finished, e.g. on hold
)

// Valid reports whether d is one of the dispositions above.
func (d Disposition) Valid() bool {
	switch d {
	case Delivered, Relayed, Deferred, Bounced, Rejected, Discarded, Expired, InFlight:
		return true
	}
	return false
}

// Recipient is the outcome for one final recipient of a scenario.
type Recipient struct {
	Address     string      `json:"address"`
	OrigTo      string      `json:"orig_to"` // the alias it was expanded from, or ""
	Disposition Disposition `json:"disposition"`
	Folder      string      `json:"folder"` // for Delivered, e.g. "INBOX" or "Junk"
	// Path is the logged hosts the copy passed, in order.
	Path []string `json:"path"`
	// QueueIDs maps a host of Path to the copy's queue ID there, where the key knows it.
	QueueIDs  map[string]string `json:"queue_ids"`
	RelayHost string            `json:"relay_host"` // for Relayed: the host it went to
	// ReasonContains is a substring the reason of a not-delivered copy must contain.
	ReasonContains string `json:"reason_contains"`
}

// DSN is a delivery status notification that reached the sender.
type DSN struct {
	DeliveredTo string `json:"delivered_to"`
	MessageID   string `json:"message_id"` // the DSN's own Message-ID
}

// Load reads and checks the key at path. Errors name the file.
func Load(path string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("labkey: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var k Key
	if err := dec.Decode(&k); err != nil {
		return nil, fmt.Errorf("labkey: %s: %w", path, err)
	}
	if err := k.check(); err != nil {
		return nil, fmt.Errorf("labkey: %s: %w", path, err)
	}
	return &k, nil
}

// Host returns the host called name.
func (k *Key) Host(name string) (Host, bool) {
	for _, h := range k.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return Host{}, false
}

// Scenario returns the scenario called name.
func (k *Key) Scenario(name string) (*Scenario, bool) {
	for i := range k.Scenarios {
		if k.Scenarios[i].Name == name {
			return &k.Scenarios[i], true
		}
	}
	return nil, false
}

func (k *Key) check() error {
	if len(k.Hosts) == 0 {
		return errors.New("no hosts")
	}
	for _, s := range k.Scenarios {
		if s.Name == "" || s.MessageID == "" {
			return fmt.Errorf("scenario %q: name and message_id are required", s.Name)
		}
		if _, ok := k.Host(s.EntryHost); !ok {
			return fmt.Errorf("scenario %s: unknown entry_host %q", s.Name, s.EntryHost)
		}
		for _, r := range s.Recipients {
			if !r.Disposition.Valid() {
				return fmt.Errorf("scenario %s: %s: unknown disposition %q",
					s.Name, r.Address, r.Disposition)
			}
			for _, h := range r.Path {
				if _, ok := k.Host(h); !ok {
					return fmt.Errorf("scenario %s: %s: unknown host %q in path",
						s.Name, r.Address, h)
				}
			}
		}
	}
	return nil
}
