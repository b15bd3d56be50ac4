package runtime

import (
	"go/ast"
	"go/token"
)

// hoistIndexStores works around a yaegi v0.16.1 bug: `m[k] = <unary or binary expression>` where m
// holds interface values and comes from compiled code (a field of a blocks/ml or frame value)
// silently abandons the enclosing function, which then returns zero values without an error. The
// same store through a temporary works, so such statements are rewritten to
// `{ tmp := expr; m[k] = tmp }` before compilation. Expressions made only of constants are left
// alone, so an untyped constant keeps the map's element type.
func hoistIndexStores(f *ast.File) {
	rewrite := func(list []ast.Stmt) {
		for i, s := range list {
			as, ok := s.(*ast.AssignStmt)
			if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
				continue
			}
			if _, ok := as.Lhs[0].(*ast.IndexExpr); !ok {
				continue
			}
			switch as.Rhs[0].(type) {
			case *ast.BinaryExpr, *ast.UnaryExpr:
			default:
				continue
			}
			if constantOnly(as.Rhs[0]) {
				continue
			}
			tmp := ast.NewIdent("golemStoreTmp")
			list[i] = &ast.BlockStmt{Lbrace: as.Pos(), List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{tmp}, TokPos: as.TokPos, Tok: token.DEFINE, Rhs: as.Rhs},
				&ast.AssignStmt{Lhs: as.Lhs, TokPos: as.TokPos, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(tmp.Name)}},
			}, Rbrace: as.End()}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			rewrite(n.List)
		case *ast.CaseClause:
			rewrite(n.Body)
		case *ast.CommClause:
			rewrite(n.Body)
		}
		return true
	})
}

// constantOnly reports whether e contains no identifiers other than true, false and nil, and no calls.
func constantOnly(e ast.Expr) bool {
	only := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if n.Name != "true" && n.Name != "false" && n.Name != "iota" {
				only = false
			}
		case *ast.CallExpr, *ast.SelectorExpr, *ast.IndexExpr:
			only = false
		}
		return only
	})
	return only
}
