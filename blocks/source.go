package blocks

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// ModulePath is the import path prefix of the packages block code may import from Golem.
const ModulePath = "github.com/golemlabs/golem/blocks"

// UtilsPrefix is the import path prefix of a project's shared packages (folder utils/ of the project).
const UtilsPrefix = "utils/"

// Source is a parsed block file: its package, imports and entry function signature.
type Source struct {
	File    string // path relative to the project, used in every position
	Package string
	Kind    Kind
	Imports []string // import paths
	Entry   *Func    // nil for markdown blocks
	Test    *Func    // the optional Test function
	SQL     bool     // a .sql file, run by DuckDB (ParseSQL); Entry is its implied signature
	// Connection is a SQL block's PostgreSQL profile, from its header line "-- connection: NAME":
	// the block runs on that server instead of DuckDB. ConnectionLine is the header's line.
	Connection     string
	ConnectionLine int
}

// Func is the signature of a block function, with types spelled as in the source (Display) and
// resolved to full import paths (Key) for comparison across blocks.
type Func struct {
	Name    string
	Pos     token.Position
	Params  []Type // without the leading *blocks.Context
	Results []Type // without a trailing error
	HasCtx  bool
}

// Type is a Go type expression in a block signature.
type Type struct {
	Display string // as written: *frame.Frame
	Key     string // resolved: *github.com/golemlabs/golem/blocks/frame.Frame
	Pos     token.Position
}

// IsAny reports whether t is the empty interface, which accepts any upstream output.
func (t Type) IsAny() bool { return t.Key == "any" }

// Output returns the type of the value the entry function returns, or nil when it returns only an error.
func (s *Source) Output() *Type {
	if s.Entry == nil || len(s.Entry.Results) == 0 {
		return nil
	}
	return &s.Entry.Results[0]
}

// PosError is an error at a position in a block file; its message starts with file:line:col.
type PosError struct {
	Pos token.Position
	Err error
}

func (e *PosError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %v", e.Pos.Filename, e.Pos.Line, e.Pos.Column, e.Err)
}

func (e *PosError) Unwrap() error { return e.Err }

// ParseSource parses and pre-checks the block file named file (relative to the project) of kind k.
// It reports, all at once and each with its position, syntax errors, imports a block may not use,
// Go syntax the interpreter cannot run, and an entry function of the wrong shape.
func ParseSource(file string, src []byte, k Kind) (*Source, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	s := &Source{File: file, Package: f.Name.Name, Kind: k}
	var errs []error
	add := func(p token.Pos, format string, args ...any) {
		errs = append(errs, &PosError{Pos: fset.Position(p), Err: fmt.Errorf(format, args...)})
	}
	imports := map[string]string{} // local name -> path
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		s.Imports = append(s.Imports, p)
		name := path.Base(p)
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = p
		if !importAllowed(p) {
			add(im.Pos(), "import %q is not allowed in a block: use the standard library, %s/... or the project's %s packages", p, ModulePath, UtilsPrefix)
		}
	}
	errs = append(errs, precheck(fset, f)...)

	if entry := k.Entry(); entry != "" {
		found := false
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil {
				continue
			}
			switch fd.Name.Name {
			case entry:
				found = true
				fn, err := signature(fset, fd, imports, true)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				s.Entry = fn
			case "Test":
				fn, err := signature(fset, fd, imports, true)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				s.Test = fn
			}
		}
		if s.Entry == nil && !found {
			add(f.Name.Pos(), "%w: a %s block needs func %s", ErrNoEntry, k, entryShape(k))
		} else if s.Entry != nil {
			errs = append(errs, checkShape(s)...)
		}
	}
	if len(errs) > 0 {
		return s, errors.Join(errs...)
	}
	return s, nil
}

// CheckPackageFile parses and pre-checks a Go file of a project's shared
// package (file relative to the project, as utils/cleaning/nulls.go): syntax
// errors, imports a block may not use, and Go syntax the interpreter cannot
// run, all at once, each at its position in that file.
func CheckPackageFile(file string, src []byte) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	var errs []error
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if !importAllowed(p) {
			errs = append(errs, &PosError{Pos: fset.Position(im.Pos()), Err: fmt.Errorf("import %q is not allowed in a project package: use the standard library, %s/... or the project's %s packages", p, ModulePath, UtilsPrefix)})
		}
	}
	return errors.Join(append(errs, precheck(fset, f)...)...)
}

func importAllowed(p string) bool {
	if p == ModulePath || strings.HasPrefix(p, ModulePath+"/") || strings.HasPrefix(p, UtilsPrefix) {
		return true
	}
	first, _, _ := strings.Cut(p, "/")
	if strings.Contains(first, ".") {
		return false
	}
	switch p {
	case "os/exec", "unsafe", "syscall", "plugin", "runtime/debug":
		return false
	}
	return true
}

func entryShape(k Kind) string {
	switch k {
	case DataLoader:
		return "Load(ctx *blocks.Context) (T, error)"
	case Transformer:
		return "Transform(ctx *blocks.Context, in1 T1, ...) (T, error)"
	case DataExporter:
		return "Export(ctx *blocks.Context, in1 T1, ...) error"
	case Custom:
		return "Run(ctx *blocks.Context, in1 T1, ...) (T, error)"
	case Sensor:
		return "Sense(ctx *blocks.Context) (bool, error)"
	}
	return ""
}

func checkShape(s *Source) []error {
	fn := s.Entry
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, &PosError{Pos: fn.Pos, Err: fmt.Errorf(format, args...)})
	}
	if !fn.HasCtx {
		bad("%s must take *blocks.Context as its first parameter: func %s", fn.Name, entryShape(s.Kind))
	}
	if !s.Kind.TakesInputs() && len(fn.Params) > 0 {
		bad("a %s block takes no inputs: func %s", s.Kind, entryShape(s.Kind))
	}
	switch s.Kind {
	case DataLoader, Transformer, Custom:
		if len(fn.Results) != 1 {
			bad("%s must return a value and an error: func %s", fn.Name, entryShape(s.Kind))
		}
	case Sensor:
		if len(fn.Results) != 1 || fn.Results[0].Key != "bool" {
			bad("Sense must return (bool, error)")
		}
	case DataExporter:
		if len(fn.Results) > 1 {
			bad("Export must return error or (T, error)")
		}
	}
	if t := s.Test; t != nil && (t.HasCtx || len(t.Params) > 1 || len(t.Results) > 0) {
		errs = append(errs, &PosError{Pos: t.Pos, Err: errors.New("Test takes only the block's output and returns an error: func Test(out T) error")})
	}
	return errs
}

// signature extracts a function's parameter and result types. The last result must be error.
func signature(fset *token.FileSet, fd *ast.FuncDecl, imports map[string]string, withCtx bool) (*Func, error) {
	fn := &Func{Name: fd.Name.Name, Pos: fset.Position(fd.Name.Pos())}
	if fd.Type.TypeParams != nil && len(fd.Type.TypeParams.List) > 0 {
		return nil, &PosError{Pos: fn.Pos, Err: fmt.Errorf("%s cannot be generic", fn.Name)}
	}
	for i, field := range fd.Type.Params.List {
		t := typeOf(fset, field.Type, imports)
		if _, ok := field.Type.(*ast.Ellipsis); ok {
			return nil, &PosError{Pos: t.Pos, Err: fmt.Errorf("%s cannot be variadic", fn.Name)}
		}
		n := len(field.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			if withCtx && i == 0 && !fn.HasCtx && len(fn.Params) == 0 && t.Key == "*"+ModulePath+".Context" {
				fn.HasCtx = true
				continue
			}
			fn.Params = append(fn.Params, t)
		}
	}
	if fd.Type.Results != nil {
		for _, field := range fd.Type.Results.List {
			t := typeOf(fset, field.Type, imports)
			n := len(field.Names)
			if n == 0 {
				n = 1
			}
			for range n {
				fn.Results = append(fn.Results, t)
			}
		}
	}
	if len(fn.Results) == 0 || fn.Results[len(fn.Results)-1].Key != "error" {
		return nil, &PosError{Pos: fn.Pos, Err: fmt.Errorf("%s must return error as its last result", fn.Name)}
	}
	fn.Results = fn.Results[:len(fn.Results)-1]
	return fn, nil
}

func typeOf(fset *token.FileSet, e ast.Expr, imports map[string]string) Type {
	var b bytes.Buffer
	_ = printer.Fprint(&b, fset, e)
	return Type{Display: b.String(), Key: typeKey(e, imports), Pos: fset.Position(e.Pos())}
}

// typeKey spells a type expression with package names replaced by import paths.
func typeKey(e ast.Expr, imports map[string]string) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		if x, ok := t.X.(*ast.Ident); ok {
			if p, ok := imports[x.Name]; ok {
				return p + "." + t.Sel.Name
			}
			return x.Name + "." + t.Sel.Name
		}
	case *ast.StarExpr:
		return "*" + typeKey(t.X, imports)
	case *ast.ArrayType:
		if t.Len == nil {
			return "[]" + typeKey(t.Elt, imports)
		}
		if l, ok := t.Len.(*ast.BasicLit); ok {
			return "[" + l.Value + "]" + typeKey(t.Elt, imports)
		}
		return "[?]" + typeKey(t.Elt, imports)
	case *ast.MapType:
		return "map[" + typeKey(t.Key, imports) + "]" + typeKey(t.Value, imports)
	case *ast.InterfaceType:
		if t.Methods == nil || len(t.Methods.List) == 0 {
			return "any"
		}
	case *ast.Ellipsis:
		return "..." + typeKey(t.Elt, imports)
	case *ast.ParenExpr:
		return typeKey(t.X, imports)
	}
	var b bytes.Buffer
	_ = printer.Fprint(&b, token.NewFileSet(), e)
	return b.String()
}
