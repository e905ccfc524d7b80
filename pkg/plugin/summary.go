package plugin

import (
	"github.com/mailpath/mailpath/pkg/trace"
)

// summaryVersion is the version of the summary's shape. The panel refuses
// shapes it does not know rather than misread them.
const summaryVersion = 1

// customMeta is the nodes frame's meta.custom. Its one key, "mailpath", is
// how the panel tells Mailpath's frames from a foreign data source's.
type customMeta struct {
	Mailpath summary `json:"mailpath"`
}

// summary is what the panel's header shows of a trace answer, and the data
// source it asks for lines.
type summary struct {
	Version       int              `json:"version"`
	DatasourceUID string           `json:"datasourceUid"`
	Partial       bool             `json:"partial"`
	Reasons       []string         `json:"reasons"`
	Unparsed      int              `json:"unparsed"`
	Messages      []messageSummary `json:"messages"`
}

type messageSummary struct {
	MessageID  string             `json:"messageId"`
	From       string             `json:"from"`
	Subject    string             `json:"subject"`
	First      string             `json:"first"` // RFC 3339
	Last       string             `json:"last"`  // RFC 3339
	Recipients []recipientSummary `json:"recipients"`
}

// recipientSummary is one recipient's fate. Route, Why (the reason the route
// applies), Verdict and Sentence (the comparison's own words) are empty when
// no routes are set.
type recipientSummary struct {
	Address     string `json:"address"`
	OrigTo      string `json:"origTo"`
	Disposition string `json:"disposition"`
	Mailbox     string `json:"mailbox"`
	Folder      string `json:"folder"`
	Relay       string `json:"relay"`
	Reason      string `json:"reason"`
	Route       string `json:"route"`
	Why         string `json:"why"`
	Verdict     string `json:"verdict"`
	Sentence    string `json:"sentence"`
}

// newSummary summarizes a trace answer. Lists are empty rather than null, so
// that the panel reads zero traces as it reads many.
func newSummary(res *trace.Result, uid string,
	verdicts map[*trace.Recipient]verdict) summary {
	s := summary{Version: summaryVersion, DatasourceUID: uid, Partial: res.Partial,
		Reasons: append([]string{}, res.Reasons...), Unparsed: len(res.Unparsed),
		Messages: []messageSummary{}}
	for _, t := range res.Traces {
		m := messageSummary{MessageID: t.MessageID, From: t.From, Subject: t.Subject,
			First: stamp(t.First), Last: stamp(t.Last), Recipients: []recipientSummary{}}
		for _, r := range t.Recipients {
			m.Recipients = append(m.Recipients, recipientOf(r, verdicts))
		}
		s.Messages = append(s.Messages, m)
	}
	return s
}

func recipientOf(r *trace.Recipient, verdicts map[*trace.Recipient]verdict) recipientSummary {
	out := recipientSummary{Address: r.Address, OrigTo: r.OrigTo,
		Disposition: string(r.Disposition), Mailbox: r.Mailbox, Folder: r.Folder,
		Relay: r.Relay, Reason: r.Reason}
	if v, ok := verdicts[r]; ok {
		out.Route, out.Why, out.Verdict, out.Sentence = v.Route, v.Why, string(v.Verdict), v.Bare
	}
	return out
}
