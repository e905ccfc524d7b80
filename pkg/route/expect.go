package route

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
)

var expectKinds = []ExpectKind{ExpectDelivered, ExpectRelayed, ExpectRejected}

// expect reads an expect key: a kind alone (expect: delivered) or a mapping
// with kind and the one detail that kind takes. An absent key gives nil.
func (d *decoder) expect(f field, what string) (*Expect, error) {
	if f.value == nil {
		return nil, nil
	}
	n, err := d.resolve(f.value)
	if err != nil {
		return nil, err
	}
	if _, ok := n.(*ast.StringNode); ok {
		k, err := d.expectKind(f, what)
		return &Expect{Kind: k}, err
	}
	fs, err := d.mapping(n, what+" expect", expectKeys...)
	if err != nil {
		return nil, err
	}
	if _, ok := fs["kind"]; !ok {
		return nil, d.errAt(n, ErrMissing, "%s expect has no kind: give kind: delivered, "+
			"relayed or rejected", what)
	}
	e := &Expect{}
	if e.Kind, err = d.expectKind(fs["kind"], what); err != nil {
		return nil, err
	}
	return e, d.expectDetail(e, fs, what)
}

func (d *decoder) expectKind(f field, what string) (ExpectKind, error) {
	s, err := d.str(f, what+" expect")
	if err != nil {
		return "", err
	}
	for _, k := range expectKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", d.errAt(f.value, ErrUnknownExpect, "%s expects %q: give delivered, relayed or "+
		"rejected", what, s)
}

// expectDetail reads folder, via or at, each allowed only with its kind.
func (d *decoder) expectDetail(e *Expect, fs map[string]field, what string) error {
	owner := map[string]ExpectKind{
		"folder": ExpectDelivered, "via": ExpectRelayed, "at": ExpectRejected,
	}
	for _, k := range []string{"folder", "via", "at"} {
		f, ok := fs[k]
		if ok && owner[k] != e.Kind {
			return d.errAt(f.key, ErrUnknownKey, "%s expect %s takes no %s: %s belongs to "+
				"expect kind %s", what, e.Kind, k, k, owner[k])
		}
	}
	var err error
	if e.Folder, err = d.str(fs["folder"], what+" expect folder"); err != nil {
		return err
	}
	if e.At, err = d.str(fs["at"], what+" expect at"); err != nil {
		return err
	}
	if e.At != "" {
		if err := d.glob(fs["at"].value, e.At, what+" expect at"); err != nil {
			return err
		}
	}
	return d.expectVia(e, fs["via"], what)
}

func (d *decoder) expectVia(e *Expect, f field, what string) error {
	var err error
	if e.Via, err = d.strList(f, what+" expect via"); err != nil {
		return err
	}
	items, _ := d.list(f, what)
	for i, h := range e.Via {
		if err := d.glob(items[i], h, fmt.Sprintf("%s expect via", what)); err != nil {
			return err
		}
	}
	return nil
}
