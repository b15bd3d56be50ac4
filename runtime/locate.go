package runtime

import (
	"go/ast"
	"go/token"
	"strconv"
)

// yaegi v0.16.1 reports every panic at the first statement of the panicking function (runCfg
// passes a shadowed, always-nil exec to originalExecNode). To report the user's real line, the
// block's AST is instrumented before compilation: each statement that can panic first stores its
// position through a pointer the host owns (*golemrun.Pos = <token.Pos>). Statements that cannot
// panic (i++, s += x on plain variables, declarations without calls) are left alone, so tight
// interpreted loops pay only for the statements that can fail.

// locateAlias is the name the instrumented file imports the per-run package under.
const locateAlias = "golemrun"

// instrument inserts position markers into the function bodies of f. It reports whether it
// inserted any (the per-run package is imported only then).
func instrument(f *ast.File) bool {
	any := false
	mark := func(s ast.Stmt) ast.Stmt {
		any = true
		return &ast.AssignStmt{
			Lhs: []ast.Expr{&ast.StarExpr{X: &ast.SelectorExpr{X: ast.NewIdent(locateAlias), Sel: ast.NewIdent("Pos")}}},
			Tok: token.ASSIGN,
			Rhs: []ast.Expr{&ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(int(s.Pos()))}},
		}
	}
	markList := func(list []ast.Stmt) []ast.Stmt {
		out := make([]ast.Stmt, 0, len(list)*2)
		for _, s := range list {
			if mayPanic(s) {
				out = append(out, mark(s))
			}
			out = append(out, s)
		}
		return out
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			n.List = markList(n.List)
		case *ast.CaseClause:
			n.Body = markList(n.Body)
		case *ast.CommClause:
			n.Body = markList(n.Body)
		}
		return true
	})
	if any {
		imp := &ast.ImportSpec{Name: ast.NewIdent(locateAlias), Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(runPkg)}}
		f.Imports = append(f.Imports, imp)
		f.Decls = append([]ast.Decl{&ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{imp}}}, f.Decls...)
	}
	return any
}

// mayPanic reports whether evaluating the statement's own expressions (not nested blocks) can panic.
func mayPanic(s ast.Stmt) bool {
	var parts []ast.Node
	switch s := s.(type) {
	case *ast.BlockStmt, *ast.BranchStmt, *ast.EmptyStmt, *ast.LabeledStmt:
		return false
	case *ast.IfStmt:
		parts = []ast.Node{s.Init, s.Cond}
	case *ast.ForStmt:
		parts = []ast.Node{s.Init, s.Cond}
	case *ast.RangeStmt:
		parts = []ast.Node{s.X}
	case *ast.SwitchStmt:
		parts = []ast.Node{s.Init, s.Tag}
	case *ast.TypeSwitchStmt:
		parts = []ast.Node{s.Init, s.Assign}
	case *ast.SelectStmt:
		return false
	case *ast.SendStmt, *ast.GoStmt, *ast.DeferStmt:
		return true
	default:
		parts = []ast.Node{s}
	}
	found := false
	for _, p := range parts {
		if p == nil || found {
			continue
		}
		ast.Inspect(p, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false // its body is instrumented on its own
			case *ast.CallExpr, *ast.IndexExpr, *ast.IndexListExpr, *ast.SliceExpr, *ast.StarExpr,
				*ast.TypeAssertExpr, *ast.SelectorExpr:
				found = true
			case *ast.BinaryExpr:
				switch n.Op {
				case token.QUO, token.REM, token.SHL, token.SHR:
					found = true
				}
			case *ast.AssignStmt:
				switch n.Tok {
				case token.QUO_ASSIGN, token.REM_ASSIGN, token.SHL_ASSIGN, token.SHR_ASSIGN:
					found = true
				}
			}
			return !found
		})
	}
	return found
}
