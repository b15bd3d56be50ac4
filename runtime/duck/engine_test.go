//go:build cgo

package duck

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func open(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{Dir: t.TempDir(), Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func run(t *testing.T, db *DB, q string, vars map[string]any, args ...any) *frame.Frame {
	t.Helper()
	f, err := db.Run(context.Background(), Script{File: "t.sql", Text: q}, vars, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return f
}

// TestRoundTrip hands every frame type, with nulls, to DuckDB and back.
func TestRoundTrip(t *testing.T) {
	ts := time.Date(2023, 1, 2, 3, 4, 5, 678_000, time.UTC)
	in := frame.MustNew(
		frame.NewInts("i", []int64{1, -2, 0}).WithNulls([]bool{true, true, false}),
		frame.NewFloats("f", []float64{1.5, -0.25, 0}).WithNulls([]bool{true, false, true}),
		frame.NewStrings("s", []string{"a", "", "it's"}).WithNulls([]bool{true, false, true}),
		frame.NewBools("b", []bool{true, false, true}).WithNulls([]bool{false, true, true}),
		frame.NewTimes("t", []time.Time{ts, ts.Add(time.Hour), {}}).WithNulls([]bool{true, true, false}),
		frame.NewDurations("d", []time.Duration{time.Second, 90 * time.Minute, 0}),
	)
	db := open(t)
	db.Add("input", in)
	out := run(t, db, "SELECT * FROM input", nil)
	if got, want := out.String(), in.String(); got != want {
		t.Fatalf("round trip changed the frame:\n got %s\nwant %s", got, want)
	}
	for _, c := range in.Columns() {
		if g, w := out.Col(c).Type(), in.Col(c).Type(); g != w {
			t.Errorf("column %s: type %s, want %s", c, g, w)
		}
		for i := range in.NumRows() {
			if g, w := out.Col(c).IsNull(i), in.Col(c).IsNull(i); g != w {
				t.Errorf("column %s row %d: null %v, want %v", c, i, g, w)
			}
		}
	}
}

// TestResultTypes maps DuckDB's types to frame columns.
func TestResultTypes(t *testing.T) {
	db := open(t)
	tests := []struct {
		expr string
		typ  frame.Type
		want any // row 0's value
	}{
		{"42::TINYINT", frame.Int64, int64(42)},
		{"42::SMALLINT", frame.Int64, int64(42)},
		{"42::INTEGER", frame.Int64, int64(42)},
		{"42::BIGINT", frame.Int64, int64(42)},
		{"42::UBIGINT", frame.Int64, int64(42)},
		{"42::UTINYINT", frame.Int64, int64(42)},
		{"1.5::FLOAT", frame.Float64, 1.5},
		{"1.5::DOUBLE", frame.Float64, 1.5},
		{"12.345::DECIMAL(10,3)", frame.Float64, 12.345},
		{"'x'::VARCHAR", frame.String, "x"},
		{"true", frame.Bool, true},
		{"DATE '2023-02-01'", frame.Timestamp, time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"TIMESTAMP '2023-02-01 10:11:12.123456'", frame.Timestamp, time.Date(2023, 2, 1, 10, 11, 12, 123456000, time.UTC)},
		{"TIMESTAMP_S '2023-02-01 10:11:12'", frame.Timestamp, time.Date(2023, 2, 1, 10, 11, 12, 0, time.UTC)},
		{"TIMESTAMP_MS '2023-02-01 10:11:12.123'", frame.Timestamp, time.Date(2023, 2, 1, 10, 11, 12, 123000000, time.UTC)},
		{"TIMESTAMP_NS '2023-02-01 10:11:12.123456789'", frame.Timestamp, time.Date(2023, 2, 1, 10, 11, 12, 123456000, time.UTC)},
		{"INTERVAL 90 MINUTE", frame.Duration, 90 * time.Minute},
		{"TIME '01:02:03'", frame.Duration, time.Hour + 2*time.Minute + 3*time.Second},
		{"NULL::BIGINT", frame.Int64, nil},
		{"-7::HUGEINT", frame.Float64, -7.0},
		{"-123456789.25::DECIMAL(38,2)", frame.Float64, -123456789.25},
		{"-1.5::DECIMAL(4,1)", frame.Float64, -1.5},
		{"'b'::ENUM('a', 'b')", frame.String, "b"},
		{"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID", frame.String, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"'2023-02-01 10:11:12+00'::TIMESTAMPTZ", frame.Timestamp, time.Date(2023, 2, 1, 10, 11, 12, 0, time.UTC)},
		{"3000000000::UINTEGER", frame.Int64, int64(3000000000)},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			out := run(t, db, "SELECT "+tt.expr+" AS v UNION ALL SELECT NULL", nil)
			s := out.Col("v")
			if s.Type() != tt.typ {
				t.Fatalf("type %s, want %s", s.Type(), tt.typ)
			}
			if got := s.Value(0); got != tt.want {
				t.Errorf("value %v (%T), want %v (%T)", got, got, tt.want, tt.want)
			}
			if !s.IsNull(1) {
				t.Errorf("row 1 is not null")
			}
		})
	}
	if _, err := db.Run(context.Background(), Script{File: "t.sql", Text: "SELECT [1, 2] AS l"}, nil); !errors.Is(err, ErrType) || !strings.Contains(err.Error(), `column "l" is a LIST`) {
		t.Errorf("a LIST column: %v, want ErrType naming the column", err)
	}
	if _, err := db.Run(context.Background(), Script{File: "t.sql", Text: "SELECT 18446744073709551615::UBIGINT AS u"}, nil); !errors.Is(err, ErrType) || !strings.Contains(err.Error(), `column "u"`) {
		t.Errorf("a UBIGINT beyond int64: %v, want ErrType naming the column", err)
	}
	// Constant and dictionary vectors over many chunks come out row by row.
	out := run(t, db, "SELECT 7 AS c, 'k' || (range % 3) AS d, CASE WHEN range % 5 = 0 THEN NULL ELSE range END AS n FROM range(5000)", nil)
	for i := range 5000 {
		if c, d := out.Col("c").Ints()[i], out.Col("d").Strings()[i]; c != 7 || d != fmt.Sprintf("k%d", i%3) || out.Col("n").IsNull(i) != (i%5 == 0) {
			t.Fatalf("row %d: c %d d %q n null %v", i, c, d, out.Col("n").IsNull(i))
		}
	}
}

// TestVariablesAreBound shows a value holding a quote cannot change a query.
func TestVariablesAreBound(t *testing.T) {
	db := open(t)
	db.Add("zones", frame.MustNew(frame.NewStrings("zone", []string{"a", "b"}), frame.NewInts("id", []int64{1, 2})))
	out := run(t, db, "SELECT * FROM zones WHERE zone = $zone", map[string]any{"zone": "' OR '1'='1"})
	if out.NumRows() != 0 {
		t.Fatalf("injection matched %d rows", out.NumRows())
	}
	out = run(t, db, "SELECT * FROM zones WHERE zone = $zone AND id >= $min", map[string]any{"zone": "b", "min": int64(2)})
	if out.NumRows() != 1 {
		t.Fatalf("got %d rows, want 1", out.NumRows())
	}
	out = run(t, db, "SELECT * FROM zones WHERE id = ? OR zone = $2", nil, int64(1), "b")
	if out.NumRows() != 2 {
		t.Fatalf("positional: got %d rows, want 2", out.NumRows())
	}
	_, err := db.Run(context.Background(), Script{File: "q.sql", Text: "SELECT 1\nWHERE 1 = $typo"}, map[string]any{"zone": "a"})
	if !errors.Is(err, ErrVariable) || !strings.Contains(err.Error(), "$typo (variables: zone)") || !strings.HasPrefix(err.Error(), "q.sql:2:11: ") {
		t.Errorf("unknown variable: %v", err)
	}
	out = run(t, db, "SELECT * FROM query_table($t)", map[string]any{"t": "zones"})
	if out.NumRows() != 2 {
		t.Errorf("query_table($t): %d rows, want 2", out.NumRows())
	}
	out = run(t, db, "SELECT unnest(golem_months($m)) AS m", map[string]any{"m": "2023-11..2024-02"})
	if got := strings.Join(out.Col("m").Strings(), ","); got != "2023-11,2023-12,2024-01,2024-02" {
		t.Errorf("golem_months: %s", got)
	}
}

func TestErrorsNamePositions(t *testing.T) {
	db := open(t)
	db.Add("prepare", frame.MustNew(frame.NewInts("a", []int64{1})))
	db.Add("zones", frame.MustNew(frame.NewInts("b", []int64{1})))
	tests := []struct {
		name, text, want string
		is               error
	}{
		{"syntax", "-- a comment\nSELECT *\nFORM prepare", "t.sql:3:6: Parser Error: syntax error at or near \"prepare\"", nil},
		{"unknown column", "CREATE TEMP TABLE x AS SELECT 1 AS a;\n\nSELECT a,\n  nope FROM prepare", "t.sql:4:3: Binder Error: Referenced column \"nope\" not found", nil},
		{"unknown table", "SELECT 1;  SELECT * FROM prepared", "t.sql:1:26: Catalog Error: Table with name prepared does not exist! (tables from upstream blocks: prepare, zones)", ErrTable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Run(context.Background(), Script{File: "t.sql", Text: tt.text}, nil)
			var pe *blocks.PosError
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got %v\nwant prefix %s", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v is not %v", err, tt.is)
			}
		})
	}
}

func TestCancelStopsAQuery(t *testing.T) {
	db := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := db.Run(ctx, Script{File: "slow.sql", Text: "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range"}, nil)
	if err == nil {
		t.Fatal("the query finished")
	}
	if d := time.Since(start); d > 1300*time.Millisecond {
		t.Errorf("cancel took %s after the cancel, want < 1s", d-300*time.Millisecond)
	}
}

// TestTablesScannedTwice: an upstream table gives the same rows however often a statement scans
// it and whatever filter it takes. (A view straight over an Arrow stream gave 0 rows to a
// self-join — a stream is read once — and ignored a constant filter pushed into the scan; the
// golem_frame table function starts each scan at row 0 and leaves filters to DuckDB.)
func TestTablesScannedTwice(t *testing.T) {
	db := open(t)
	db.Add("v", frame.MustNew(frame.NewInts("id", []int64{1, 2, 3})))
	for q, want := range map[string]int64{
		"SELECT count(*) AS n FROM v":                                                             3,
		"SELECT count(*) AS n FROM v a JOIN v b USING (id)":                                       3,
		"WITH x AS (SELECT * FROM v) SELECT count(*) AS n FROM x a JOIN x b USING (id)":           3,
		"SELECT count(*) AS n FROM (SELECT * FROM v UNION ALL SELECT * FROM v)":                   6,
		"SELECT (SELECT count(*) FROM v) + (SELECT count(*) FROM v) AS n":                         6,
		"SELECT count(*) AS n FROM v WHERE id > $1":                                               1,
		"CREATE TEMP TABLE w AS SELECT * FROM v; SELECT count(*) AS n FROM v, w":                  9,
		"COPY v TO '" + t.TempDir() + "/v.parquet' (FORMAT parquet); SELECT count(*) AS n FROM v": 3,
	} {
		out, err := db.Run(context.Background(), Script{Text: q}, nil, int64(2))
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		if got := out.Col("n").Ints()[0]; got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
}

// TestScanManyChunks reads a frame of several of DuckDB's 2,048-row vectors through golem_frame:
// every row in order, nulls on both sides of a mask word, strings short enough to be inlined and
// long ones, only the columns a query names, and a frame replaced under the same name.
func TestScanManyChunks(t *testing.T) {
	const n = 5000
	ids := make([]int64, n)
	vals := make([]float64, n)
	strs := make([]string, n)
	valid := make([]bool, n)
	for i := range n {
		ids[i] = int64(i)
		vals[i] = float64(i) / 4
		strs[i] = strings.Repeat("x", i%20) + fmt.Sprint(i)
		valid[i] = i%7 != 0 && i != 63 && i != 64
	}
	in := frame.MustNew(frame.NewInts("id", ids), frame.NewFloats("v", vals).WithNulls(valid), frame.NewStrings("s", strs))
	db := open(t)
	db.Add("big", in)
	out := run(t, db, "SELECT * FROM big", nil)
	if got, want := out.String(), in.String(); got != want || out.NumRows() != n {
		t.Fatalf("SELECT * changed the frame (%d rows):\n got %s\nwant %s", out.NumRows(), got, want)
	}
	for i := range n {
		if out.Col("v").IsNull(i) != !valid[i] || out.Col("s").Strings()[i] != strs[i] || out.Col("id").Ints()[i] != int64(i) {
			t.Fatalf("row %d: id %d v null %v s %q, want %d %v %q", i, out.Col("id").Ints()[i], out.Col("v").IsNull(i), out.Col("s").Strings()[i], i, !valid[i], strs[i])
		}
	}
	agg := run(t, db, "SELECT count(v) AS c, sum(length(s)) AS l, max(id) AS m FROM big WHERE id >= 2048", nil)
	wantC, wantL := int64(0), int64(0)
	for i := 2048; i < n; i++ {
		if valid[i] {
			wantC++
		}
		wantL += int64(len(strs[i]))
	}
	if c, l, m := agg.Col("c").Ints()[0], agg.Col("l").Ints()[0], agg.Col("m").Ints()[0]; c != wantC || l != wantL || m != n-1 {
		t.Errorf("count %d, length %d, max %d; want %d, %d, %d", c, l, m, wantC, wantL, n-1)
	}
	db.Add("big", frame.MustNew(frame.NewStrings("other", []string{"a", "b"})))
	if got := run(t, db, "SELECT count(*) AS n, min(other) AS o FROM big", nil); got.Col("n").Ints()[0] != 2 || got.Col("o").Strings()[0] != "a" {
		t.Errorf("replaced frame read as %s", got)
	}
}

// TestScanRejectsInvalidText: DuckDB's text must be UTF-8; a frame string that is not fails the
// statement naming the column and row instead of reaching DuckDB.
func TestScanRejectsInvalidText(t *testing.T) {
	db := open(t)
	db.Add("t", frame.MustNew(frame.NewStrings("name", []string{"ok", "bad\xff"})))
	_, err := db.Run(context.Background(), Script{File: "q.sql", Text: "SELECT * FROM t"}, nil)
	if err == nil || !strings.Contains(err.Error(), `column "name" row 1`) || !strings.HasPrefix(err.Error(), "q.sql:1:") {
		t.Fatalf("err = %v", err)
	}
}

// TestUnknownVariableAtItsName: an unknown $name is reported where it stands, in whichever
// statement and line of the file.
func TestUnknownVariableAtItsName(t *testing.T) {
	db := open(t)
	_, err := db.Run(context.Background(), Script{File: "q.sql", Text: "-- first\nSELECT 1;\nSELECT 2 AS v\n  WHERE v > $min_minutes"}, map[string]any{"months": "2023-01"})
	if !errors.Is(err, ErrVariable) || !strings.HasPrefix(err.Error(), "q.sql:4:13: ") {
		t.Errorf("err = %v, want q.sql:4:13: … ErrVariable", err)
	}
}

// TestArgumentsOfAnyGoType: ctx.SQL's arguments come from interpreted code as any Go number,
// string or bool type, named ones too; what has no SQL value is an error saying so.
func TestArgumentsOfAnyGoType(t *testing.T) {
	type zone int32
	type label string
	db := open(t)
	out := run(t, db, "SELECT ? AS a, ? AS b, ? AS c, ? AS d, ? AS e", nil, zone(7), uint16(8), float32(1.5), label("x"), true)
	if got := out.String(); !strings.Contains(got, "7") || !strings.Contains(got, "8") || !strings.Contains(got, "1.5") || !strings.Contains(got, "x") || !strings.Contains(got, "true") {
		t.Errorf("bound values came back as %s", got)
	}
	for _, bad := range []any{uint64(1 << 63), map[string]int{"a": 1}, struct{}{}} {
		if _, err := db.Run(context.Background(), Script{File: "t.sql", Text: "SELECT ? AS v"}, nil, bad); !errors.Is(err, ErrType) {
			t.Errorf("%T: err = %v, want ErrType", bad, err)
		}
	}
}
