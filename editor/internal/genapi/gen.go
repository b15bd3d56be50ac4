package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/tools/go/packages"
)

// api is the loaded packages: the API's first, then those declaring types it reaches.
type api struct {
	fset  *token.FileSet
	root  *packages.Package
	pkgs  map[string]*packages.Package // by path
	docs  map[*types.TypeName]*typeDoc
	order map[*types.Const]int // declaration order of constants
}

// typeDoc is what the source says of a type: its doc, marks and fields' docs.
type typeDoc struct {
	doc    string
	marks  map[string]string // golem:tsname, golem:json
	fields map[string]string // field name → doc
}

// load type-checks the packages matching patterns (from source; their imports from
// export data) in dir.
func load(dir string, patterns ...string) (*api, error) {
	cfg := &packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
		packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	var errs []error
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, e)
		}
	})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	rootDir, err := filepath.Abs(filepath.Join(dir, patterns[0]))
	if err != nil {
		return nil, err
	}
	a := &api{fset: pkgs[0].Fset, pkgs: map[string]*packages.Package{},
		docs: map[*types.TypeName]*typeDoc{}, order: map[*types.Const]int{}}
	for _, p := range pkgs { // in no particular order
		a.pkgs[p.PkgPath] = p
		a.index(p)
		if len(p.GoFiles) > 0 && filepath.Dir(p.GoFiles[0]) == rootDir {
			a.root = p
		}
	}
	if a.root == nil {
		return nil, fmt.Errorf("no package in %s", rootDir)
	}
	return a, nil
}

// index reads the doc comments of p's types and fields and the order of its constants.
func (a *api) index(p *packages.Package) {
	n := 0
	for _, f := range p.Syntax {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.ValueSpec:
					for _, name := range s.Names {
						if c, ok := p.TypesInfo.Defs[name].(*types.Const); ok {
							a.order[c] = n
							n++
						}
					}
				case *ast.TypeSpec:
					tn, ok := p.TypesInfo.Defs[s.Name].(*types.TypeName)
					if !ok {
						continue
					}
					cg := s.Doc
					if cg == nil && len(gd.Specs) == 1 {
						cg = gd.Doc
					}
					td := &typeDoc{doc: cg.Text(), marks: marks(cg), fields: map[string]string{}}
					if st, ok := s.Type.(*ast.StructType); ok {
						for _, fld := range st.Fields.List {
							doc := fld.Doc.Text()
							if doc == "" {
								doc = fld.Comment.Text()
							}
							for _, name := range fieldNames(fld) {
								td.fields[name] = doc
							}
						}
					}
					a.docs[tn] = td
				}
			}
		}
	}
}

// marks returns the //golem:name value lines of a comment.
func marks(cg *ast.CommentGroup) map[string]string {
	m := map[string]string{}
	if cg == nil {
		return m
	}
	for _, c := range cg.List {
		if rest, ok := strings.CutPrefix(c.Text, "//golem:"); ok {
			k, v, _ := strings.Cut(rest, " ")
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

func fieldNames(f *ast.Field) []string {
	if len(f.Names) > 0 {
		var out []string
		for _, n := range f.Names {
			out = append(out, n.Name)
		}
		return out
	}
	t := f.Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch t := t.(type) {
	case *ast.Ident:
		return []string{t.Name}
	case *ast.SelectorExpr:
		return []string{t.Sel.Name}
	}
	return nil
}

// decl is one TypeScript declaration.
type decl struct {
	name   string
	goName string // package.Type, for errors and the tables
	doc    string
	fields []field // an interface
	alias  string  // else a type alias
	values []string
}

type field struct {
	name     string
	ts       string
	optional bool
	doc      string
}

// gen walks the types reachable from the roots.
type gen struct {
	*api
	decls  map[string]*decl           // by TypeScript name
	named  map[*types.TypeName]string // done or in progress → TypeScript name
	queue  []*types.Named
	errors []error
}

// generate returns the TypeScript file and the Markdown tables of the API's types.
func (a *api) generate() (ts, md []byte, err error) {
	g := &gen{api: a, decls: map[string]*decl{}, named: map[*types.TypeName]string{}}
	scope := a.root.Types.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || !tn.Exported() || tn.IsAlias() {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok || !g.isRoot(named) {
			continue
		}
		g.ref(named)
	}
	for len(g.queue) > 0 {
		n := g.queue[0]
		g.queue = g.queue[1:]
		g.declare(n)
	}
	if len(g.errors) > 0 {
		return nil, nil, errors.Join(g.errors...)
	}
	names := make([]string, 0, len(g.decls))
	for n := range g.decls {
		names = append(names, n)
	}
	sort.Strings(names)
	return g.typescript(names), g.markdown(names), nil
}

// isRoot reports whether n is a body the API sends or reads: a struct with a json tag.
func (g *gen) isRoot(n *types.Named) bool {
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		if _, ok := reflect.StructTag(st.Tag(i)).Lookup("json"); ok {
			return true
		}
	}
	return false
}

// ref returns the TypeScript name of n, queueing its declaration.
func (g *gen) ref(n *types.Named) string {
	tn := n.Obj()
	if name, ok := g.named[tn]; ok {
		return name
	}
	name := tn.Name()
	if td := g.docs[tn]; td != nil && td.marks["tsname"] != "" {
		name = td.marks["tsname"]
	}
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	name = string(r)
	g.named[tn] = name
	g.queue = append(g.queue, n)
	return name
}

func goName(tn *types.TypeName) string {
	if tn.Pkg() == nil {
		return tn.Name()
	}
	return tn.Pkg().Name() + "." + tn.Name()
}

// declare writes the declaration of n.
func (g *gen) declare(n *types.Named) {
	tn := n.Obj()
	td := g.docs[tn]
	if td == nil {
		if _, ok := g.pkgs[tn.Pkg().Path()]; !ok {
			g.errors = append(g.errors, fmt.Errorf("%s is part of the API: add package %s to genapi's packages", goName(tn), tn.Pkg().Path()))
		} else {
			g.errors = append(g.errors, fmt.Errorf("%s: no declaration found", goName(tn)))
		}
		return
	}
	d := &decl{name: g.named[tn], goName: goName(tn), doc: tsDoc(td.doc, tn.Name(), g.named[tn])}
	if prev, ok := g.decls[d.name]; ok {
		g.errors = append(g.errors, fmt.Errorf("%s and %s are both %s in TypeScript: rename one with //golem:tsname", prev.goName, d.goName, d.name))
		return
	}
	g.decls[d.name] = d
	fieldDocs := td.fields
	var t types.Type = n.Underlying()
	if expr := td.marks["json"]; expr != "" {
		tv, err := types.Eval(g.fset, tn.Pkg(), tn.Pos(), expr)
		if err != nil || !tv.IsType() {
			g.errors = append(g.errors, fmt.Errorf("%s: //golem:json %s: not a type (%v)", d.goName, expr, err))
			return
		}
		t = tv.Type
		if nn, ok := t.(*types.Named); ok {
			if other := g.docs[nn.Obj()]; other != nil {
				fieldDocs = other.fields
			}
			t = nn.Underlying()
		}
	} else if marshals(n) {
		g.errors = append(g.errors, fmt.Errorf("%s has a MarshalJSON method: say what it writes with //golem:json <type> in its doc", d.goName))
		return
	}
	if st, ok := t.(*types.Struct); ok {
		d.fields = g.fields(st, fieldDocs, d.goName)
		return
	}
	if b, ok := t.(*types.Basic); ok {
		if d.values = g.constants(n); len(d.values) > 0 {
			d.alias = strings.Join(d.values, " | ")
			return
		}
		d.alias = basic(b)
		return
	}
	d.alias = g.ts(t)
}

// constants returns the values of n's constants, as TypeScript literals, in declaration order.
func (g *gen) constants(n *types.Named) []string {
	var cs []*types.Const
	scope := n.Obj().Pkg().Scope()
	for _, name := range scope.Names() {
		if c, ok := scope.Lookup(name).(*types.Const); ok && types.Identical(c.Type(), n) {
			cs = append(cs, c)
		}
	}
	slices.SortFunc(cs, func(a, b *types.Const) int { return g.order[a] - g.order[b] })
	var out []string
	for _, c := range cs {
		v := c.Val()
		if v.Kind() == constant.String {
			out = append(out, tsString(constant.StringVal(v)))
		} else {
			out = append(out, v.ExactString())
		}
	}
	return out
}

// marshals reports whether n or *n has a MarshalJSON method.
func marshals(n *types.Named) bool {
	ms := types.NewMethodSet(types.NewPointer(n))
	for i := range ms.Len() {
		if ms.At(i).Obj().Name() == "MarshalJSON" {
			return true
		}
	}
	return false
}

// fields lists st's JSON fields as encoding/json writes them.
func (g *gen) fields(st *types.Struct, docs map[string]string, owner string) []field {
	var out []field
	for i := range st.NumFields() {
		f := st.Field(i)
		tag := reflect.StructTag(st.Tag(i))
		jtag, hasTag := tag.Lookup("json")
		name, opts, _ := strings.Cut(jtag, ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Embedded() && name == "" {
			t := f.Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if n, ok := types.Unalias(t).(*types.Named); ok {
				if est, ok := n.Underlying().(*types.Struct); ok {
					var edocs map[string]string
					if td := g.docs[n.Obj()]; td != nil {
						edocs = td.fields
					}
					out = append(out, g.fields(est, edocs, owner)...)
					continue
				}
			}
		}
		if !f.Exported() {
			continue
		}
		if !hasTag || name == "" {
			name = f.Name()
		}
		optional := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		ts, ok := tag.Lookup("tstype")
		if !ok {
			t := f.Type()
			_, isPtr := types.Unalias(t).(*types.Pointer)
			switch {
			case strings.Contains(","+opts+",", ",string,"):
				ts = "string"
			case isPtr && !optional:
				ts = g.ts(t) + " | null"
			default:
				ts = g.ts(t)
			}
		}
		out = append(out, field{name: name, ts: ts, optional: optional, doc: docs[f.Name()]})
	}
	return out
}

// ts returns the TypeScript of t.
func (g *gen) ts(t types.Type) string {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		switch path := t.Obj().Pkg(); {
		case path != nil && path.Path() == "time" && t.Obj().Name() == "Time":
			return "string"
		case path != nil && path.Path() == "encoding/json" && t.Obj().Name() == "RawMessage":
			return "unknown"
		}
		if b, ok := t.Underlying().(*types.Basic); ok && len(g.constants(t)) == 0 && !marshals(t) {
			return basic(b)
		}
		if _, ok := t.Underlying().(*types.Interface); ok {
			return "unknown"
		}
		return g.ref(t)
	case *types.Basic:
		return basic(t)
	case *types.Pointer:
		return g.ts(t.Elem())
	case *types.Slice:
		if b, ok := t.Elem().(*types.Basic); ok && b.Kind() == types.Byte {
			return "string"
		}
		return array(g.ts(t.Elem()))
	case *types.Array:
		return array(g.ts(t.Elem()))
	case *types.Map:
		return "Record<string, " + g.ts(t.Elem()) + ">"
	case *types.Interface:
		return "unknown"
	case *types.Struct:
		var b strings.Builder
		b.WriteString("{ ")
		for i, f := range g.fields(t, nil, "") {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(prop(f))
		}
		b.WriteString(" }")
		return b.String()
	}
	g.errors = append(g.errors, fmt.Errorf("no TypeScript for %s", t))
	return "unknown"
}

func basic(b *types.Basic) string {
	switch {
	case b.Info()&types.IsBoolean != 0:
		return "boolean"
	case b.Info()&types.IsNumeric != 0:
		return "number"
	case b.Info()&types.IsString != 0:
		return "string"
	}
	return "unknown"
}

func array(elem string) string {
	if strings.ContainsAny(elem, " |") && !strings.HasPrefix(elem, "{") && !strings.HasPrefix(elem, "Record<") {
		return "(" + elem + ")[]"
	}
	return elem + "[]"
}

func prop(f field) string {
	name := f.name
	if !isIdent(name) {
		name = tsString(name)
	}
	if f.optional {
		return name + "?: " + f.ts
	}
	return name + ": " + f.ts
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r == '$' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

func tsString(s string) string {
	q := strconv.Quote(s)
	return "'" + strings.ReplaceAll(q[1:len(q)-1], "'", `\'`) + "'"
}

// tsDoc turns a Go doc comment into the TypeScript one: the Go name that starts it becomes
// the TypeScript name.
func tsDoc(doc, goName, tsName string) string {
	doc = strings.TrimSpace(doc)
	if rest, ok := strings.CutPrefix(doc, goName+" "); ok {
		doc = tsName + " " + rest
	}
	return doc
}

const header = `// Code generated by genapi from the Go types of package editor; DO NOT EDIT.
// The bodies of the editor's HTTP API (docs/EDITOR_API.md): change the Go types, then make generate.

`

func (g *gen) typescript(names []string) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	for i, name := range names {
		d := g.decls[name]
		if i > 0 {
			b.WriteByte('\n')
		}
		writeDoc(&b, "", d.doc)
		if d.fields == nil && d.alias != "" {
			fmt.Fprintf(&b, "export type %s = %s\n", d.name, d.alias)
			if len(d.values) > 0 {
				fmt.Fprintf(&b, "export const %sValues: %s[] = [%s]\n", d.name, d.name, strings.Join(d.values, ", "))
			}
			continue
		}
		fmt.Fprintf(&b, "export interface %s {\n", d.name)
		for _, f := range d.fields {
			writeDoc(&b, "  ", f.doc)
			fmt.Fprintf(&b, "  %s\n", prop(f))
		}
		b.WriteString("}\n")
	}
	return b.Bytes()
}

func writeDoc(b *bytes.Buffer, indent, doc string) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return
	}
	doc = strings.ReplaceAll(doc, "*/", "*\\/")
	lines := strings.Split(doc, "\n")
	if len(lines) == 1 {
		fmt.Fprintf(b, "%s/** %s */\n", indent, doc)
		return
	}
	fmt.Fprintf(b, "%s/**\n", indent)
	for _, l := range lines {
		fmt.Fprintf(b, "%s *%s\n", indent, strings.TrimRight(" "+l, " "))
	}
	fmt.Fprintf(b, "%s */\n", indent)
}

// Markers enclose the generated tables in docs/EDITOR_API.md.
const (
	beginMarker = "<!-- api types: generated by make generate from the Go types of package editor; do not edit -->"
	endMarker   = "<!-- end of api types -->"
)

func (g *gen) markdown(names []string) []byte {
	var b bytes.Buffer
	for _, name := range names {
		d := g.decls[name]
		fmt.Fprintf(&b, "\n#### %s\n\n", d.name)
		if d.doc != "" {
			b.WriteString(oneLine(d.doc) + "\n\n")
		}
		if d.fields == nil && d.alias != "" {
			if len(d.values) > 0 {
				fmt.Fprintf(&b, "One of %s.\n", strings.Join(codes(d.values), ", "))
			} else {
				fmt.Fprintf(&b, "`%s`\n", cell(d.alias))
			}
			continue
		}
		b.WriteString("| field | type | |\n|---|---|---|\n")
		for _, f := range d.fields {
			opt := ""
			if f.optional {
				opt = " (optional)"
			}
			fmt.Fprintf(&b, "| `%s`%s | `%s` | %s |\n", f.name, opt, cell(f.ts), cell(oneLine(f.doc)))
		}
	}
	return b.Bytes()
}

func codes(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "`" + strings.Trim(v, "'") + "`"
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// replaceTables puts tables between the markers of doc.
func replaceTables(doc, tables []byte) ([]byte, error) {
	begin := bytes.Index(doc, []byte(beginMarker))
	end := bytes.Index(doc, []byte(endMarker))
	if begin < 0 || end < begin {
		return nil, fmt.Errorf("want the lines %q and %q around the generated tables", beginMarker, endMarker)
	}
	var out bytes.Buffer
	out.Write(doc[:begin+len(beginMarker)])
	out.WriteByte('\n')
	out.Write(tables)
	out.WriteByte('\n')
	out.Write(doc[end:])
	return out.Bytes(), nil
}
