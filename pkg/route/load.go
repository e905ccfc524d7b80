package route

import (
	"fmt"
	"os"
	"path"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

var (
	fileKeys   = []string{"routes"}
	routeKeys  = []string{"name", "match", "stages", "expect"}
	stageKeys  = []string{"name", "hosts", "optional", "max_wait", "branches"}
	branchKeys = []string{"name", "match", "stages", "expect"}
	expectKeys = []string{"kind", "folder", "via", "at"}
	// A branch is chosen in [Compare], which sees the recipient only.
	branchMatchKeys = []string{"recipient_domain", "recipient", "entry_host"}
	matchKeys       = []string{
		"recipient_domain", "recipient", "sender_domain", "sender", "entry_host",
		"subject_tag", "probe",
	}
)

// Load reads and checks the route file at path; see [Parse].
func Load(path string) (*DB, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading route file: path=%s: %w", path, err)
	}
	return Parse(path, src)
}

// Parse reads a route file's text; name is the file name errors give. It
// checks the whole schema and returns the first mistake as a [*FileError]
// with its line and column: an unknown key, a value of the wrong type, a
// missing name, a stage without hosts, a repeated name, a bad glob or
// duration, an unknown expect kind.
func Parse(name string, src []byte) (*DB, error) {
	body, err := parseYAML(name, src)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: name, anchors: map[string]ast.Node{}}
	if body == nil {
		return nil, &FileError{Pos: Pos{name, 1, 1}, Err: ErrMissing,
			Msg: "the file is empty: give a routes: list"}
	}
	top, err := d.mapping(body, "the file", fileKeys...)
	if err != nil {
		return nil, err
	}
	return d.db(body, top["routes"])
}

func (d *decoder) db(body ast.Node, f field) (*DB, error) {
	items, err := d.list(f, "routes")
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		at := body
		if f.key != nil {
			at = f.key
		}
		return nil, d.errAt(at, ErrMissing, "the file lists no routes: give a routes: list")
	}
	db := &DB{}
	seen := map[string]Pos{}
	for _, it := range items {
		r, err := d.route(it)
		if err != nil {
			return nil, err
		}
		if p, ok := seen[r.Name]; ok {
			return nil, d.errAt(it, ErrDuplicateRoute, "route %q is defined twice, first at %s: "+
				"give each route its own name", r.Name, p)
		}
		seen[r.Name] = r.Pos
		db.Routes = append(db.Routes, r)
	}
	return db, nil
}

// name reads the required name key of a mapping at n.
func (d *decoder) name(n ast.Node, fs map[string]field, what string) (string, error) {
	s, err := d.str(fs["name"], what+" name")
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(s) == "" {
		at := n
		if f, ok := fs["name"]; ok {
			at = f.key
		}
		return "", d.errAt(at, ErrMissing, "%s has no name: give it a name", what)
	}
	return s, nil
}

func (d *decoder) route(n ast.Node) (*Route, error) {
	fs, err := d.mapping(n, "route", routeKeys...)
	if err != nil {
		return nil, err
	}
	r := &Route{Pos: d.pos(n)}
	if r.Name, err = d.name(n, fs, "route"); err != nil {
		return nil, err
	}
	what := fmt.Sprintf("route %q", r.Name)
	if r.Match, err = d.match(fs["match"], what, matchKeys); err != nil {
		return nil, err
	}
	if r.Stages, err = d.stages(fs["stages"], what); err != nil {
		return nil, err
	}
	if len(r.Stages) == 0 {
		return nil, d.errAt(keyOr(fs, "stages", n), ErrMissing,
			"%s lists no stages: give at least one stage", what)
	}
	e, err := d.expect(fs["expect"], what)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, d.errAt(n, ErrMissing, "%s has no expect: give delivered, relayed or "+
			"rejected", what)
	}
	r.Expect = *e
	return r, nil
}

// keyText is f's key as written, or "" for an absent field.
func keyText(f field) string {
	if f.key == nil {
		return ""
	}
	return f.key.GetToken().Value
}

// keyOr returns the node of key k in fs, or n when k is absent.
func keyOr(fs map[string]field, k string, n ast.Node) ast.Node {
	if f, ok := fs[k]; ok {
		return f.key
	}
	return n
}

func (d *decoder) match(f field, what string, keys []string) (Match, error) {
	var m Match
	if f.value == nil {
		return m, nil
	}
	fs, err := d.mapping(f.value, what+" match", keys...)
	if err != nil {
		return m, err
	}
	dst := []*string{
		&m.RecipientDomain, &m.Recipient, &m.SenderDomain, &m.Sender, &m.EntryHost,
		&m.SubjectTag, &m.Probe,
	}
	for i, k := range matchKeys {
		g, ok := fs[k]
		if !ok {
			continue
		}
		if *dst[i], err = d.matchValue(g, what+" match "+k, k); err != nil {
			return m, err
		}
	}
	return m, nil
}

// matchValue reads one match key; all but subject_tag and probe are globs.
func (d *decoder) matchValue(f field, what, key string) (string, error) {
	s, err := d.str(f, what)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", d.errAt(f.key, ErrMissing, "%s is empty: give a value or leave the key out",
			what)
	}
	if key != "subject_tag" && key != "probe" {
		return s, d.glob(f.value, s, what)
	}
	return s, nil
}

// glob checks that s, read from node n, is a valid glob.
func (d *decoder) glob(n ast.Node, s, what string) error {
	if _, err := path.Match(strings.ToLower(s), ""); err != nil {
		return d.errAt(n, ErrBadGlob, "%s %q is not a valid glob: use * and ?, and close "+
			"every [ with ]", what, s)
	}
	return nil
}

func (d *decoder) stages(f field, what string) ([]Stage, error) {
	one := func(n ast.Node) (Stage, error) { return d.stage(n, what) }
	return named(d, f, what, "stage", one, func(s Stage) string { return s.Name })
}

// named reads a list of named items with one, refusing a name given twice.
func named[T any](d *decoder, f field, what, kind string, one func(ast.Node) (T, error),
	nameOf func(T) string,
) ([]T, error) {
	items, err := d.list(f, what+" "+keyText(f))
	if err != nil {
		return nil, err
	}
	var out []T
	seen := map[string]Pos{}
	for _, it := range items {
		v, err := one(it)
		if err != nil {
			return nil, err
		}
		if p, ok := seen[nameOf(v)]; ok {
			return nil, d.errAt(it, ErrDuplicateRoute, "%s: %s %q is listed twice, first "+
				"at %s: give each %s its own name", what, kind, nameOf(v), p, kind)
		}
		seen[nameOf(v)] = d.pos(it)
		out = append(out, v)
	}
	return out, nil
}

func (d *decoder) stage(n ast.Node, route string) (Stage, error) {
	var s Stage
	fs, err := d.mapping(n, route+" stage", stageKeys...)
	if err != nil {
		return s, err
	}
	if s.Name, err = d.name(n, fs, route+" stage"); err != nil {
		return s, err
	}
	what := fmt.Sprintf("stage %q", s.Name)
	if s.Hosts, err = d.hosts(n, fs, what); err != nil {
		return s, err
	}
	if s.Optional, err = d.boolean(fs["optional"], what+" optional"); err != nil {
		return s, err
	}
	if s.MaxWait, err = d.duration(fs["max_wait"], what+" max_wait"); err != nil {
		return s, err
	}
	s.Branches, err = d.branches(fs["branches"], what)
	return s, err
}

func (d *decoder) hosts(n ast.Node, fs map[string]field, what string) ([]string, error) {
	hosts, err := d.strList(fs["hosts"], what+" hosts")
	if err != nil {
		return nil, err
	}
	if len(hosts) == 0 {
		return nil, d.errAt(keyOr(fs, "hosts", n), ErrNoHosts,
			"%s lists no hosts: give at least one host or glob", what)
	}
	items, _ := d.list(fs["hosts"], what)
	for i, h := range hosts {
		if strings.TrimSpace(h) == "" {
			return nil, d.errAt(items[i], ErrNoHosts, "%s lists an empty host: give a host "+
				"name or glob", what)
		}
		if err := d.glob(items[i], h, what+" host"); err != nil {
			return nil, err
		}
	}
	return hosts, nil
}

func (d *decoder) duration(f field, what string) (time.Duration, error) {
	s, err := d.str(f, what)
	if err != nil || s == "" {
		return 0, err
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return 0, d.errAt(f.value, ErrBadDuration, "%s %q is not a duration: give a positive "+
			"number with a unit, such as 90s, 10m or 4h", what, s)
	}
	return v, nil
}

func (d *decoder) branches(f field, what string) ([]Branch, error) {
	one := func(n ast.Node) (Branch, error) { return d.branch(n, what) }
	return named(d, f, what, "branch", one, func(b Branch) string { return b.Name })
}

func (d *decoder) branch(n ast.Node, stage string) (Branch, error) {
	var b Branch
	fs, err := d.mapping(n, stage+" branch", branchKeys...)
	if err != nil {
		return b, err
	}
	if b.Name, err = d.name(n, fs, stage+" branch"); err != nil {
		return b, err
	}
	what := fmt.Sprintf("branch %q", b.Name)
	if b.Match, err = d.match(fs["match"], what, branchMatchKeys); err != nil {
		return b, err
	}
	if b.Stages, err = d.stages(fs["stages"], what); err != nil {
		return b, err
	}
	b.Expect, err = d.expect(fs["expect"], what)
	return b, err
}
