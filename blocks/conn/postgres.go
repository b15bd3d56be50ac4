package conn

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/projects/secret"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// defaultTimeout bounds connecting (postgres) and each request (s3, http) when a profile sets none.
const defaultTimeout = 30 * time.Second

// DB is an open PostgreSQL connection of a block, from a postgres profile. It is one connection:
// use it from one goroutine, and Close it when the block is done (defer db.Close()).
type DB struct {
	name  string
	where string // "connection \"warehouse\" (golem.yaml:12)"
	bctx  *blocks.Context
	conn  *pgx.Conn
}

// Postgres opens the postgres profile name of the project. Errors (an unknown profile, a secret
// that is not set, a wrong password, a host that does not answer) name the profile.
func Postgres(ctx *blocks.Context, name string) (*DB, error) {
	p, err := secret.Profile(ctx.ProjectDir(), name, projects.Postgres)
	if err != nil {
		return nil, err
	}
	where := p.Where(name)
	cfg, target, err := pgConfig(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	c, err := pgx.ConnectConfig(ctx.Context(), cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: connect to %s: %w", where, target, pgError(err))
	}
	return &DB{name: name, where: where, bctx: ctx, conn: c}, nil
}

// pgConfig builds the pgx configuration of profile p and names its target for messages
// (host:port/database as user, never the password).
func pgConfig(p *projects.Connection) (*pgx.ConnConfig, string, error) {
	dsn := p.URL
	if dsn == "" {
		var kv []string
		add := func(k, v string) {
			if v != "" {
				kv = append(kv, k+"='"+strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v)+"'")
			}
		}
		add("host", p.Host)
		add("port", p.Port)
		add("dbname", p.Database)
		add("user", p.User)
		add("password", p.Password)
		add("sslmode", p.SSLMode)
		dsn = strings.Join(kv, " ")
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message quotes the connection string; say what is wrong without it.
		return nil, "", fmt.Errorf("invalid postgres settings (url, host, port, sslmode): %s", firstLine(lastPart(err.Error())))
	}
	cfg.ConnectTimeout = p.Timeout.D()
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = defaultTimeout
	}
	target := fmt.Sprintf("%s:%d/%s as %s", cfg.Host, cfg.Port, cfg.Database, cfg.User)
	return cfg, target, nil
}

func lastPart(s string) string {
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// pgError drops pgx's "failed to connect to `user=… database=…`:" preamble, which repeats what
// our message says, and keeps the cause (the server's error, or the dial error).
func pgError(err error) error {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		if u := ce.Unwrap(); u != nil {
			return u
		}
	}
	return err
}

// Close closes the connection.
func (db *DB) Close() error {
	if db == nil || db.conn == nil {
		return nil
	}
	err := db.conn.Close(context.Background())
	db.conn = nil
	return err
}

func (db *DB) ctx() context.Context { return db.bctx.Context() }

// Exec runs a statement with bound arguments ($1, $2, ...) and returns the rows it affected.
func (db *DB) Exec(sql string, args ...any) (int64, error) {
	tag, err := db.conn.Exec(db.ctx(), sql, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: exec: %w", db.where, err)
	}
	return tag.RowsAffected(), nil
}

// Postgres type OIDs the reader decodes itself.
const (
	oidBool        = 16
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidOID         = 26
	oidFloat4      = 700
	oidFloat8      = 701
	oidDate        = 1082
	oidTimestamp   = 1114
	oidTimestamptz = 1184
	oidInterval    = 1186
	oidNumeric     = 1700
)

// binaryOIDs are read in binary format; every other type comes as text (a string column, or a
// float for numeric).
var binaryOIDs = pgx.QueryResultFormatsByOID{
	oidBool: 1, oidInt8: 1, oidInt2: 1, oidInt4: 1, oidOID: 1, oidFloat4: 1, oidFloat8: 1,
	oidDate: 1, oidTimestamp: 1, oidTimestamptz: 1, oidInterval: 1,
}

// pgEpoch is 2000-01-01 in Unix microseconds: PostgreSQL's binary timestamps count from it.
const pgEpoch = 946684800000000

// Query runs sql with bound arguments ($1, $2, ...: values are never spliced into the text, so a
// quote in one is only a quote) and returns the rows as a frame with typed columns: integers as
// int64, float/real/numeric as float64, boolean, timestamp/timestamptz/date as timestamp (UTC
// wall clock), interval as duration, everything else as string; NULLs are nulls.
func (db *DB) Query(sql string, args ...any) (*frame.Frame, error) {
	start := time.Now()
	rows, err := db.conn.Query(db.ctx(), sql, append([]any{binaryOIDs}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("%s: query: %w", db.where, err)
	}
	defer rows.Close()
	fields := rows.FieldDescriptions()
	cols := make([]*colBuilder, len(fields))
	for i, fd := range fields {
		cols[i] = newColBuilder(string(fd.Name), fd.DataTypeOID, fd.Format)
	}
	n := 0
	for rows.Next() {
		raw := rows.RawValues()
		for i, b := range raw {
			if err := cols[i].add(b); err != nil {
				return nil, fmt.Errorf("%s: query: row %d: %w", db.where, n+1, err)
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: query: %w", db.where, err)
	}
	series := make([]*frame.Series, len(cols))
	seen := map[string]int{}
	for i, c := range cols {
		name := c.name
		if k := seen[name]; k > 0 {
			name = fmt.Sprintf("%s_%d", name, k+1) // a frame's column names are unique
		}
		seen[c.name]++
		series[i] = c.series(name)
	}
	f, err := frame.New(series...)
	if err != nil {
		return nil, fmt.Errorf("%s: query: %w", db.where, err)
	}
	db.bctx.Logf("%s: read %d rows × %d columns in %s", db.name, n, len(cols), time.Since(start).Round(time.Millisecond))
	return f, nil
}

// colBuilder accumulates one result column.
type colBuilder struct {
	name   string
	oid    uint32
	text   bool
	typ    frame.Type
	ints   []int64
	floats []float64
	strs   []string
	bools  []bool
	valid  []bool // nil until the first null
	n      int
}

func newColBuilder(name string, oid uint32, format int16) *colBuilder {
	c := &colBuilder{name: name, oid: oid, text: format == 0}
	switch oid {
	case oidInt8, oidInt4, oidInt2, oidOID:
		c.typ = frame.Int64
	case oidFloat4, oidFloat8, oidNumeric:
		c.typ = frame.Float64
	case oidBool:
		c.typ = frame.Bool
	case oidTimestamp, oidTimestamptz, oidDate:
		c.typ = frame.Timestamp
	case oidInterval:
		c.typ = frame.Duration
	default:
		c.typ = frame.String
	}
	if c.text && c.typ != frame.String && c.typ != frame.Float64 {
		c.typ = frame.String // only numeric is decoded from text
	}
	return c
}

// push appends v, doubling the capacity when full: append grows large slices by 1.25x, which
// copied each column several times over (most of Query's time on the 753k trips).
func push[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		n := make([]T, len(s), max(2*cap(s), 1024))
		copy(n, s)
		s = n
	}
	return append(s, v)
}

func (c *colBuilder) add(b []byte) error {
	if b == nil {
		if c.valid == nil {
			c.valid = make([]bool, c.n, c.n+1024)
			for i := range c.valid {
				c.valid[i] = true
			}
		}
		c.valid = push(c.valid, false)
		switch c.typ {
		case frame.Int64, frame.Timestamp, frame.Duration:
			c.ints = push(c.ints, 0)
		case frame.Float64:
			c.floats = push(c.floats, 0)
		case frame.Bool:
			c.bools = push(c.bools, false)
		default:
			c.strs = push(c.strs, "")
		}
		c.n++
		return nil
	}
	if c.valid != nil {
		c.valid = push(c.valid, true)
	}
	c.n++
	switch c.typ {
	case frame.String:
		c.strs = push(c.strs, string(b))
	case frame.Float64:
		if c.text {
			v, err := strconv.ParseFloat(string(b), 64)
			if err != nil {
				return fmt.Errorf("column %q: %q is not a number", c.name, b)
			}
			c.floats = push(c.floats, v)
		} else if c.oid == oidFloat4 && len(b) == 4 {
			c.floats = push(c.floats, float64(math.Float32frombits(binary.BigEndian.Uint32(b))))
		} else if len(b) == 8 {
			c.floats = push(c.floats, math.Float64frombits(binary.BigEndian.Uint64(b)))
		} else {
			return c.bad(b)
		}
	case frame.Int64:
		switch len(b) {
		case 8:
			c.ints = push(c.ints, int64(binary.BigEndian.Uint64(b)))
		case 4:
			if c.oid == oidOID {
				c.ints = push(c.ints, int64(binary.BigEndian.Uint32(b)))
			} else {
				c.ints = push(c.ints, int64(int32(binary.BigEndian.Uint32(b))))
			}
		case 2:
			c.ints = push(c.ints, int64(int16(binary.BigEndian.Uint16(b))))
		default:
			return c.bad(b)
		}
	case frame.Bool:
		if len(b) != 1 {
			return c.bad(b)
		}
		c.bools = push(c.bools, b[0] != 0)
	case frame.Timestamp:
		switch {
		case c.oid == oidDate && len(b) == 4:
			c.ints = push(c.ints, int64(int32(binary.BigEndian.Uint32(b)))*86400e6+pgEpoch)
		case len(b) == 8:
			c.ints = push(c.ints, int64(binary.BigEndian.Uint64(b))+pgEpoch)
		default:
			return c.bad(b)
		}
	case frame.Duration:
		if len(b) != 16 {
			return c.bad(b)
		}
		us := int64(binary.BigEndian.Uint64(b))
		days := int64(int32(binary.BigEndian.Uint32(b[8:])))
		months := int64(int32(binary.BigEndian.Uint32(b[12:])))
		c.ints = push(c.ints, us+days*86400e6+months*30*86400e6)
	}
	return nil
}

func (c *colBuilder) bad(b []byte) error {
	return fmt.Errorf("column %q: unexpected %d-byte value for type OID %d", c.name, len(b), c.oid)
}

func (c *colBuilder) series(name string) *frame.Series {
	var s *frame.Series
	switch c.typ {
	case frame.Int64:
		s = frame.NewInts(name, orEmpty(c.ints))
	case frame.Float64:
		s = frame.NewFloats(name, orEmpty(c.floats))
	case frame.Bool:
		s = frame.NewBools(name, orEmpty(c.bools))
	case frame.Timestamp:
		s = frame.NewTimestampMicros(name, orEmpty(c.ints))
	case frame.Duration:
		s = frame.NewDurationMicros(name, orEmpty(c.ints))
	default:
		s = frame.NewStrings(name, orEmpty(c.strs))
	}
	if c.valid != nil {
		s = s.WithNulls(c.valid)
	}
	return s
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// WriteMode says what Write does with the table.
type WriteMode string

// The write modes.
const (
	// Create makes a new table; it fails if the table exists.
	Create WriteMode = "create"
	// Append adds the rows, creating the table if it does not exist.
	Append WriteMode = "append"
	// Replace drops the table and creates it anew with the frame's columns, in one transaction
	// (readers see the old rows until the new ones are committed).
	Replace WriteMode = "replace"
	// Upsert updates the rows whose keys match and inserts the others (the table is created,
	// with the keys as its primary key, if it does not exist).
	Upsert WriteMode = "upsert"
	// Temp makes a temporary table, seen only by this connection and dropped when it closes: a
	// frame staged for a query that joins it with the server's tables.
	Temp WriteMode = "temp"
)

// Write writes frame f to table ("name" or "schema.name") in one transaction, by bulk COPY, and
// returns the rows written. Upsert needs the key columns: db.Write(f, "zones", conn.Upsert,
// "zone_id"). A created table gets bigint, double precision, text, boolean, timestamp and
// interval columns named after the frame's.
func (db *DB) Write(f *frame.Frame, table string, mode WriteMode, keys ...string) (int64, error) {
	start := time.Now()
	n, err := db.write(f, table, mode, keys)
	if err != nil {
		return 0, fmt.Errorf("%s: write %s (%s): %w", db.where, table, mode, err)
	}
	db.bctx.Logf("%s: wrote %d rows to %s (%s) in %s", db.name, n, table, mode, time.Since(start).Round(time.Millisecond))
	return n, nil
}

func (db *DB) write(f *frame.Frame, table string, mode WriteMode, keys []string) (int64, error) {
	if f == nil || f.NumCols() == 0 {
		return 0, fmt.Errorf("%w: the frame has no columns", ErrColumns)
	}
	switch mode {
	case Create, Append, Replace, Temp:
		if len(keys) > 0 {
			return 0, fmt.Errorf("%w: keys are for upsert", ErrWriteMode)
		}
	case Upsert:
		if len(keys) == 0 {
			return 0, fmt.Errorf("%w: upsert needs the key columns (db.Write(f, table, conn.Upsert, \"id\"))", ErrWriteMode)
		}
		for _, k := range keys {
			if !f.Has(k) {
				return 0, fmt.Errorf("%w: key column %q is not in the frame (columns: %s)", ErrColumns, k, strings.Join(f.Columns(), ", "))
			}
		}
	default:
		return 0, fmt.Errorf("%w %q (want create, append, replace, upsert or temp)", ErrWriteMode, mode)
	}
	ctx := db.ctx()
	ident := tableIdent(table)
	tx, err := db.conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background())
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", ident).Scan(&exists); err != nil {
		return 0, err
	}
	exec := func(sql string) error {
		_, err := tx.Exec(ctx, sql)
		return err
	}
	var n int64
	switch mode {
	case Temp:
		if err := exec(strings.Replace(createSQL(ident, f, nil), "CREATE TABLE", "CREATE TEMP TABLE", 1)); err != nil {
			return 0, err
		}
		if n, err = copyText(ctx, tx.Conn().PgConn(), ident, f); err != nil {
			return 0, err
		}
	case Create, Append, Replace:
		if mode == Create && exists {
			return 0, fmt.Errorf("%w (use append, replace or upsert)", ErrTableExists)
		}
		if mode == Replace && exists {
			if err := exec("DROP TABLE " + ident); err != nil {
				return 0, err
			}
		}
		if !exists || mode == Replace {
			if err := exec(createSQL(ident, f, nil)); err != nil {
				return 0, err
			}
		}
		if n, err = copyText(ctx, tx.Conn().PgConn(), ident, f); err != nil {
			return 0, err
		}
	case Upsert:
		if !exists {
			if err := exec(createSQL(ident, f, keys)); err != nil {
				return 0, err
			}
		}
		stage := pgx.Identifier{"golem_upsert_stage"}.Sanitize()
		if err := exec("CREATE TEMP TABLE " + stage + " (LIKE " + ident + " INCLUDING DEFAULTS) ON COMMIT DROP"); err != nil {
			return 0, err
		}
		if _, err := copyText(ctx, tx.Conn().PgConn(), stage, f); err != nil {
			return 0, err
		}
		var set, match, cols []string
		for _, c := range f.Columns() {
			q := pgx.Identifier{c}.Sanitize()
			cols = append(cols, q)
			if !contains(keys, c) {
				set = append(set, q+" = s."+q)
			}
		}
		for _, k := range keys {
			q := pgx.Identifier{k}.Sanitize()
			match = append(match, "t."+q+" = s."+q)
		}
		on := strings.Join(match, " AND ")
		if len(set) > 0 {
			tag, err := tx.Exec(ctx, "UPDATE "+ident+" AS t SET "+strings.Join(set, ", ")+" FROM "+stage+" AS s WHERE "+on)
			if err != nil {
				return 0, err
			}
			n += tag.RowsAffected()
		}
		tag, err := tx.Exec(ctx, "INSERT INTO "+ident+" ("+strings.Join(cols, ", ")+") SELECT "+
			prefixed("s.", cols)+" FROM "+stage+" AS s WHERE NOT EXISTS (SELECT 1 FROM "+ident+" AS t WHERE "+on+")")
		if err != nil {
			return 0, err
		}
		n += tag.RowsAffected()
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func prefixed(p string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return strings.Join(out, ", ")
}

// tableIdent quotes "name" or "schema.name" as an SQL identifier.
func tableIdent(table string) string {
	return pgx.Identifier(strings.Split(table, ".")).Sanitize()
}

// pgTypes are the column types of a created table, by frame type.
var pgTypes = map[frame.Type]string{
	frame.Int64: "bigint", frame.Float64: "double precision", frame.String: "text", frame.Bool: "boolean",
	frame.Timestamp: "timestamp", frame.Duration: "interval",
}

func createSQL(ident string, f *frame.Frame, keys []string) string {
	var defs []string
	for _, fd := range f.Schema() {
		defs = append(defs, pgx.Identifier{fd.Name}.Sanitize()+" "+pgTypes[fd.Type])
	}
	if len(keys) > 0 {
		q := make([]string, len(keys))
		for i, k := range keys {
			q[i] = pgx.Identifier{k}.Sanitize()
		}
		defs = append(defs, "PRIMARY KEY ("+strings.Join(q, ", ")+")")
	}
	return "CREATE TABLE " + ident + " (" + strings.Join(defs, ", ") + ")"
}

// copyText streams f into table with COPY ... FROM STDIN in PostgreSQL's text format, which the
// server parses into whatever types the table's columns have (a bigint into an integer column).
func copyText(ctx context.Context, pc *pgconn.PgConn, ident string, f *frame.Frame) (int64, error) {
	cols := make([]string, f.NumCols())
	for i, c := range f.Columns() {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(encodeText(pw, f)) }()
	tag, err := pc.CopyFrom(ctx, pr, "COPY "+ident+" ("+strings.Join(cols, ", ")+") FROM STDIN")
	pr.CloseWithError(io.ErrClosedPipe) // stops the encoder if the copy failed early
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// encodeText writes the rows of f in COPY text format: tab-separated, \N for NULL, backslash
// escapes in strings, timestamps as "2006-01-02 15:04:05.999999", durations in microseconds.
func encodeText(w io.Writer, f *frame.Frame) error {
	type col struct {
		typ    frame.Type
		ints   []int64
		floats []float64
		strs   []string
		bools  []bool
		valid  []bool
	}
	cols := make([]col, f.NumCols())
	for i := range cols {
		s := f.ColAt(i)
		c := col{typ: s.Type(), valid: s.Valid()}
		switch c.typ {
		case frame.Int64, frame.Timestamp, frame.Duration:
			c.ints = s.Ints()
		case frame.Float64:
			c.floats = s.Floats()
		case frame.Bool:
			c.bools = s.Bools()
		default:
			c.strs = s.Strings()
		}
		cols[i] = c
	}
	buf := make([]byte, 0, 1<<17)
	rows := f.NumRows()
	for r := 0; r < rows; r++ {
		for j := range cols {
			c := &cols[j]
			if j > 0 {
				buf = append(buf, '\t')
			}
			if c.valid != nil && !c.valid[r] {
				buf = append(buf, '\\', 'N')
				continue
			}
			switch c.typ {
			case frame.Int64:
				buf = strconv.AppendInt(buf, c.ints[r], 10)
			case frame.Float64:
				v := c.floats[r]
				switch {
				case math.IsNaN(v):
					buf = append(buf, "NaN"...)
				case math.IsInf(v, 1):
					buf = append(buf, "Infinity"...)
				case math.IsInf(v, -1):
					buf = append(buf, "-Infinity"...)
				default:
					buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
				}
			case frame.Bool:
				if c.bools[r] {
					buf = append(buf, 't')
				} else {
					buf = append(buf, 'f')
				}
			case frame.Timestamp:
				buf = appendTimestamp(buf, c.ints[r])
			case frame.Duration:
				buf = strconv.AppendInt(buf, c.ints[r], 10)
				buf = append(buf, " microseconds"...)
			default:
				buf = appendEscaped(buf, c.strs[r])
			}
		}
		buf = append(buf, '\n')
		if len(buf) >= 1<<16 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// appendTimestamp formats naive microseconds since 1970 as PostgreSQL reads a timestamp.
func appendTimestamp(b []byte, us int64) []byte {
	return time.UnixMicro(us).UTC().AppendFormat(b, "2006-01-02 15:04:05.999999")
}

func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, ch)
		}
	}
	return b
}
