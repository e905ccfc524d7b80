package route

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const goodRoutes = `routes:
  - name: inbound-store
    match: {recipient_domain: store.lab.mailpath.test}
    stages:
      - {name: mx, hosts: [mx1, mx2], max_wait: 10m}
      - name: filter
        hosts: ["filter*"]
        optional: true
      - name: store
        hosts: [store]
        branches:
          - name: outside
            match: {recipient_domain: "*.example"}
            stages: [{name: out, hosts: [out]}]
            expect: {kind: relayed, via: [out]}
    expect: {kind: delivered, folder: INBOX}
  - name: reject-probe
    match: {probe: reject-probe}
    stages: [{name: mx, hosts: ["mx?"]}]
    expect: {kind: rejected, at: "mx*"}
`

func TestParseReadsEveryKey(t *testing.T) {
	db, err := Parse("routes.yaml", []byte(goodRoutes))
	require.NoError(t, err)
	require.Len(t, db.Routes, 2)

	r := db.Routes[0]
	require.Equal(t, "inbound-store", r.Name)
	require.Equal(t, Pos{"routes.yaml", 2, 5}, r.Pos)
	require.Equal(t, "store.lab.mailpath.test", r.Match.RecipientDomain)
	require.Len(t, r.Stages, 3)
	require.Equal(t, 10*time.Minute, r.Stages[0].MaxWait)
	require.True(t, r.Stages[1].Optional)
	require.Equal(t, []string{"filter*"}, r.Stages[1].Hosts)
	require.Equal(t, Expect{Kind: ExpectDelivered, Folder: "INBOX"}, r.Expect)

	b := r.Stages[2].Branches[0]
	require.Equal(t, "outside", b.Name)
	require.Equal(t, "*.example", b.Match.RecipientDomain)
	require.Equal(t, &Expect{Kind: ExpectRelayed, Via: []string{"out"}}, b.Expect)
	require.Equal(t, Expect{Kind: ExpectRejected, At: "mx*"}, db.Routes[1].Expect)
}

func TestParseAcceptsAnExpectKindAlone(t *testing.T) {
	src := "routes:\n  - name: a\n    stages: [{name: s, hosts: [h]}]\n    expect: relayed\n"
	db, err := Parse("r.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, Expect{Kind: ExpectRelayed}, db.Routes[0].Expect)
}

func TestParseReusesAnchoredStages(t *testing.T) {
	src := `routes:
  - name: a
    stages: &front [{name: mx, hosts: [mx1]}]
    expect: delivered
  - name: b
    stages: *front
    expect: relayed
`
	db, err := Parse("r.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, db.Routes[0].Stages, db.Routes[1].Stages)
}

func TestParseNamesTheMistakeAndItsPlace(t *testing.T) {
	tests := []struct {
		name string
		src  string
		kind error
		want string
	}{
		{
			name: "names a stage without hosts",
			src: `routes:
  - name: a
    stages:
      - name: filter
        hosts: []
    expect: delivered
`,
			kind: ErrNoHosts,
			want: `r.yaml:5:9: stage "filter" lists no hosts: give at least one host or glob`,
		},
		{
			name: "names a stage whose hosts key is missing",
			src: `routes:
  - name: a
    stages:
      - name: filter
    expect: delivered
`,
			kind: ErrNoHosts,
			want: `r.yaml:4:9: stage "filter" lists no hosts: give at least one host or glob`,
		},
		{
			name: "names an unknown key and the keys it takes",
			src: `routes:
  - name: a
    stage: []
`,
			kind: ErrUnknownKey,
			want: `r.yaml:3:5: route: unknown key "stage": give one of name, match, stages, expect`,
		},
		{
			name: "names an unknown match key",
			src: `routes:
  - name: a
    match: {domain: x}
`,
			kind: ErrUnknownKey,
			want: `r.yaml:3:13: route "a" match: unknown key "domain": give one of ` +
				`recipient_domain, recipient, sender_domain, sender, entry_host, ` +
				`subject_tag, probe`,
		},
		{
			name: "names a list where a string belongs",
			src: `routes:
  - name: [a, b]
`,
			kind: ErrWrongType,
			want: `r.yaml:2:11: route name is a list: give a string (quote it if it looks ` +
				`like a number or true/false)`,
		},
		{
			name: "names a string where a boolean belongs",
			src: `routes:
  - name: a
    stages: [{name: s, hosts: [h], optional: "yes"}]
`,
			kind: ErrWrongType,
			want: `r.yaml:3:46: stage "s" optional is a string: give true or false`,
		},
		{
			name: "names a route defined twice",
			src: `routes:
  - {name: a, stages: [{name: s, hosts: [h]}], expect: delivered}
  - {name: a, stages: [{name: s, hosts: [h]}], expect: delivered}
`,
			kind: ErrDuplicateRoute,
			want: `r.yaml:3:6: route "a" is defined twice, first at r.yaml:2:6: give each ` +
				`route its own name`,
		},
		{
			name: "names a bad glob",
			src: `routes:
  - name: a
    stages:
      - name: s
        hosts: [mx1, "mx[12"]
`,
			kind: ErrBadGlob,
			want: `r.yaml:5:22: stage "s" host "mx[12" is not a valid glob: use * and ?, and ` +
				`close every [ with ]`,
		},
		{
			name: "names a bad duration",
			src: `routes:
  - name: a
    stages:
      - {name: s, hosts: [h], max_wait: 10 minutes}
`,
			kind: ErrBadDuration,
			want: `r.yaml:4:41: stage "s" max_wait "10 minutes" is not a duration: give a ` +
				`positive number with a unit, such as 90s, 10m or 4h`,
		},
		{
			name: "names an unknown expect kind",
			src: `routes:
  - name: a
    stages: [{name: s, hosts: [h]}]
    expect: stored
`,
			kind: ErrUnknownExpect,
			want: `r.yaml:4:13: route "a" expects "stored": give delivered, relayed or rejected`,
		},
		{
			name: "names a detail of another expect kind",
			src: `routes:
  - name: a
    stages: [{name: s, hosts: [h]}]
    expect: {kind: relayed, folder: INBOX}
`,
			kind: ErrUnknownKey,
			want: `r.yaml:4:29: route "a" expect relayed takes no folder: folder belongs to ` +
				`expect kind delivered`,
		},
		{
			name: "names a route without a name",
			src: `routes:
  - stages: [{name: s, hosts: [h]}]
    expect: delivered
`,
			kind: ErrMissing,
			want: `r.yaml:2:5: route has no name: give it a name`,
		},
		{
			name: "names a route without an expect",
			src: `routes:
  - name: a
    stages: [{name: s, hosts: [h]}]
`,
			kind: ErrMissing,
			want: `r.yaml:2:5: route "a" has no expect: give delivered, relayed or rejected`,
		},
		{
			name: "names a key given twice",
			src: `routes:
  - name: a
    name: b
`,
			kind: ErrSyntax,
			want: `r.yaml:3:5: not valid yaml: mapping key "name" already defined at [2:5]`,
		},
		{
			name: "names broken yaml",
			src:  "routes:\n  - name: [a\n",
			kind: ErrSyntax,
		},
		{
			name: "names an empty file",
			src:  "# nothing yet\n",
			kind: ErrMissing,
			want: `r.yaml:1:1: the file is empty: give a routes: list`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(tt.src))
			require.Error(t, err)
			require.ErrorIs(t, err, tt.kind)
			if tt.want != "" {
				require.Equal(t, tt.want, err.Error())
			}
			var fe *FileError
			require.ErrorAs(t, err, &fe)
		})
	}
}

func TestLoadNamesAMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist)
	require.ErrorContains(t, err, "reading route file: path=")
}

func TestShippedRouteFilesLoad(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		routes []string
	}{
		{"loads the lab routes", "lab.yaml", []string{"inbound-spam", "inbound-store", "outbound"}},
		{"loads the documented example", "example.yaml", []string{"inbound-store", "reject-probe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Load(filepath.Join("..", "..", "provisioning", "routes", tt.file))
			require.NoError(t, err)
			var names []string
			for _, r := range db.Routes {
				names = append(names, r.Name)
			}
			require.Equal(t, tt.routes, names)
		})
	}
}
