package browsertest

import (
	"bufio"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// bigTrace is what writeBigTrace wrote: the message, the host to click and, per host, the
// lines it logged about the message, in the log's order.
type bigTrace struct {
	messageID string
	clickHost string
	lines     map[string][]string
}

// bigLog writes Postfix and Dovecot lines in rsyslog's RFC 5424 file format, as the lab's
// mail-rfc5424.log has them, with a clock that moves forward by a few microseconds a line.
type bigLog struct {
	w     *bufio.Writer
	at    time.Time
	lines map[string][]string
}

func (b *bigLog) log(host, program string, pid int, qid, text string) {
	b.at = b.at.Add(137 * time.Microsecond)
	procID := "-"
	if pid > 0 {
		procID = fmt.Sprint(pid)
	}
	stamp := b.at.Format("2006-01-02T15:04:05.000000-07:00")
	line := fmt.Sprintf("<22>1 %s %s %s %s - -  %s", stamp, host, program, procID, text)
	fmt.Fprintln(b.w, line)
	if qid != "" {
		b.lines[host] = append(b.lines[host], line)
	}
}

// The lab's hosts and addresses (lab/hosts.tsv), so the lab's routes judge the message.
const (
	labDomain  = "lab.mailpath.test"
	storeLocal = "store." + labDomain
)

// writeBigTrace writes one message that the client hands to mx1, mx1 to filter1, filter1 to
// store for local recipients (each stored in its own mailbox) and to out for outside
// ones, each of which out relays to its own domain's MX: a map with a node per mailbox and
// per outside MX besides the client and the four hosts, local+outside+5 nodes, every
// recipient on its route.
func writeBigTrace(t *testing.T, path string, local, outside int) bigTrace {
	f, err := os.Create(path)
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }()
	b := &bigLog{w: bufio.NewWriter(f), at: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC),
		lines: map[string][]string{}}
	id := "<big-map.5a11ce@client.example>"
	var rcpts, locals, outs []string
	for i := range local {
		locals = append(locals, fmt.Sprintf("user%03d@%s", i, storeLocal))
	}
	for i := range outside {
		outs = append(outs, fmt.Sprintf("friend%02d@d%02d.example", i, i))
	}
	rcpts = append(append(rcpts, locals...), outs...)
	const qMX, qFilter, qStore, qOut = "1A2B3C4D501", "1A2B3C4D502", "1A2B3C4D503", "1A2B3C4D504"

	b.log("mx1", "postfix-mx1/smtpd", 3101, "", "connect from client.example[192.0.2.10]")
	b.receive("mx1", 3101, qMX, "client.example[192.0.2.10]", id, len(rcpts))
	b.log("mx1", "postfix-mx1/smtpd", 3101, "", fmt.Sprintf("disconnect from "+
		"client.example[192.0.2.10] ehlo=1 mail=1 rcpt=%d data=1 quit=1 commands=%d",
		len(rcpts), len(rcpts)+4))
	b.relay("mx1", "postfix-mx1/smtp", qMX, rcpts, "filter1."+labDomain+"[127.0.10.3]:25", qFilter)
	b.removed("mx1", qMX)

	b.receive("filter1", 3201, qFilter, "mx1."+labDomain+"[127.0.10.1]", id, len(rcpts))
	b.relay("filter1", "postfix-filter1/smtp", qFilter, locals,
		"store."+labDomain+"[127.0.10.5]:25", qStore)
	b.relay("filter1", "postfix-filter1/smtp", qFilter, outs, "out."+labDomain+"[127.0.10.6]:25",
		qOut)
	b.removed("filter1", qFilter)

	b.receive("store", 3301, qStore, "filter1."+labDomain+"[127.0.10.3]", id, len(locals))
	for i, r := range locals {
		session := fmt.Sprintf("s%05dAAAAbigmapAAAA", i)
		b.log("store", "dovecot", 0, "", fmt.Sprintf("lmtp(user%03d)<3400><%s>: sieve: msgid=%s: "+
			"stored mail into mailbox 'INBOX'", i, session, id))
		b.log("store", "postfix-store/lmtp", 3302, qStore, fmt.Sprintf("%s: to=<%s>, "+
			"relay=store.%s[/run/dovecot/lmtp], delay=0.02, delays=0/0/0/0.01, dsn=2.0.0, "+
			"status=sent (250 2.0.0 <%s> %s Saved)", qStore, r, labDomain, r, session))
	}
	b.removed("store", qStore)

	b.receive("out", 3501, qOut, "filter1."+labDomain+"[127.0.10.3]", id, len(outs))
	for i, r := range outs {
		b.log("out", "postfix-out/smtp", 3502, qOut, fmt.Sprintf("%s: to=<%s>, "+
			"relay=mx.d%02d.example[198.51.100.%d]:25, delay=0.3, delays=0/0/0.1/0.2, "+
			"dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F%09X)", qOut, r, i, i+1, i))
	}
	b.removed("out", qOut)
	require.NoError(t, b.w.Flush())
	return bigTrace{messageID: id, clickHost: "filter1", lines: b.lines}
}

// receive logs a host's smtpd taking the message in from client and queueing it as qid.
func (b *bigLog) receive(host string, pid int, qid, client, id string, nrcpt int) {
	b.log(host, "postfix-"+host+"/smtpd", pid, qid, qid+": client="+client)
	b.log(host, "postfix-"+host+"/cleanup", pid+1, qid, qid+": message-id="+id)
	b.log(host, "postfix-"+host+"/qmgr", pid+2, qid, fmt.Sprintf("%s: "+
		"from=<alice@client.example>, size=4096, nrcpt=%d (queue active)", qid, nrcpt))
}

// relay logs one delivery line per recipient, all handed to relay as its queue ID next.
func (b *bigLog) relay(host, program, qid string, rcpts []string, relay, next string) {
	for _, r := range rcpts {
		b.log(host, program, 4000, qid, fmt.Sprintf("%s: to=<%s>, relay=%s, delay=0.05, "+
			"delays=0.01/0/0.02/0.02, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)",
			qid, r, relay, next))
	}
}

func (b *bigLog) removed(host, qid string) {
	b.log(host, "postfix-"+host+"/qmgr", 4100, qid, qid+": removed")
}
