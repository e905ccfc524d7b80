package route

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/trace"
)

const matchRoutes = `routes:
  - name: probe-inbound
    match: {probe: probe-inbound}
    stages: [{name: mx, hosts: [mx1]}]
    expect: delivered
  - name: spam
    match: {recipient_domain: store.test, subject_tag: "[spam]"}
    stages: [{name: mx, hosts: [mx1]}]
    expect: {kind: delivered, folder: Junk}
  - name: inbound-store
    match: {recipient_domain: store.test}
    stages: [{name: mx, hosts: [mx1]}]
    expect: delivered
  - name: from-mx2
    match: {entry_host: "mx2*", sender: "*@partner.test"}
    stages: [{name: mx, hosts: [mx2]}]
    expect: relayed
  - name: outbound
    match: {recipient_domain: "*.example", sender_domain: store.test}
    stages: [{name: mx, hosts: [mx1]}]
    expect: relayed
`

func TestRouteForNamesTheRuleThatMatched(t *testing.T) {
	db, err := Parse("r.yaml", []byte(matchRoutes))
	require.NoError(t, err)
	tests := []struct {
		name   string
		t      *trace.Trace
		r      trace.Recipient
		route  string
		reason string
	}{
		{
			name:   "matches the recipient domain",
			t:      &trace.Trace{Subject: "hello"},
			r:      trace.Recipient{Address: "bob@Store.test"},
			route:  "inbound-store",
			reason: "recipient domain Store.test matches route inbound-store",
		},
		{
			name:  "tries routes in file order and needs every rule",
			t:     &trace.Trace{Subject: "[SPAM] hello"},
			r:     trace.Recipient{Address: "erin@store.test"},
			route: "spam",
			reason: "recipient domain store.test and subject tag [spam] " +
				"matches route spam",
		},
		{
			name:   "reads the address before alias expansion",
			t:      &trace.Trace{},
			r:      trace.Recipient{Address: "carol@ext.example", OrigTo: "team@store.test"},
			route:  "inbound-store",
			reason: "original recipient domain store.test matches route inbound-store",
		},
		{
			name:  "matches a glob of the entry host and the sender",
			t:     &trace.Trace{From: "ann@partner.test"},
			r:     trace.Recipient{Address: "x@ext.example", Path: []string{"mx2", "out"}},
			route: "from-mx2",
			reason: "sender ann@partner.test (*@partner.test) and entry host mx2 (mx2*) " +
				"matches route from-mx2",
		},
		{
			name:  "matches a domain glob and the sender domain",
			t:     &trace.Trace{From: "alice@store.test"},
			r:     trace.Recipient{Address: "x@ext.example", Path: []string{"mx1"}},
			route: "outbound",
			reason: "recipient domain ext.example (*.example) and sender domain store.test " +
				"matches route outbound",
		},
		{
			name:   "matches the probe tag a probe carries",
			t:      &trace.Trace{Subject: "probe 17 [probe:probe-inbound]"},
			r:      trace.Recipient{Address: "probe@store.test"},
			route:  "probe-inbound",
			reason: "probe tag [probe:probe-inbound] matches route probe-inbound",
		},
		{
			name:   "says when no route matches",
			t:      nil,
			r:      trace.Recipient{Address: "x@elsewhere.test"},
			reason: "no route matches recipient x@elsewhere.test",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := db.RouteFor(tt.t, &tt.r)
			require.Equal(t, tt.reason, why)
			if tt.route == "" {
				require.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			require.Equal(t, tt.route, got.Name)
		})
	}
}
