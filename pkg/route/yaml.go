package route

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// decoder walks a parsed route file, remembering anchors so that aliases can
// reuse a stage list or a match.
type decoder struct {
	file    string
	anchors map[string]ast.Node
}

// field is one key of a mapping with its value.
type field struct {
	key   ast.Node
	value ast.Node
}

// parseYAML parses src into its first document's body; nil means the file
// is empty.
func parseYAML(file string, src []byte) (ast.Node, error) {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil {
			p := Pos{file, se.Token.Position.Line, se.Token.Position.Column}
			return nil, &FileError{Pos: p, Msg: "not valid yaml: " + se.Message, Err: ErrSyntax}
		}
		return nil, fmt.Errorf("parsing route file: file=%s: %w: %w", file, ErrSyntax, err)
	}
	if len(f.Docs) == 0 {
		return nil, nil
	}
	return f.Docs[0].Body, nil
}

// pos is where node n starts: a mapping starts at its first key.
func (d *decoder) pos(n ast.Node) Pos {
	switch v := n.(type) {
	case *ast.MappingNode:
		if len(v.Values) > 0 {
			return d.pos(v.Values[0])
		}
	case *ast.MappingValueNode:
		return d.pos(v.Key)
	}
	tk := n.GetToken()
	return Pos{File: d.file, Line: tk.Position.Line, Column: tk.Position.Column}
}

// errAt makes a [FileError] of kind at node n.
func (d *decoder) errAt(n ast.Node, kind error, format string, args ...any) error {
	return &FileError{Pos: d.pos(n), Msg: fmt.Sprintf(format, args...), Err: kind}
}

// resolve looks through tags, anchors and aliases to the value node.
func (d *decoder) resolve(n ast.Node) (ast.Node, error) {
	switch v := n.(type) {
	case *ast.TagNode:
		return d.resolve(v.Value)
	case *ast.AnchorNode:
		d.anchors[v.Name.GetToken().Value] = v.Value
		return d.resolve(v.Value)
	case *ast.AliasNode:
		name := v.Value.GetToken().Value
		if a, ok := d.anchors[name]; ok {
			return d.resolve(a)
		}
		return nil, d.errAt(v, ErrMissing, "alias *%s names no anchor before it: "+
			"define &%s first", name, name)
	}
	return n, nil
}

// kindOf names a node's YAML type for an error message.
func kindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "true or false"
	case *ast.NullNode, nil:
		return "nothing"
	}
	return "a " + strings.ToLower(n.Type().String())
}

// mapping reads n as a mapping whose keys must be among allowed; what names
// the mapping in errors, such as `route "inbound"`.
func (d *decoder) mapping(n ast.Node, what string, allowed ...string) (map[string]field, error) {
	n, err := d.resolve(n)
	if err != nil {
		return nil, err
	}
	var values []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	default:
		return nil, d.errAt(n, ErrWrongType, "%s is %s: give a mapping of %s", what, kindOf(n),
			strings.Join(allowed, ", "))
	}
	return d.fields(values, what, allowed)
}

func (d *decoder) fields(values []*ast.MappingValueNode, what string,
	allowed []string,
) (map[string]field, error) {
	out := make(map[string]field, len(values))
	for _, mv := range values {
		k := mv.Key.GetToken().Value
		if !contains(allowed, k) {
			return nil, d.errAt(mv.Key, ErrUnknownKey, "%s: unknown key %q: give one of %s",
				what, k, strings.Join(allowed, ", "))
		}
		out[k] = field{key: mv.Key, value: mv.Value}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// str reads f's value as a string; an absent field gives "".
func (d *decoder) str(f field, what string) (string, error) {
	if f.value == nil {
		return "", nil
	}
	n, err := d.resolve(f.value)
	if err != nil {
		return "", err
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, nil
	case *ast.LiteralNode:
		return v.Value.Value, nil
	case *ast.NullNode:
		return "", nil
	}
	return "", d.errAt(n, ErrWrongType, "%s is %s: give a string (quote it if it looks like "+
		"a number or true/false)", what, kindOf(n))
}

// boolean reads f's value as true or false; an absent field gives false.
func (d *decoder) boolean(f field, what string) (bool, error) {
	if f.value == nil {
		return false, nil
	}
	n, err := d.resolve(f.value)
	if err != nil {
		return false, err
	}
	if b, ok := n.(*ast.BoolNode); ok {
		return b.Value, nil
	}
	return false, d.errAt(n, ErrWrongType, "%s is %s: give true or false", what, kindOf(n))
}

// list reads f's value as a list of nodes; an absent or empty field gives nil.
func (d *decoder) list(f field, what string) ([]ast.Node, error) {
	if f.value == nil {
		return nil, nil
	}
	n, err := d.resolve(f.value)
	if err != nil {
		return nil, err
	}
	switch v := n.(type) {
	case *ast.SequenceNode:
		return v.Values, nil
	case *ast.NullNode:
		return nil, nil
	}
	return nil, d.errAt(n, ErrWrongType, "%s is %s: give a list", what, kindOf(n))
}

// strList reads f's value as a list of strings.
func (d *decoder) strList(f field, what string) ([]string, error) {
	items, err := d.list(f, what)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, it := range items {
		s, err := d.str(field{key: f.key, value: it}, fmt.Sprintf("%s item %d", what, i+1))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
