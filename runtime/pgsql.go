package runtime

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/conn"
	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/runtime/duck"
)

// attemptPostgres runs a SQL block whose header names a PostgreSQL profile on that server: each
// upstream frame becomes a temporary table named after its block (COPY), the statements run in
// order with the run's variables bound as $name, and the last one's rows are the output.
func (r *Runner) attemptPostgres(ctx context.Context, x *execution, n *Node, inputs []any, log func(string)) (any, error) {
	src := n.Source
	at := func(line, col int, err error) error {
		return &BlockError{Block: n.Name(), File: src.File, Line: line, Col: col, Message: err.Error(), Err: err}
	}
	bctx := blocks.NewContext(blocks.ContextOptions{
		Context: ctx, Vars: x.plan.Vars, Log: log, ProjectDir: x.plan.Project.Dir,
		ExecutionTime: x.plan.executionTime(), Pipeline: x.plan.Pipeline.Name, Block: n.Name(), RunID: x.runID,
	})
	db, err := conn.Postgres(bctx, src.Connection)
	if err != nil {
		return nil, at(src.ConnectionLine, 1, err)
	}
	defer db.Close()
	for i, u := range inputsOf(n) {
		f, ok := inputs[i].(*frame.Frame)
		if !ok || f == nil {
			return nil, at(src.ConnectionLine, 1, fmt.Errorf("upstream %q gave %T, not a *frame.Frame: SQL reads only frames as tables", u.Name(), inputs[i]))
		}
		if _, err := db.Write(f, u.Name(), conn.Temp); err != nil {
			return nil, at(src.ConnectionLine, 1, err)
		}
	}
	stmts := duck.Split(string(n.Code))
	vars := sqlVars(x.plan)
	start := time.Now()
	var out *frame.Frame
	for i, st := range stmts {
		text, args, err := bindNames(st.Text, vars)
		if err != nil {
			return nil, at(st.Line, st.Col, err)
		}
		if i < len(stmts)-1 {
			_, err = db.Exec(text, args...)
		} else {
			out, err = db.Query(text, args...)
		}
		if err != nil {
			return nil, at(st.Line, st.Col, err)
		}
	}
	if out == nil {
		return nil, at(1, 1, fmt.Errorf("no SQL statement"))
	}
	rows, cols := out.Shape()
	log(fmt.Sprintf("PostgreSQL %s: %d rows × %d columns in %s", src.Connection, rows, cols, time.Since(start).Round(time.Millisecond)))
	return out, nil
}

// bindNames turns each $name of stmt (outside strings, quoted identifiers, comments and
// dollar-quoted text) into a positional $k, and returns the values in order. An unknown name is
// an error naming the variables; so is a positional $1, which a SQL block has nothing to bind to.
func bindNames(stmt string, vars map[string]any) (string, []any, error) {
	var b strings.Builder
	var args []any
	index := map[string]int{}
	isIdent := func(c byte, first bool) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
	}
	skipTo := func(i int, end string) int {
		j := strings.Index(stmt[i:], end)
		if j < 0 {
			return len(stmt)
		}
		return i + j + len(end)
	}
	for i := 0; i < len(stmt); {
		c := stmt[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(stmt) {
				if stmt[j] == c {
					if j+1 < len(stmt) && stmt[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			j = min(j+1, len(stmt))
			b.WriteString(stmt[i:j])
			i = j
		case strings.HasPrefix(stmt[i:], "--"):
			j := skipTo(i, "\n")
			b.WriteString(stmt[i:j])
			i = j
		case strings.HasPrefix(stmt[i:], "/*"):
			j := skipTo(i, "*/")
			b.WriteString(stmt[i:j])
			i = j
		case c == '$' && i+1 < len(stmt) && stmt[i+1] >= '0' && stmt[i+1] <= '9':
			return "", nil, fmt.Errorf("%w: positional parameter $%c: a SQL block binds the run's variables by name ($months)", duck.ErrVariable, stmt[i+1])
		case c == '$':
			j := i + 1
			for j < len(stmt) && isIdent(stmt[j], j == i+1) {
				j++
			}
			if j < len(stmt) && stmt[j] == '$' { // $tag$ … $tag$ (or $$ … $$): dollar-quoted text
				tag := stmt[i : j+1]
				end := skipTo(j+1, tag)
				b.WriteString(stmt[i:end])
				i = end
				continue
			}
			name := stmt[i+1 : j]
			if name == "" {
				b.WriteByte(c)
				i++
				continue
			}
			k, ok := index[name]
			if !ok {
				v, known := vars[name]
				if !known {
					names := slices.Sorted(maps.Keys(vars))
					return "", nil, fmt.Errorf("%w $%s (variables: %s)", duck.ErrVariable, name, strings.Join(names, ", "))
				}
				args = append(args, v)
				k = len(args)
				index[name] = k
			}
			b.WriteString("$" + strconv.Itoa(k))
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), args, nil
}
