package trace

import (
	"strings"

	"github.com/mailpath/mailpath/pkg/event"
)

// index holds the lookups the linking passes need, so that no pass scans
// every hop for every line: a whole-log Build has hundreds of thousands.
type index struct {
	byMsgID   map[string][]*Hop // hops by Message-ID, in order of appearance
	byHost    map[string][]*Hop
	bySession map[string]*Hop // first hop whose delivery reply names an LMTP session
	byTask    map[string]*Hop // host + content filter task ID -> hop that handed to it
}

// reindex rebuilds the lookups from the hops as they stand.
func (g *graph) reindex() {
	ix := &index{byMsgID: map[string][]*Hop{}, byHost: map[string][]*Hop{},
		bySession: map[string]*Hop{}, byTask: map[string]*Hop{}}
	for _, h := range g.order {
		if h.MessageID != "" {
			ix.byMsgID[h.MessageID] = append(ix.byMsgID[h.MessageID], h)
		}
		ix.byHost[h.Host] = append(ix.byHost[h.Host], h)
		for _, ev := range h.Events {
			if ev.Kind != event.KindDelivery || ev.Session == "" {
				continue
			}
			if k := baseSession(ev.Session); ix.bySession[k] == nil {
				ix.bySession[k] = h
			}
			if k := ev.Host + "|" + ev.Session; ix.byTask[k] == nil {
				ix.byTask[k] = h
			}
		}
	}
	g.ix = ix
}

// baseSession drops the ":R2" and ":T2" suffixes Dovecot adds to a session ID
// for later recipients and transactions.
func baseSession(s string) string {
	if i := strings.IndexByte(s, ':'); i > 0 {
		return s[:i]
	}
	return s
}
