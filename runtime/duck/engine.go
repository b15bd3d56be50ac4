//go:build duckdb_arrow

package duck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

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
	db     *sql.DB
	conn   *sql.Conn
	drv    *duckdb.Conn
	ar     *duckdb.Arrow
	tables map[string]*frame.Frame // by lower-case name
	names  []string                // as given, in order
	loaded map[string]bool
}

// Open starts a DuckDB with o's settings.
func Open(ctx context.Context, o Options) (*DB, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("start DuckDB: %w", err)
	}
	db := &DB{db: sql.OpenDB(connector), tables: map[string]*frame.Frame{}, loaded: map[string]bool{}}
	db.db.SetMaxOpenConns(1)
	if db.conn, err = db.db.Conn(ctx); err != nil {
		db.db.Close()
		return nil, fmt.Errorf("start DuckDB: %w", err)
	}
	err = db.conn.Raw(func(c any) error {
		db.drv = c.(*duckdb.Conn)
		db.ar, err = duckdb.NewArrowFromConn(db.drv)
		return err
	})
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
		_, err = db.conn.ExecContext(ctx, s)
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
	var err error
	if db.conn != nil {
		err = db.conn.Close()
	}
	return errors.Join(err, db.db.Close())
}

// Add makes f readable as table name. It is loaded into DuckDB when a statement first names it.
func (db *DB) Add(name string, f *frame.Frame) {
	key := strings.ToLower(name)
	if _, ok := db.tables[key]; !ok {
		db.names = append(db.names, name)
	}
	db.tables[key] = f
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
	var out *frame.Frame
	for i, st := range stmts {
		if err := db.load(ctx, st.Text); err != nil {
			return nil, db.at(s, st, err)
		}
		bound, err := db.bind(ctx, st.Text, vars, args)
		if err != nil {
			return nil, db.at(s, st, err)
		}
		for {
			if i < len(stmts)-1 {
				_, err = db.conn.ExecContext(ctx, st.Text, bound...)
			} else {
				out, err = db.query(ctx, st.Text, bound)
			}
			// A table named only at run time (query_table($t)) is loaded when DuckDB misses it.
			if name, ok := missingTable(err); ok && db.tables[name] != nil && !db.loaded[name] {
				if err := db.loadTable(ctx, name); err != nil {
					return nil, db.at(s, st, err)
				}
				continue
			}
			break
		}
		if err != nil {
			return nil, db.at(s, st, err)
		}
	}
	return out, nil
}

var missingTableRE = regexp.MustCompile(`Catalog Error: Table with name (.+?) does not exist!`)

// missingTable returns the lower-case name of the table err says does not exist.
func missingTable(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	m := missingTableRE.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	return strings.ToLower(m[1]), true
}

// load copies into DuckDB the added frames stmt names that are not loaded yet. Each becomes a
// temporary table: a view straight over its Arrow stream was tried and gives wrong rows — a
// stream can be read once (a self-join saw 0 rows) and DuckDB pushes constant filters into the
// scan, which the stream ignores (WHERE id = 2 kept every row); TestTablesScannedTwice. A name is
// looked for as a word of the statement: DuckDB lists no table names for a statement with
// parameters, and a false match only loads a table early.
func (db *DB) load(ctx context.Context, stmt string) error {
	for _, n := range db.names {
		key := strings.ToLower(n)
		if db.loaded[key] || !mentions(stmt, n) {
			continue
		}
		if err := db.loadTable(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// loadTable copies the added frame named key (lower case) into a temporary table.
func (db *DB) loadTable(ctx context.Context, key string) error {
	n := key
	for _, name := range db.names {
		if strings.ToLower(name) == key {
			n = name
		}
	}
	f := db.tables[key]
	rec, err := toRecord(f)
	if err != nil {
		return fmt.Errorf("table %s: %w", n, err)
	}
	rr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	if err != nil {
		return err
	}
	view := "__golem_arrow_" + key
	release, err := db.ar.RegisterView(rr, view)
	if err != nil {
		rec.Release()
		return fmt.Errorf("table %s: %w", n, err)
	}
	_, err = db.conn.ExecContext(ctx, fmt.Sprintf("CREATE TEMP TABLE %s AS SELECT * FROM %s", ident(n), ident(view)))
	_, _ = db.conn.ExecContext(context.Background(), "DROP VIEW IF EXISTS "+ident(view))
	release()
	rec.Release()
	if err != nil {
		return fmt.Errorf("table %s: %w", n, err)
	}
	db.loaded[key] = true
	return nil
}

// mentions reports whether name occurs in stmt as a whole word, ignoring case.
func mentions(stmt, name string) bool {
	lower, name := strings.ToLower(stmt), strings.ToLower(name)
	for i := 0; ; {
		j := strings.Index(lower[i:], name)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(name)
		if (j == 0 || !isWord(lower[j-1])) && (end == len(lower) || !isWord(lower[end])) {
			return true
		}
		i = j + 1
	}
}

func isWord(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// ident quotes s as a SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// bind returns the arguments stmt takes: each $name from vars (an unknown name is an error, not
// a silent positional fallback) and each ? or $N from args.
func (db *DB) bind(ctx context.Context, stmt string, vars map[string]any, args []any) ([]any, error) {
	ps, err := db.drv.PrepareContext(ctx, stmt)
	if err != nil {
		return nil, err
	}
	defer ps.Close()
	st := ps.(*duckdb.Stmt)
	var out []any
	pos := 0
	for n := 1; n <= st.NumInput(); n++ {
		name, err := st.ParamName(n)
		if err != nil {
			return nil, err
		}
		if k, err := strconv.Atoi(name); err == nil || name == "" {
			if name == "" {
				k = pos + 1
			}
			pos++
			if k < 1 || k > len(args) {
				return nil, fmt.Errorf("%w: parameter %s: the statement takes %d positional argument(s), %d given", ErrVariable, orQ(name, n), st.NumInput(), len(args))
			}
			if name == "" {
				out = append(out, args[k-1])
			} else {
				out = append(out, sql.Named(name, args[k-1]))
			}
			continue
		}
		v, ok := vars[name]
		if !ok {
			return nil, fmt.Errorf("%w $%s (variables: %s)", ErrVariable, name, listOr(sortedKeys(vars), "none"))
		}
		out = append(out, sql.Named(name, v))
	}
	return out, nil
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

// query runs stmt and gathers its result into a frame.
func (db *DB) query(ctx context.Context, stmt string, args []any) (*frame.Frame, error) {
	rr, err := db.ar.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	schema := rr.Schema()
	cols := make([]*column, schema.NumFields())
	for i, f := range schema.Fields() {
		if cols[i], err = newColumn(f.Name, f.Type); err != nil {
			return nil, err
		}
	}
	for rr.Next() {
		rec := rr.RecordBatch()
		for i, c := range cols {
			if err := c.add(rec.Column(i)); err != nil {
				return nil, err
			}
		}
	}
	if err := rr.Err(); err != nil {
		return nil, err
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
