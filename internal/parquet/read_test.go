package parquet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
)

// otherWriterRow is written by parquet-go's own writer: physical and logical
// types this package never writes (int32, float32, DATE, millisecond and
// nanosecond timestamps, TIME, dictionary-encoded numbers, required columns,
// a nested group).
type otherWriterRow struct {
	I32    int32     `parquet:"i32"`
	OptI32 *int32    `parquet:"opt_i32,optional"`
	DictI  int64     `parquet:"dict_i,dict"`
	F32    float32   `parquet:"f32"`
	Date   int32     `parquet:"date,date"`
	TsMs   int64     `parquet:"ts_ms,timestamp(millisecond:local)"`
	TsNs   time.Time `parquet:"ts_ns,timestamp(nanosecond:local)"`
	TimeUs int64     `parquet:"time_us,time(microsecond)"`
	DictS  string    `parquet:"dict_s,dict"`
	Req    bool      `parquet:"req"`
	Nested struct {
		A int64 `parquet:"a"`
	} `parquet:"nested"`
}

var typeNames = map[Type]string{Int64: "int64", Float64: "float64", String: "string", Bool: "bool", Timestamp: "timestamp", Duration: "duration"}

func TestDecode_FilesOfAnotherWriter(t *testing.T) {
	seven := int32(7)
	rows := []otherWriterRow{
		{I32: -1, OptI32: &seven, DictI: 5, F32: 1.5, Date: 19358, TsMs: 1_672_531_200_123, TsNs: time.Date(2023, 1, 1, 0, 0, 0, 1500, time.UTC), TimeUs: 90_000_000, DictS: "x", Req: true},
		{I32: 2, DictI: 5, F32: -2, Date: -1, TsMs: -1, TsNs: time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC), TimeUs: 1, DictS: "y"},
	}
	p := filepath.Join(t.TempDir(), "other.parquet")
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := pq.NewGenericWriter[otherWriterRow](fh)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	fh.Close()

	f, err := OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	types := map[string]string{}
	for _, c := range f.Columns {
		types[c.Name] = typeNames[c.Type]
		if c.Skip != "" {
			types[c.Name] = "skip: " + c.Skip
		}
	}
	wantTypes := map[string]string{
		"i32": "int64", "opt_i32": "int64", "dict_i": "int64", "f32": "float64", "date": "timestamp",
		"ts_ms": "timestamp", "ts_ns": "timestamp", "time_us": "duration", "dict_s": "string", "req": "bool",
		"nested": "skip: nested or repeated column",
	}
	for n, w := range wantTypes {
		if types[n] != w {
			t.Errorf("column %s: %s, want %s", n, types[n], w)
		}
	}
	got := map[string][]any{}
	for _, c := range readAll(t, p) {
		got[c.Name] = []any{value(c, 0), value(c, 1)}
	}
	want := map[string][]any{
		"i32":     {int64(-1), int64(2)},
		"opt_i32": {int64(7), nil},
		"dict_i":  {int64(5), int64(5)},
		"f32":     {1.5, -2.0},
		"date":    {int64(19358) * microsPerDay, -int64(microsPerDay)},
		"ts_ms":   {int64(1_672_531_200_123_000), int64(-1000)},
		"ts_ns":   {int64(1_672_531_200_000_001), int64(-1)}, // nanoseconds floor to microseconds
		"time_us": {int64(90_000_000), int64(1)},
		"dict_s":  {"x", "y"},
		"req":     {true, false},
	}
	for n, w := range want {
		if g := got[n]; len(g) != 2 || g[0] != w[0] || g[1] != w[1] {
			t.Errorf("column %s: %v, want %v", n, g, w)
		}
	}
	nested := 0
	for i, c := range f.Columns {
		if c.Name == "nested" {
			nested = i
		}
	}
	if err := f.Decode(nested, alloc("nested", Int64, 2), 0); !errors.Is(err, ErrUnsupported) {
		t.Errorf("nested column: %v, want ErrUnsupported", err)
	}
}

// An int64 column is decoded into a float64 destination when other files
// hold the same column as doubles; rows land at the offset given.
func TestDecode_IntoFloatsAtOffset(t *testing.T) {
	cols := smallColumns()
	f, err := OpenFile(writeTemp(t, 3, cols))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dst := alloc("i", Float64, 5)
	if err := f.Decode(0, dst, 2); err != nil {
		t.Fatal(err)
	}
	wantValid := []bool{false, false, true, false, true}
	wantVals := []float64{0, 0, 1, 0, 3}
	for i := range wantValid {
		if dst.Valid[i] != wantValid[i] || dst.Floats[i] != wantVals[i] {
			t.Fatalf("row %d: %v valid=%v, want %v valid=%v", i, dst.Floats[i], dst.Valid[i], wantVals[i], wantValid[i])
		}
	}
	if err := f.Decode(2, alloc("s", Int64, 3), 0); err == nil || !strings.Contains(err.Error(), "cannot decode a column of type 2 into one of type 0") {
		t.Fatalf("string into int64: %v", err)
	}
}

// Broken input is an error that says what is wrong, never a panic.
func TestOpen_BrokenFilesAreErrors(t *testing.T) {
	var good bytes.Buffer
	if err := Write(&good, 3, smallColumns()); err != nil {
		t.Fatal(err)
	}
	data := good.Bytes()
	flip := func(lo, hi int) []byte {
		b := append([]byte(nil), data...)
		for i := lo; i < hi; i++ {
			b[i] ^= 0x5a
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string // in the error of Open or, when Open succeeds, of a Decode
	}{
		{"empty", nil, "not a parquet file"},
		{"garbage", []byte("this is not parquet at all, sorry"), "not a parquet file"},
		{"truncated", data[:len(data)/2], "truncated or corrupt"},
		{"corrupt footer", flip(len(data)-40, len(data)-8), "corrupt parquet file"},
		{"corrupt pages", flip(4, len(data)/2), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(bytes.NewReader(tt.data), int64(len(tt.data)))
			if err == nil {
				for i, c := range f.Columns {
					if c.Skip == "" && !c.Null {
						if err = f.Decode(i, alloc(c.Name, c.Type, f.Rows), 0); err != nil {
							break
						}
					}
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestOpenFile_NotARegularFile(t *testing.T) {
	if _, err := OpenFile(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("directory: %v", err)
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "nope.parquet")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
}
