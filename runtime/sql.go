package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/runtime/duck"
)

// sqlShare is the part of a run's memory limit DuckDB may use: the rest is the worker's own (the
// frames handed over, the Go heap), and crossing the limit kills the whole run.
const sqlShare = 0.6

// openSQL starts the DuckDB a block's SQL runs on, with the block's inputs as tables named after
// their upstreams. Spill files go under the project's .golem/tmp and are removed by close.
func (r *Runner) openSQL(ctx context.Context, x *execution, n *Node, inputs []any) (db *duck.DB, closeDB func(), err error) {
	plan := x.plan
	tmp := filepath.Join(plan.Project.Dir, ".golem", "tmp", "duckdb", x.runID+"-"+n.Name())
	db, err = duck.Open(ctx, duck.Options{
		Dir:         plan.Project.Dir,
		TempDir:     tmp,
		MemoryLimit: int64(float64(r.o.MemoryLimit) * sqlShare),
	})
	if err != nil {
		return nil, nil, err
	}
	closeDB = func() {
		_ = db.Close()
		_ = os.RemoveAll(tmp)
	}
	for i, u := range inputsOf(n) {
		f, ok := inputs[i].(*frame.Frame)
		if !ok || f == nil {
			closeDB()
			return nil, nil, fmt.Errorf("upstream %q gave %T, not a *frame.Frame: SQL reads only frames as tables", u.Name(), inputs[i])
		}
		db.Add(u.Name(), f)
	}
	return db, closeDB, nil
}

// attemptSQL runs a SQL block once: its statements in order, the last one's result its output.
func (r *Runner) attemptSQL(ctx context.Context, x *execution, n *Node, inputs []any, log func(string)) (any, error) {
	if n.Source.Connection != "" {
		return r.attemptPostgres(ctx, x, n, inputs, log)
	}
	db, closeDB, err := r.openSQL(ctx, x, n, inputs)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	if n.Source.Kind == blocks.DataExporter {
		// COPY … TO 'output/…' does not create folders, and output/ is not in a fresh clone.
		if err := os.MkdirAll(filepath.Join(x.plan.Project.Dir, "output"), 0o755); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	out, err := db.Run(ctx, duck.Script{File: n.Source.File, Text: string(n.Code)}, sqlVars(x.plan))
	if err != nil {
		return nil, sqlBlockError(n, err)
	}
	rows, cols := out.Shape()
	log(fmt.Sprintf("DuckDB: %d rows × %d columns in %s", rows, cols, time.Since(start).Round(time.Millisecond)))
	return out, nil
}

// sqlHook gives a Go block ctx.SQL: a DuckDB opened at the first call, with the block's inputs as
// tables, closed by the returned func when the attempt ends.
func (r *Runner) sqlHook(x *execution, n *Node, inputs []any) (hook func(context.Context, string, []any) (*frame.Frame, error), closeAll func()) {
	var (
		mu      sync.Mutex
		db      *duck.DB
		closeDB func()
	)
	hook = func(ctx context.Context, query string, args []any) (*frame.Frame, error) {
		mu.Lock()
		defer mu.Unlock()
		if db == nil {
			var err error
			if db, closeDB, err = r.openSQL(ctx, x, n, inputs); err != nil {
				return nil, err
			}
		}
		return db.Run(ctx, duck.Script{File: "ctx.SQL", Text: query}, sqlVars(x.plan), args...)
	}
	closeAll = func() {
		mu.Lock()
		defer mu.Unlock()
		if closeDB != nil {
			closeDB()
		}
	}
	return hook, closeAll
}

// sqlVars are the run's variables typed by their declarations, for binding as $name.
func sqlVars(plan *Plan) map[string]any {
	out := make(map[string]any, len(plan.Vars))
	for k, v := range plan.Vars {
		out[k] = v
		decl, ok := plan.Pipeline.Variables.Get(k)
		if !ok {
			continue
		}
		s := strings.TrimSpace(v)
		switch decl.Type {
		case "int":
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				out[k] = i
			}
		case "float":
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				out[k] = f
			}
		case "bool":
			if b, err := strconv.ParseBool(s); err == nil {
				out[k] = b
			}
		}
	}
	return out
}

// sqlBlockError places a DuckDB error at its file position in the block.
func sqlBlockError(n *Node, err error) error {
	var pe *blocks.PosError
	if errors.As(err, &pe) {
		return &BlockError{Block: n.Name(), File: n.Source.File, Line: pe.Pos.Line, Col: pe.Pos.Column, Message: pe.Err.Error(), Err: err}
	}
	return err
}
