package frame

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// bigFrame has n rows of every type with nulls scattered through them; its
// strings take card distinct values.
func bigFrame(n, card int) *Frame {
	r := rand.New(rand.NewPCG(1, 2))
	ints, floats := make([]int64, n), make([]float64, n)
	strs, bools := make([]string, n), make([]bool, n)
	ts, valid, sparse := make([]int64, n), make([]bool, n), make([]bool, n)
	for i := range n {
		ints[i] = r.Int64N(1000) - 500
		floats[i] = r.NormFloat64()
		strs[i] = fmt.Sprint("z", r.IntN(card))
		bools[i] = r.IntN(2) == 0
		ts[i] = 1_672_531_200_000_000 + r.Int64N(1e12)
		valid[i] = r.IntN(10) != 0
		sparse[i] = r.IntN(1000) == 0
	}
	return MustNew(
		NewInts("i", ints).WithNulls(valid),
		NewFloats("f", floats),
		NewStrings("s", strs).WithNulls(valid),
		NewBools("b", bools).WithNulls(valid),
		NewTimestampMicros("t", ts),
		NewDurationMicros("d", ints).WithNulls(sparse),
		NewStrings("allnull", strs).WithNulls(make([]bool, n)),
	)
}

// readRowsParquetGo reads path with parquet-go's row reader (not the
// frame's page decoder) and returns the rows as Go values (nil for null).
func readRowsParquetGo(t *testing.T, path string) [][]any {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	pf, err := parquet.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		buf := make([]parquet.Row, 1024)
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				vals := make([]any, len(row))
				for _, v := range row {
					if v.IsNull() {
						continue
					}
					switch v.Kind() {
					case parquet.Int64:
						vals[v.Column()] = v.Int64()
					case parquet.Double:
						vals[v.Column()] = v.Double()
					case parquet.Boolean:
						vals[v.Column()] = v.Boolean()
					case parquet.ByteArray:
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

// rawValue is row i of s as parquet stores it (timestamps and durations as
// int64 microseconds).
func rawValue(s *Series, i int) any {
	if s.IsNull(i) {
		return nil
	}
	switch s.typ {
	case Int64, Timestamp, Duration:
		return s.ints[i]
	case Float64:
		return s.floats[i]
	case String:
		return s.strs[i]
	case Bool:
		return s.bools[i]
	}
	return nil
}

func TestWriteParquet_ReadableByParquetGoRows(t *testing.T) {
	tests := []struct {
		name string
		f    *Frame
	}{
		{"small with nulls", allTypes()},
		{"several pages, dictionary strings", bigFrame(3*pageRows+17, 300)},
		{"plain strings past the dictionary limit", bigFrame(maxDictEntries*3, maxDictEntries*2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f.parquet")
			if err := tt.f.WriteParquet(p); err != nil {
				t.Fatal(err)
			}
			rows := readRowsParquetGo(t, p)
			if len(rows) != tt.f.NumRows() {
				t.Fatalf("%d rows, want %d", len(rows), tt.f.NumRows())
			}
			for i, row := range rows {
				for j, c := range tt.f.cols {
					if want := rawValue(c, i); row[j] != want {
						t.Fatalf("row %d column %s: %v, want %v", i, c.name, row[j], want)
					}
				}
			}
			got, err := ReadParquet(p)
			if err != nil {
				t.Fatal(err)
			}
			sameFrame(t, got, tt.f)
		})
	}
}

func TestWriteParquet_DictionaryOnlyForFewDistinctStrings(t *testing.T) {
	for _, tt := range []struct {
		card     int
		wantDict bool
	}{{50, true}, {maxDictEntries * 2, false}} {
		f := bigFrame(maxDictEntries*3, tt.card).Select("s")
		p := filepath.Join(t.TempDir(), "s.parquet")
		if err := f.WriteParquet(p); err != nil {
			t.Fatal(err)
		}
		pf, err := openParquet(p, ReadOptions{}.withDefaults())
		if err != nil {
			t.Fatal(err)
		}
		defer pf.close()
		defer pf.close()
		md := pf.file.Metadata().RowGroups[0].Columns[0].MetaData
		if got := md.DictionaryPageOffset > 0; got != tt.wantDict {
			t.Fatalf("%d distinct: dictionary %v, want %v (encodings %v)", tt.card, got, tt.wantDict, md.Encoding)
		}
		if md.Statistics.NullCount != int64(f.Col("s").NullCount()) {
			t.Fatalf("null count %d, want %d", md.Statistics.NullCount, f.Col("s").NullCount())
		}
	}
}

func TestWriteParquet_SeveralRowGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a million rows")
	}
	n := rowGroupRows + 1000
	f := bigFrame(n, 20).Select("i", "s", "t")
	p := filepath.Join(t.TempDir(), "big.parquet")
	if err := f.WriteParquet(p); err != nil {
		t.Fatal(err)
	}
	pf, err := openParquet(p, ReadOptions{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	defer pf.close()
	if g := len(pf.file.RowGroups()); g != 2 {
		t.Fatalf("%d row groups, want 2", g)
	}
	got, err := ReadParquet(p)
	if err != nil {
		t.Fatal(err)
	}
	sameFrame(t, got, f)
}

func TestWriteParquet_SchemaMatchesParquetGo(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	if err := allTypes().WriteParquet(p); err != nil {
		t.Fatal(err)
	}
	pf, err := openParquet(p, ReadOptions{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	defer pf.close()
	want := map[string]parquet.Node{
		"i": parquet.Int(64), "f": parquet.Leaf(parquet.DoubleType), "s": parquet.String(),
		"b": parquet.Leaf(parquet.BooleanType), "t": parquet.TimestampAdjusted(parquet.Microsecond, false),
		"d": parquet.Int(64), "full": parquet.Int(64),
	}
	for _, fl := range pf.file.Schema().Fields() {
		w := want[fl.Name()]
		if !fl.Optional() || fl.Type().Kind() != w.Type().Kind() || fmt.Sprint(fl.Type().LogicalType()) != fmt.Sprint(w.Type().LogicalType()) {
			t.Errorf("column %s: %v optional=%v, want optional %v", fl.Name(), fl.Type(), fl.Optional(), w.Type())
		}
	}
}

func TestWriteParquet_LongPlainStringsSplitIntoPages(t *testing.T) {
	n := 2 * maxDictEntries // too many distinct values for a dictionary
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("%06d-%s", i, strings.Repeat("x", 20+i%7)) // ~4.5 MB
	}
	valid := make([]bool, n)
	for i := range valid {
		valid[i] = i%5 != 0
	}
	s := NewStrings("s", v).WithNulls(valid)
	c := encodeTestChunk(s)
	if c.hasDict || len(c.pages) < 3 {
		t.Fatalf("dictionary %v, %d pages for ~4.5 MB of distinct strings, want several PLAIN pages", c.hasDict, len(c.pages))
	}
	f := MustNew(s)
	p := filepath.Join(t.TempDir(), "long.parquet")
	if err := f.WriteParquet(p); err != nil {
		t.Fatal(err)
	}
	got, err := ReadParquet(p)
	if err != nil {
		t.Fatal(err)
	}
	sameFrame(t, got, f)
}

// encodeTestChunk encodes all of s as one column chunk.
func encodeTestChunk(s *Series) columnChunk {
	e := &chunkEncoder{}
	return e.encode(s, 0, s.Len(), &pageBufs{})
}
