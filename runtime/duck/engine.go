//go:build cgo

package duck

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	bindings "github.com/duckdb/duckdb-go-bindings"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Available reports whether this build can run SQL.
const Available = true

// Options configure a DB.
type Options struct {
	Dir         string // the project folder: relative paths in SQL resolve here
	TempDir     string // where DuckDB spills what does not fit in memory; "" = its default
	MemoryLimit int64  // bytes DuckDB may hold; 0 = its default (80% of the machine)
	Threads     int    // 0 = one per core
}

// DB is one embedded, in-memory DuckDB with the frames it may read as tables.
type DB struct {
	db     bindings.Database
	conn   bindings.Connection
	tables map[string]*frame.Frame // by lower-case name
	names  []string                // as given, in order
	ids    map[string]int64        // golem_frame id of each table's view, by lower-case name
}

// Open starts a DuckDB with o's settings.
func Open(ctx context.Context, o Options) (*DB, error) {
	db := &DB{tables: map[string]*frame.Frame{}, ids: map[string]int64{}}
	if bindings.Open(":memory:", &db.db) == bindings.StateError {
		return nil, errors.New("start DuckDB: cannot open an in-memory database")
	}
	if bindings.Connect(db.db, &db.conn) == bindings.StateError {
		bindings.Close(&db.db)
		return nil, errors.New("start DuckDB: cannot connect")
	}
	err := registerScan(db.conn)
	setup := []string{"SET enable_progress_bar = false", monthsMacro}
	if o.Dir != "" {
		setup = append(setup, "SET file_search_path = "+literal(o.Dir))
	}
	if o.TempDir != "" {
		setup = append(setup, "SET temp_directory = "+literal(o.TempDir))
	}
	if o.MemoryLimit > 0 {
		setup = append(setup, fmt.Sprintf("SET memory_limit = '%dMiB'", max(o.MemoryLimit>>20, 64)))
	}
	if o.Threads > 0 {
		setup = append(setup, fmt.Sprintf("SET threads = %d", o.Threads))
	}
	for _, s := range setup {
		if err != nil {
			break
		}
		_, err = db.exec(ctx, s, nil, false)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("start DuckDB: %w", err)
	}
	return db, nil
}

// monthsMacro is golem_months('2023-01..2023-03'): the list ['2023-01', '2023-02', '2023-03'] of
// a month range variable, for building file lists without splicing text into SQL.
const monthsMacro = `CREATE MACRO golem_months(r) AS list_transform(
	generate_series(
		strptime(trim(split_part(r, '..', 1)), '%Y-%m')::DATE,
		strptime(trim(coalesce(nullif(split_part(r, '..', 2), ''), split_part(r, '..', 1))), '%Y-%m')::DATE,
		INTERVAL 1 MONTH),
	m -> strftime(m, '%Y-%m'))`

// literal quotes s as a SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Close releases the database and everything it holds.
func (db *DB) Close() error {
	for _, id := range db.ids {
		dropScanFrame(id)
	}
	bindings.Disconnect(&db.conn)
	bindings.Close(&db.db)
	return nil
}

// Add makes f readable as table name: a view over golem_frame, which reads the frame in place
// (no copy into DuckDB's storage), created before the next statement runs.
func (db *DB) Add(name string, f *frame.Frame) {
	key := strings.ToLower(name)
	if _, ok := db.tables[key]; !ok {
		db.names = append(db.names, name)
	}
	db.tables[key] = f
	if id, ok := db.ids[key]; ok {
		dropScanFrame(id)
		delete(db.ids, key)
	}
}

// Script is SQL text and the file it comes from (for positions in errors; "" for ctx.SQL).
type Script struct {
	File string
	Text string
	Line int // line of the text's first character in File; 0 = 1
}

// Run executes the script's statements in order, binding vars (the run's variables by name, for
// $name) and args (positional, for ? and $1), and returns the last statement's result. Errors are
// *blocks.PosError at the statement's file, line and column.
func (db *DB) Run(ctx context.Context, s Script, vars map[string]any, args ...any) (*frame.Frame, error) {
	stmts := Split(s.Text)
	if len(stmts) == 0 {
		return nil, db.at(s, Statement{Line: 1, Col: 1}, errors.New("no SQL statement"))
	}
	if err := db.views(ctx); err != nil {
		return nil, db.at(s, stmts[0], err)
	}
	var out *frame.Frame
	for i, st := range stmts {
		f, err := db.exec(ctx, st.Text, &binding{vars: vars, args: args}, i == len(stmts)-1)
		if err != nil {
			return nil, db.at(s, st, err)
		}
		out = f
	}
	return out, nil
}

// views creates a temporary view over golem_frame for each added frame that has none yet.
func (db *DB) views(ctx context.Context) error {
	for _, n := range db.names {
		key := strings.ToLower(n)
		if _, ok := db.ids[key]; ok {
			continue
		}
		id := addScanFrame(db.tables[key])
		db.ids[key] = id
		if _, err := db.exec(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP VIEW %s AS SELECT * FROM golem_frame(%d)", ident(n), id), nil, false); err != nil {
			return fmt.Errorf("table %s: %w", n, err)
		}
	}
	return nil
}

// ident quotes s as a SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// binding is what a statement's parameters take: each $name from vars and each ? or $N from args.
type binding struct {
	vars map[string]any
	args []any
}

// bind binds stmt's parameters; an unknown $name is an error, not a silent positional fallback.
func (b *binding) bind(ps bindings.PreparedStatement) error {
	if b == nil {
		b = &binding{} // a statement of Golem's own takes no parameters
	}
	np := int(bindings.NParams(ps))
	pos := 0
	for n := 1; n <= np; n++ {
		name := bindings.ParameterName(ps, bindings.IdxT(n))
		var v any
		if k, err := strconv.Atoi(name); err == nil || name == "" {
			if name == "" {
				k = pos + 1
			}
			pos++
			if k < 1 || k > len(b.args) {
				return fmt.Errorf("%w: parameter %s: the statement takes %d positional argument(s), %d given", ErrVariable, orQ(name, n), np, len(b.args))
			}
			v = b.args[k-1]
		} else {
			var ok bool
			if v, ok = b.vars[name]; !ok {
				return &varError{name: name, err: fmt.Errorf("%w $%s (variables: %s)", ErrVariable, name, listOr(sortedKeys(b.vars), "none"))}
			}
		}
		if err := bindValue(ps, bindings.IdxT(n), v); err != nil {
			return fmt.Errorf("parameter %s: %w", orQ(name, n), err)
		}
	}
	return nil
}

// varError is a $name that is not a variable of the run; db.at places it at the name.
type varError struct {
	name string
	err  error
}

func (e *varError) Error() string { return e.err.Error() }
func (e *varError) Unwrap() error { return e.err }

// bindValue binds v, a Go value, to parameter n: a number, string or bool of any Go type (named
// ones too), a time.Time, []byte or nil.
func bindValue(ps bindings.PreparedStatement, n bindings.IdxT, v any) error {
	var st bindings.State
	switch x := v.(type) {
	case nil:
		st = bindings.BindNull(ps, n)
	case time.Time:
		st = bindings.BindTimestamp(ps, n, bindings.NewTimestamp(x.UnixMicro()))
	case []byte:
		st = bindings.BindBlob(ps, n, x)
	default:
		r := reflect.ValueOf(v)
		switch {
		case r.CanInt():
			st = bindings.BindInt64(ps, n, r.Int())
		case r.CanUint() && r.Uint() <= math.MaxInt64:
			st = bindings.BindInt64(ps, n, int64(r.Uint()))
		case r.CanFloat():
			st = bindings.BindDouble(ps, n, r.Float())
		case r.Kind() == reflect.String:
			st = bindings.BindVarchar(ps, n, r.String())
		case r.Kind() == reflect.Bool:
			st = bindings.BindBoolean(ps, n, r.Bool())
		default:
			return fmt.Errorf("%w: a %T (%v) cannot be a SQL value (use a string, number, bool, time.Time or []byte)", ErrType, v, v)
		}
	}
	if st == bindings.StateError {
		return fmt.Errorf("cannot bind %v", v)
	}
	return nil
}

func orQ(name string, n int) string {
	if name == "" {
		return fmt.Sprintf("?%d", n)
	}
	return "$" + name
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func listOr(v []string, none string) string {
	if len(v) == 0 {
		return none
	}
	return strings.Join(v, ", ")
}

// exec prepares, binds and runs one statement. With result, it streams the statement's rows into
// a frame, chunk by chunk (see column); without, it runs the statement to its end. Cancelling ctx
// interrupts DuckDB.
func (db *DB) exec(ctx context.Context, stmt string, b *binding, result bool) (*frame.Frame, error) {
	var ps bindings.PreparedStatement
	defer bindings.DestroyPrepare(&ps)
	if bindings.Prepare(db.conn, stmt, &ps) == bindings.StateError {
		return nil, errors.New(bindings.PrepareError(ps))
	}
	if err := b.bind(ps); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { bindings.Interrupt(db.conn) })
	defer stop()
	var pending bindings.PendingResult
	defer bindings.DestroyPending(&pending)
	pend := bindings.PendingPrepared
	if result {
		pend = bindings.PendingPreparedStreaming
	}
	if pend(ps, &pending) == bindings.StateError {
		return nil, db.failed(ctx, bindings.PendingError(pending))
	}
	var res bindings.Result
	defer bindings.DestroyResult(&res)
	if bindings.ExecutePending(pending, &res) == bindings.StateError {
		return nil, db.failed(ctx, bindings.ResultError(&res))
	}
	if !result {
		return nil, nil
	}
	return db.collect(ctx, &res)
}

// failed is the error of a statement DuckDB gave up on: ctx's when it was interrupted.
func (db *DB) failed(ctx context.Context, msg string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.New(msg)
}

// collect gathers a result's rows into a frame.
func (db *DB) collect(ctx context.Context, res *bindings.Result) (*frame.Frame, error) {
	cols := make([]*column, bindings.ColumnCount(res))
	for i := range cols {
		lt := bindings.ColumnLogicalType(res, bindings.IdxT(i))
		var err error
		cols[i], err = newColumn(bindings.ColumnName(res, bindings.IdxT(i)), lt)
		bindings.DestroyLogicalType(&lt)
		if err != nil {
			return nil, err
		}
	}
	for {
		chunk := bindings.FetchChunk(*res)
		if chunk.Ptr == nil {
			break
		}
		n := int(bindings.DataChunkGetSize(chunk))
		for i, c := range cols {
			if err := c.add(bindings.DataChunkGetVector(chunk, bindings.IdxT(i)), n); err != nil {
				bindings.DestroyDataChunk(&chunk)
				return nil, err
			}
		}
		bindings.DestroyDataChunk(&chunk)
	}
	if msg := bindings.ResultError(res); msg != "" {
		return nil, db.failed(ctx, msg)
	}
	series := make([]*frame.Series, len(cols))
	for i, c := range cols {
		series[i] = c.series()
	}
	return frame.New(series...)
}

// linePos finds DuckDB's "LINE n:" marker and the caret under it.
var linePos = regexp.MustCompile(`(?m)^LINE (\d+): (.*)\n( *)\^`)

// at turns a DuckDB error into one at the file position of stmt (and of the error inside it
// when DuckDB says where), naming the upstream tables when a table is unknown.
func (db *DB) at(s Script, st Statement, err error) error {
	msg := err.Error()
	line, col := st.Line, st.Col
	var ve *varError
	if errors.As(err, &ve) {
		if loc := regexp.MustCompile(`\$` + regexp.QuoteMeta(ve.name) + `\b`).FindStringIndex(st.Text); loc != nil {
			before := st.Text[:loc[0]]
			if nl := strings.LastIndexByte(before, '\n'); nl >= 0 {
				line, col = st.Line+strings.Count(before, "\n"), loc[0]-nl
			} else {
				col = st.Col + loc[0]
			}
		}
	}
	if m := linePos.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		caret := (m[7] - m[6]) - len("LINE : ") - (m[3] - m[2]) + 1
		if n == 1 {
			col = st.Col + caret - 1
		} else {
			col = caret
		}
		line = st.Line + n - 1
		msg = strings.TrimSpace(msg[:m[0]])
	}
	if s.Line > 1 {
		line += s.Line - 1
	}
	msg = strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ")), " ")
	wrapped := err
	if strings.HasPrefix(msg, "Catalog Error: Table with name ") {
		if i := strings.Index(msg, " Did you mean"); i >= 0 {
			msg = msg[:i]
		}
		msg += " (tables from upstream blocks: " + listOr(db.names, "none") + ")"
		wrapped = ErrTable
	}
	return &blocks.PosError{Pos: token.Position{Filename: s.File, Line: line, Column: col}, Err: wrapError{msg: msg, err: wrapped}}
}

// wrapError is msg, still matching err with errors.Is.
type wrapError struct {
	msg string
	err error
}

func (e wrapError) Error() string { return e.msg }
func (e wrapError) Unwrap() error { return e.err }
