package parquet

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	pq "github.com/parquet-go/parquet-go"
)

// readRowsParquetGo reads path with parquet-go's row reader (not this
// package's page decoder) and returns the rows as Go values (nil for null).
func readRowsParquetGo(t *testing.T, path string) [][]any {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	pf, err := pq.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		buf := make([]pq.Row, 1024)
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				vals := make([]any, len(row))
				for _, v := range row {
					if v.IsNull() {
						continue
					}
					switch v.Kind() {
					case pq.Int64:
						vals[v.Column()] = v.Int64()
					case pq.Double:
						vals[v.Column()] = v.Double()
					case pq.Boolean:
						vals[v.Column()] = v.Boolean()
					case pq.ByteArray:
						vals[v.Column()] = string(v.ByteArray())
					}
				}
				out = append(out, vals)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		rows.Close()
	}
	return out
}

func TestWrite_ReadableByParquetGoRowsAndDecode(t *testing.T) {
	tests := []struct {
		name string
		rows int
		cols []Column
	}{
		{"small with nulls", 3, smallColumns()},
		{"several pages, dictionary strings", 3*pageRows + 17, testColumns(3*pageRows+17, 300)},
		{"plain strings past the dictionary limit", maxDictEntries * 3, testColumns(maxDictEntries*3, maxDictEntries*2)},
		{"no rows", 0, testColumns(0, 1)},
		{"no columns", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeTemp(t, tt.rows, tt.cols)
			rows := readRowsParquetGo(t, p)
			if len(rows) != tt.rows {
				t.Fatalf("%d rows, want %d", len(rows), tt.rows)
			}
			for i, row := range rows {
				for j, c := range tt.cols {
					if want := value(c, i); row[j] != want {
						t.Fatalf("row %d column %s: %v, want %v", i, c.Name, row[j], want)
					}
				}
			}
			sameColumns(t, readAll(t, p), tt.cols, tt.rows)
		})
	}
}

func TestWrite_RejectsColumnsOfOtherLengths(t *testing.T) {
	for _, c := range []Column{
		{Name: "short", Type: Int64, Ints: []int64{1}},
		{Name: "mask", Type: Float64, Floats: []float64{1, 2}, Valid: []bool{true}},
		{Name: "wrong slice", Type: String, Ints: []int64{1, 2}},
	} {
		err := Write(io.Discard, 2, []Column{c})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("column %q", c.Name)) {
			t.Errorf("%s: err %v", c.Name, err)
		}
	}
}

func TestWrite_DictionaryOnlyForFewDistinctStrings(t *testing.T) {
	for _, tt := range []struct {
		card     int
		wantDict bool
	}{{50, true}, {maxDictEntries * 2, false}} {
		n := maxDictEntries * 3
		s := testColumns(n, tt.card)[2]
		f, err := OpenFile(writeTemp(t, n, []Column{s}))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		md := f.file.Metadata().RowGroups[0].Columns[0].MetaData
		if got := md.DictionaryPageOffset > 0; got != tt.wantDict {
			t.Fatalf("%d distinct: dictionary %v, want %v (encodings %v)", tt.card, got, tt.wantDict, md.Encoding)
		}
		nulls := 0
		for _, ok := range s.Valid {
			if !ok {
				nulls++
			}
		}
		if md.Statistics.NullCount != int64(nulls) {
			t.Fatalf("null count %d, want %d", md.Statistics.NullCount, nulls)
		}
	}
}

func TestWrite_SeveralRowGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a million rows")
	}
	n := rowGroupRows + 1000
	all := testColumns(n, 20)
	cols := []Column{all[0], all[2], all[4]}
	p := writeTemp(t, n, cols)
	f, err := OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if g := len(f.file.RowGroups()); g != 2 {
		t.Fatalf("%d row groups, want 2", g)
	}
	sameColumns(t, readAll(t, p), cols, n)
}

// The schema is the one parquet-go gives the same types, timestamps naive
// (not UTC-adjusted) microseconds, every column optional.
func TestWrite_SchemaMatchesParquetGo(t *testing.T) {
	f, err := OpenFile(writeTemp(t, 3, smallColumns()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]pq.Node{
		"i": pq.Int(64), "f": pq.Leaf(pq.DoubleType), "s": pq.String(),
		"b": pq.Leaf(pq.BooleanType), "t": pq.TimestampAdjusted(pq.Microsecond, false),
		"d": pq.Int(64), "full": pq.Int(64),
	}
	for _, fl := range f.file.Schema().Fields() {
		w := want[fl.Name()]
		if !fl.Optional() || fl.Type().Kind() != w.Type().Kind() || fmt.Sprint(fl.Type().LogicalType()) != fmt.Sprint(w.Type().LogicalType()) {
			t.Errorf("column %s: %v optional=%v, want optional %v", fl.Name(), fl.Type(), fl.Optional(), w.Type())
		}
		if fl.Name() == "t" && fl.Type().LogicalType().String() != "TIMESTAMP(isAdjustedToUTC=false,unit=MICROS)" {
			t.Errorf("timestamp logical type %s", fl.Type().LogicalType())
		}
	}
	// Durations are INT64 columns listed in the metadata, and come back as durations.
	if v, _ := f.file.Lookup(durationKey); v != "d" {
		t.Errorf("%s metadata %q, want d", durationKey, v)
	}
	if f.Columns[5].Type != Duration || f.Columns[6].Type != Int64 {
		t.Errorf("types %d %d, want duration int64", f.Columns[5].Type, f.Columns[6].Type)
	}
}

func TestWrite_LongPlainStringsSplitIntoPages(t *testing.T) {
	n := 2 * maxDictEntries // too many distinct values for a dictionary
	v := make([]string, n)
	valid := make([]bool, n)
	for i := range v {
		v[i] = fmt.Sprintf("%06d-%s", i, strings.Repeat("x", 20+i%7)) // ~4.5 MB
		valid[i] = i%5 != 0
	}
	s := Column{Name: "s", Type: String, Strs: v, Valid: valid}
	c := (&chunkEncoder{}).encode(&s, 0, n, &pageBufs{})
	if c.hasDict || len(c.pages) < 3 {
		t.Fatalf("dictionary %v, %d pages for ~4.5 MB of distinct strings, want several PLAIN pages", c.hasDict, len(c.pages))
	}
	sameColumns(t, readAll(t, writeTemp(t, n, []Column{s})), []Column{s}, n)
}

// What Write produces is the same bytes every time (no map order, no clock).
func TestWrite_Deterministic(t *testing.T) {
	n := 2*pageRows + 5
	cols := testColumns(n, 100)
	var a, b bytes.Buffer
	if err := Write(&a, n, cols); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, n, cols); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two writes of the same columns differ")
	}
}
