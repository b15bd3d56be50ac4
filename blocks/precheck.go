package blocks

import (
	"fmt"
	"go/ast"
	"go/token"
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
	funcs := map[string]bool{}    // package-level funcs
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				declared[d.Name.Name] = true
				funcs[d.Name.Name] = true
				if d.Type.TypeParams != nil && len(d.Type.TypeParams.List) > 0 {
					generic[d.Name.Name] = true
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
	ints := map[string]bool{} // local names bound to an int literal or len(...)
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && isIntExpr(n.Rhs[i], ints) {
						ints[id.Name] = true
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
