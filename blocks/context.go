package blocks

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
)

// Context is what a block's entry function receives: the run's variables, a logger whose lines
// stream to the editor and the run log, cancellation, the project directory and the execution time.
type Context struct {
	ctx      context.Context
	vars     map[string]string
	log      func(line string)
	dir      string
	execTime time.Time
	pipeline string
	block    string
	runID    string
	sql      func(ctx context.Context, query string, args []any) (*frame.Frame, error)

	tracker     Tracker
	trialParams map[string]any
}

// ContextOptions configures a Context; the runtime builds one per block run.
type ContextOptions struct {
	Context       context.Context
	Vars          map[string]string
	Log           func(line string)
	ProjectDir    string
	ExecutionTime time.Time
	Pipeline      string
	Block         string
	RunID         string
	// SQL runs ctx.SQL; nil means SQL is not available to the block.
	SQL func(ctx context.Context, query string, args []any) (*frame.Frame, error)
	// Tracker receives what the block logs (parameters, metrics, artifacts, models) and resolves
	// registered models; nil logs nothing.
	Tracker Tracker
	// TrialParams are the parameters of the search trial the block runs as, nil outside a trial.
	TrialParams map[string]any
}

// NewContext returns a Context for one block run.
func NewContext(o ContextOptions) *Context {
	c := &Context{
		ctx: o.Context, vars: o.Vars, log: o.Log, dir: o.ProjectDir, execTime: o.ExecutionTime,
		pipeline: o.Pipeline, block: o.Block, runID: o.RunID, sql: o.SQL,
		tracker: o.Tracker, trialParams: o.TrialParams,
	}
	if c.ctx == nil {
		c.ctx = context.Background()
	}
	if c.vars == nil {
		c.vars = map[string]string{}
	}
	if c.log == nil {
		c.log = func(string) {}
	}
	if c.execTime.IsZero() {
		c.execTime = time.Now()
	}
	return c
}

// String returns the variable name, or def when the run does not set it.
func (c *Context) String(name, def string) string {
	if v, ok := c.vars[name]; ok {
		return v
	}
	return def
}

// Int returns the variable name as an int, or def when the run does not set it. A value that is not
// an integer panics with an error naming the variable; the block fails at the caller's line.
func (c *Context) Int(name string, def int) int {
	v, ok := c.vars[name]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		panic(fmt.Errorf("%w: variable %q: %q is not an int", ErrBadVariable, name, v))
	}
	return n
}

// Float returns the variable name as a float64, or def when the run does not set it. A value that is
// not a number panics with an error naming the variable.
func (c *Context) Float(name string, def float64) float64 {
	v, ok := c.vars[name]
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		panic(fmt.Errorf("%w: variable %q: %q is not a float", ErrBadVariable, name, v))
	}
	return f
}

// Bool returns the variable name as a bool, or def when the run does not set it. A value that is not
// a boolean panics with an error naming the variable.
func (c *Context) Bool(name string, def bool) bool {
	v, ok := c.vars[name]
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		panic(fmt.Errorf("%w: variable %q: %q is not a bool", ErrBadVariable, name, v))
	}
	return b
}

// Vars returns a copy of the run's variables.
func (c *Context) Vars() map[string]string {
	m := make(map[string]string, len(c.vars))
	for k, v := range c.vars {
		m[k] = v
	}
	return m
}

// Logf writes a formatted line to the block's log.
func (c *Context) Logf(format string, args ...any) {
	c.emit(fmt.Sprintf(format, args...))
}

// Log writes its arguments, separated by spaces, as a line of the block's log.
func (c *Context) Log(args ...any) {
	c.emit(strings.TrimSuffix(fmt.Sprintln(args...), "\n"))
}

func (c *Context) emit(s string) {
	for _, line := range strings.Split(s, "\n") {
		c.log(line)
	}
}

// Context returns the run's context.Context; it is cancelled when the run is cancelled or the block
// times out.
func (c *Context) Context() context.Context { return c.ctx }

// Err returns a non-nil error once the run is cancelled or the block has timed out.
func (c *Context) Err() error { return c.ctx.Err() }

// ProjectDir returns the absolute path of the project directory.
func (c *Context) ProjectDir() string { return c.dir }

// Path returns rel joined to the project directory; absolute paths and URLs are returned unchanged.
func (c *Context) Path(rel string) string {
	if filepath.IsAbs(rel) || strings.Contains(rel, "://") {
		return rel
	}
	return filepath.Join(c.dir, rel)
}

// ExecutionTime returns the time the run is for: the scheduled time for scheduled runs, the start
// time otherwise.
func (c *Context) ExecutionTime() time.Time { return c.execTime }

// Pipeline returns the name of the running pipeline.
func (c *Context) Pipeline() string { return c.pipeline }

// Block returns the name of the running block.
func (c *Context) Block() string { return c.block }

// RunID returns the identifier of the run.
func (c *Context) RunID() string { return c.runID }

// SQL runs query on an embedded DuckDB and returns its last statement's result. The block's inputs
// are tables named after their upstream blocks, the run's variables are named parameters ($name),
// args fill positional ones (? or $1), and relative paths are the project's:
//
//	f, err := ctx.SQL("SELECT t.*, z.borough FROM trips t LEFT JOIN zones z ON t.PULocationID = z.id WHERE t.fare > ?", 2.5)
//
// Values are bound, never spliced into the text, so a value holding a quote cannot change the query.
// Tables and a DuckDB live until the block returns; several calls share them.
func (c *Context) SQL(query string, args ...any) (*frame.Frame, error) {
	if c.sql == nil {
		return nil, fmt.Errorf("ctx.SQL: SQL is not available in this context")
	}
	return c.sql(c.ctx, query, args)
}
