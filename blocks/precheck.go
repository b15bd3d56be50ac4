package blocks

import (
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"strconv"
	"strings"
)

// precheck finds Go syntax that yaegi v0.16.1 cannot run (it crashes on it or misreports it) so
// the user gets a clear error at the right line instead.
func precheck(fset *token.FileSet, f *ast.File) []error {
	var errs []error
	add := func(p token.Pos, format string, args ...any) {
		errs = append(errs, &PosError{Pos: fset.Position(p), Err: fmt.Errorf("%w: "+format, append([]any{ErrUnsupported}, args...)...)})
	}
	declared := map[string]bool{} // package-level funcs, vars, consts, types
	generic := map[string]bool{}  // package-level generic funcs
	genericDecl := map[string]*ast.FuncType{}
	funcs := map[string]bool{} // package-level funcs
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				declared[d.Name.Name] = true
				funcs[d.Name.Name] = true
				if d.Type.TypeParams != nil && len(d.Type.TypeParams.List) > 0 {
					generic[d.Name.Name] = true
					genericDecl[d.Name.Name] = d.Type
				}
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						declared[n.Name] = true
					}
				case *ast.TypeSpec:
					declared[sp.Name.Name] = true
				}
			}
		}
	}
	// A package-level var initialised by a generic call panics inside Eval.
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			for _, v := range vs.Values {
				ast.Inspect(v, func(n ast.Node) bool {
					if c, ok := n.(*ast.CallExpr); ok {
						if name := calleeName(c.Fun); generic[name] {
							add(c.Pos(), "a package-level variable cannot be initialised by the generic function %s; set it inside a function", name)
						}
					}
					return true
				})
			}
		}
	}
	ints := map[string]bool{}     // local names bound to an int literal or len(...)
	typed := map[string]bool{}    // local names declared with an explicit type (var xs []float64)
	defs := map[string]ast.Expr{} // local names set with := from one expression
	stdGeneric := stdGenericImports(f)
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			if n.Type != nil {
				for _, id := range n.Names {
					typed[id.Name] = true
				}
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && isIntExpr(n.Rhs[i], ints) {
						ints[id.Name] = true
					}
					if id, ok := l.(*ast.Ident); ok {
						defs[id.Name] = n.Rhs[i]
					}
				}
			}
		case *ast.RangeStmt:
			switch {
			case isIntExpr(n.X, ints):
				add(n.For, "range over an integer (Go 1.22) is not supported by the block interpreter; write for i := 0; i < n; i++")
			case isFuncExpr(n.X, funcs):
				add(n.For, "range over a function (Go 1.23 iterators) is not supported by the block interpreter; use a slice or a callback")
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && generic[id.Name] {
				if arg, ok := inferredFromValue(genericDecl[id.Name], n.Args, typed); ok {
					add(n.Pos(), "the generic function %s infers its type arguments from %s, which crashes the block interpreter (\"CFG post-order panic\"); write them out: %s", id.Name, exprString(fset, arg), explicitCall(fset, id.Name, genericDecl[id.Name], n, arg, defs))
				}
			}
			fun, ntargs := n.Fun, 0
			switch e := fun.(type) {
			case *ast.IndexExpr:
				fun, ntargs = e.X, 1
			case *ast.IndexListExpr:
				fun, ntargs = e.X, len(e.Indices)
			}
			if sel, ok := fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && stdGeneric[x.Name] != "" {
					if hint := stdGenericHint(stdGeneric[x.Name], sel.Sel.Name, ntargs); hint != "" {
						add(n.Pos(), "%s.%s: %s", x.Name, sel.Sel.Name, hint)
					}
				}
			}
			if id, ok := n.Fun.(*ast.Ident); ok && !declared[id.Name] {
				switch id.Name {
				case "min", "max":
					add(n.Pos(), "the builtin %s (Go 1.21) is not supported by the block interpreter; compare with if, or use math.Min/math.Max", id.Name)
				case "clear":
					add(n.Pos(), "the builtin clear (Go 1.21) is not supported by the block interpreter; make a new map or slice")
				}
			}
		}
		return true
	})
	return errs
}

func calleeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return calleeName(e.X)
	case *ast.IndexListExpr:
		return calleeName(e.X)
	}
	return ""
}

func isIntExpr(e ast.Expr, ints map[string]bool) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT
	case *ast.Ident:
		return ints[e.Name]
	case *ast.ParenExpr:
		return isIntExpr(e.X, ints)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			switch id.Name {
			case "len", "cap", "int", "int64", "int32", "uint":
				return true
			}
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM:
			return isIntExpr(e.X, ints) || isIntExpr(e.Y, ints)
		}
	}
	return false
}

func isFuncExpr(e ast.Expr, funcs map[string]bool) bool {
	switch e := e.(type) {
	case *ast.FuncLit:
		return true
	case *ast.Ident:
		return funcs[e.Name]
	case *ast.SelectorExpr:
		// maps.Keys, slices.Values and friends return iterators.
		if x, ok := e.X.(*ast.Ident); ok && (x.Name == "maps" || x.Name == "slices") {
			return true
		}
	case *ast.CallExpr:
		return isFuncExpr(e.Fun, funcs) && isIterCall(e.Fun)
	}
	return false
}

func isIterCall(e ast.Expr) bool {
	if s, ok := e.(*ast.SelectorExpr); ok {
		if x, ok := s.X.(*ast.Ident); ok && (x.Name == "maps" || x.Name == "slices") {
			switch s.Sel.Name {
			case "Keys", "Values", "All", "Backward":
				return true
			}
		}
	}
	return false
}

// inferredFromValue reports the first argument of a call to a generic
// function (declared as ft) without explicit type arguments whose parameter
// holds a type parameter inside a composite type ([]T, map[K]V, *T, ...) and
// whose type is not written in the call: yaegi v0.16.1 cannot infer the type
// arguments from such a value (a slice a compiled frame method returns, or a
// variable set from one) and panics while compiling the file.
func inferredFromValue(ft *ast.FuncType, args []ast.Expr, typed map[string]bool) (ast.Expr, bool) {
	if ft == nil || ft.TypeParams == nil {
		return nil, false
	}
	tparams := map[string]bool{}
	for _, f := range ft.TypeParams.List {
		for _, n := range f.Names {
			tparams[n.Name] = true
		}
	}
	i := 0
	for _, p := range ft.Params.List {
		n := max(len(p.Names), 1)
		for k := 0; k < n; k++ {
			if i >= len(args) {
				return nil, false
			}
			if nestsTypeParam(p.Type, tparams) && !typeWritten(args[i], typed) {
				return args[i], true
			}
			i++
		}
	}
	return nil, false
}

// nestsTypeParam reports whether t uses a type parameter inside another type.
func nestsTypeParam(t ast.Expr, tparams map[string]bool) bool {
	if _, isIdent := t.(*ast.Ident); isIdent {
		return false
	}
	found := false
	ast.Inspect(t, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && tparams[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// typeWritten reports whether the type of e is spelled out where it is
// made: a composite literal, a conversion to a slice or map type, make or
// new, or a variable declared with its type.
func typeWritten(e ast.Expr, typed map[string]bool) bool {
	switch e := e.(type) {
	case *ast.CompositeLit:
		return true
	case *ast.ParenExpr:
		return typeWritten(e.X, typed)
	case *ast.Ident:
		return typed[e.Name]
	case *ast.UnaryExpr:
		return e.Op == token.AND && typeWritten(e.X, typed)
	case *ast.CallExpr:
		switch fn := e.Fun.(type) {
		case *ast.ArrayType, *ast.MapType:
			return true
		case *ast.Ident:
			return fn.Name == "make" || fn.Name == "new"
		}
	}
	return false
}

// explicitCall suggests the call with its type arguments written out,
// guessing them from frame's typed accessors (Floats, Ints, Strings, Bools).
func explicitCall(fset *token.FileSet, name string, ft *ast.FuncType, call *ast.CallExpr, arg ast.Expr, defs map[string]ast.Expr) string {
	targ := "T"
	if id, ok := arg.(*ast.Ident); ok && defs[id.Name] != nil {
		arg = defs[id.Name]
	}
	if c, ok := arg.(*ast.CallExpr); ok {
		if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
			switch sel.Sel.Name {
			case "Floats":
				targ = "float64"
			case "Ints":
				targ = "int64"
			case "Strings", "Columns":
				targ = "string"
			case "Bools", "Valid":
				targ = "bool"
			}
		}
	}
	if n := ft.TypeParams.NumFields(); n > 1 {
		targ = "..."
	}
	args := make([]string, len(call.Args))
	for i, a := range call.Args {
		args[i] = exprString(fset, a)
	}
	return fmt.Sprintf("%s[%s](%s)", name, targ, strings.Join(args, ", "))
}

func exprString(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	if err := printer.Fprint(&b, fset, e); err != nil {
		return "the argument"
	}
	s := b.String()
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// stdGenericImports maps the local names of the imports of slices and maps
// to their paths.
func stdGenericImports(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if p != "slices" && p != "maps" {
			continue
		}
		name := p
		if im.Name != nil {
			name = im.Name.Name
		}
		out[name] = p
	}
	return out
}

// stdGenericHint says why a function of slices or maps does not run in the
// block interpreter (yaegi v0.16.1 compiles them from its own generic
// sources, and most fail there), and what to write instead; "" when it runs.
func stdGenericHint(pkg, fn string, ntargs int) string {
	if pkg == "maps" {
		switch fn {
		case "Keys", "Values", "All", "Collect", "Insert":
			return "iterators (Go 1.23) are not supported by the block interpreter; loop over the map with for k, v := range m"
		}
		return "the block interpreter cannot instantiate the maps package's generic functions; loop over the map with for k, v := range m"
	}
	switch fn {
	case "Sort", "SortFunc", "SortStableFunc":
		return "not available in the block interpreter; use sort.Float64s, sort.Ints, sort.Strings or sort.Slice (or frame's Sort on a frame)"
	case "IsSorted", "IsSortedFunc":
		return "not available in the block interpreter; use sort.Float64sAreSorted, sort.IntsAreSorted or sort.SliceIsSorted"
	case "Min", "MinFunc", "Max", "MaxFunc":
		return "not available in the block interpreter; use a loop, or frame.NewFloats(\"x\", xs).Min() / .Max()"
	case "BinarySearch", "BinarySearchFunc":
		return "not available in the block interpreter; use sort.SearchFloat64s, sort.SearchInts, sort.SearchStrings or sort.Search"
	case "All", "Values", "Backward", "Collect", "AppendSeq", "Sorted", "SortedFunc", "SortedStableFunc", "Chunk", "Repeat":
		return "iterators (Go 1.23) are not supported by the block interpreter; use a for loop over the slice"
	case "Index", "IndexFunc", "Contains", "ContainsFunc":
		return ""
	}
	if ntargs >= 2 { // slices.Clone[[]float64, float64](xs) runs
		return ""
	}
	return fmt.Sprintf("the block interpreter cannot infer this function's type arguments (\"undefined type for E\"); write both of them, as slices.%s[[]float64, float64](...), or use a loop", fn)
}
