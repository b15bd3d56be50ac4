package frame

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golemlabs/golem/internal/parquet"
)

func allTypes() *Frame {
	return MustNew(
		nulls(NewInts("i", []int64{1, -2, 3}), 1),
		nulls(NewFloats("f", []float64{1.5, 2.5, -3}), 2),
		nulls(NewStrings("s", []string{"a", "", "ccc"}), 0),
		nulls(NewBools("b", []bool{true, false, true}), 1),
		nulls(NewTimes("t", []time.Time{t0, t0.Add(1500 * time.Microsecond), t0.AddDate(-60, 0, 0)}), 1),
		nulls(NewDurations("d", []time.Duration{time.Minute, -time.Second, 0}), 2),
		NewInts("full", []int64{7, 8, 9}),
	)
}

func sameFrame(t *testing.T, got, want *Frame) {
	t.Helper()
	if strings.Join(got.Columns(), ",") != strings.Join(want.Columns(), ",") {
		t.Fatalf("columns %v, want %v", got.Columns(), want.Columns())
	}
	for i, f := range want.Schema() {
		if got.Schema()[i] != f {
			t.Fatalf("schema %v, want %v", got.Schema(), want.Schema())
		}
		eqValues(t, got.Col(f.Name), values(want.Col(f.Name)))
	}
}

func TestParquet_RoundTrip(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		f    *Frame
	}{
		{"all types with nulls", allTypes()},
		{"empty", allTypes().Head(0)},
		{"no columns", MustNew()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name+".parquet")
			if err := tt.f.WriteParquet(p); err != nil {
				t.Fatal(err)
			}
			got, err := ReadParquet(p)
			if err != nil {
				t.Fatal(err)
			}
			sameFrame(t, got, tt.f)
		})
	}
}

// Many rows of every type with nulls, in several pages with dictionary and
// PLAIN strings, come back as they were written (the codec is tested in
// internal/parquet; this covers the series it is handed and the ones it fills).
func TestParquet_RoundTripManyRows(t *testing.T) {
	n := 200_003
	r := rand.New(rand.NewPCG(1, 2))
	ints, floats, strs, bools := make([]int64, n), make([]float64, n), make([]string, n), make([]bool, n)
	valid, rare := make([]bool, n), make([]bool, n)
	for i := range n {
		ints[i] = r.Int64N(1e12) - 5e11
		floats[i] = r.NormFloat64()
		strs[i] = fmt.Sprint("z", r.IntN(300))
		bools[i] = r.IntN(2) == 0
		valid[i] = r.IntN(10) != 0
		rare[i] = r.IntN(1000) == 0
	}
	f := MustNew(
		NewInts("i", ints).WithNulls(valid),
		NewFloats("f", floats),
		NewStrings("s", strs).WithNulls(valid),
		NewInts("n", ints).AsString(),
		NewBools("b", bools).WithNulls(valid),
		NewTimestampMicros("t", ints),
		NewDurationMicros("d", ints).WithNulls(rare),
		NewNulls("allnull", String, n),
	)
	p := filepath.Join(t.TempDir(), "many.parquet")
	if err := f.WriteParquet(p); err != nil {
		t.Fatal(err)
	}
	got, err := ReadParquet(p)
	if err != nil {
		t.Fatal(err)
	}
	sameFrame(t, got, f)
}

func TestParquet_ColumnsProjection(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	if err := allTypes().WriteParquet(p); err != nil {
		t.Fatal(err)
	}
	got, err := ReadParquetWith(ReadOptions{Columns: []string{"s", "i"}}, p)
	if err != nil {
		t.Fatal(err)
	}
	sameFrame(t, got, allTypes().Select("s", "i"))
	_, err = ReadParquetWith(ReadOptions{Columns: []string{"nope"}}, p)
	if !errors.Is(err, ErrNoColumn) || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Fatalf("err %v", err)
	}
}

func TestParquet_ManyFilesUnify(t *testing.T) {
	dir := t.TempDir()
	a := MustNew(NewInts("id", []int64{1, 2}), NewInts("v", []int64{10, 20}), NewNulls("e", Float64, 2))
	b := MustNew(NewInts("id", []int64{3}), NewFloats("v", []float64{0.5}), NewFloats("e", []float64{9}), NewStrings("extra", []string{"x"}))
	if err := a.WriteParquet(filepath.Join(dir, "01.parquet")); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteParquet(filepath.Join(dir, "02.parquet")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "*.parquet"), dir} {
		got, err := ReadParquet(path)
		if err != nil {
			t.Fatal(err)
		}
		eqValues(t, got.Col("id"), []any{int64(1), int64(2), int64(3)})
		eqValues(t, got.Col("v"), []any{10.0, 20.0, 0.5})
		eqValues(t, got.Col("e"), []any{nil, nil, 9.0})
		eqValues(t, got.Col("extra"), []any{nil, nil, "x"})
	}
	c := MustNew(NewStrings("id", []string{"x"}))
	if err := c.WriteParquet(filepath.Join(dir, "03.parquet")); err != nil {
		t.Fatal(err)
	}
	_, err := ReadParquet(filepath.Join(dir, "*.parquet"))
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "03.parquet") || !strings.Contains(err.Error(), `column "id"`) {
		t.Fatalf("err %v", err)
	}
}

func TestParquet_Errors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	if err := allTypes().WriteParquet(good); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	truncated := filepath.Join(dir, "truncated.parquet")
	os.WriteFile(truncated, data[:len(data)/2], 0o644)
	garbage := filepath.Join(dir, "garbage.parquet")
	os.WriteFile(garbage, []byte("this is not parquet at all, sorry"), 0o644)
	corrupt := filepath.Join(dir, "corrupt.parquet")
	bad := append([]byte(nil), data...)
	for i := 4; i < len(bad)/2; i++ {
		bad[i] ^= 0x5a
	}
	os.WriteFile(corrupt, bad, 0o644)
	tests := []struct {
		name string
		path string
		want []string
		is   error
	}{
		{"missing file", filepath.Join(dir, "nope.parquet"), []string{"read " + filepath.Join(dir, "nope.parquet") + ": ", "no such file"}, os.ErrNotExist},
		{"glob matches nothing", filepath.Join(dir, "*.csv"), []string{"read " + filepath.Join(dir, "*.csv") + ": no files match"}, ErrNoFiles},
		{"truncated", truncated, []string{"read " + truncated + ": ", "truncated or corrupt"}, nil},
		{"garbage", garbage, []string{"read " + garbage + ": ", "not a parquet file"}, nil},
		{"corrupt pages", corrupt, []string{"read " + corrupt + ": "}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadParquet(tt.path)
			if err == nil {
				t.Fatal("no error")
			}
			contains(t, err.Error(), tt.want...)
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err %v is not %v", err, tt.is)
			}
		})
	}
}

func TestParquet_HTTP(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	if err := allTypes().WriteParquet(p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	var calls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ok.parquet", func(w http.ResponseWriter, r *http.Request) { w.Write(data) })
	mux.HandleFunc("/flaky.parquet", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.Write(data)
	})
	mux.HandleFunc("/down.parquet", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	mux.HandleFunc("/slow.parquet", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Write(data)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	fast := ReadOptions{RetryDelay: time.Millisecond}

	got, err := ReadParquetWith(fast, srv.URL+"/ok.parquet", srv.URL+"/ok.parquet")
	if err != nil || got.NumRows() != 6 {
		t.Fatalf("ok: %v", err)
	}
	got, err = ReadParquetWith(fast, srv.URL+"/flaky.parquet")
	if err != nil || calls.Load() != 2 {
		t.Fatalf("flaky: %v after %d calls", err, calls.Load())
	}
	sameFrame(t, got, allTypes())

	tests := []struct {
		name string
		opts ReadOptions
		path string
		want []string
	}{
		{"5xx exhausts retries", ReadOptions{Retries: 2, RetryDelay: time.Millisecond}, "/down.parquet", []string{"/down.parquet: download (after 3 attempts): HTTP 500"}},
		{"404 not retried", fast, "/missing.parquet", []string{"/missing.parquet: download: HTTP 404"}},
		{"timeout", ReadOptions{Timeout: 50 * time.Millisecond, Retries: -1}, "/slow.parquet", []string{"/slow.parquet: download: ", "Timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadParquetWith(tt.opts, srv.URL+tt.path)
			if err == nil {
				t.Fatal("no error")
			}
			contains(t, err.Error(), append([]string{"read " + srv.URL}, tt.want...)...)
		})
	}
}

func TestCSV_RoundTripAndInference(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "in.csv")
	os.WriteFile(p, []byte("i,f,b,t,t2,s,empty\n"+
		"1,1.5,true,2023-01-01T10:00:00Z,2023-01-01 10:00:00,x,\n"+
		",2,False,,2023-01-02 11:30:00,,\n"+
		"3,,TRUE,2023-01-01T10:00:00.5Z,,\"a,b\",\n"), 0o644)
	f, err := ReadCSV(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{"i", Int64}, {"f", Float64}, {"b", Bool}, {"t", Timestamp}, {"t2", Timestamp}, {"s", String}, {"empty", String}}
	for i, w := range want {
		if f.Schema()[i] != w {
			t.Fatalf("schema %v", f.Schema())
		}
	}
	eqValues(t, f.Col("i"), []any{int64(1), nil, int64(3)})
	eqValues(t, f.Col("f"), []any{1.5, 2.0, nil})
	eqValues(t, f.Col("b"), []any{true, false, true})
	eqValues(t, f.Col("t"), []any{t0, nil, t0.Add(500 * time.Millisecond)})
	eqValues(t, f.Col("t2"), []any{t0, time.Date(2023, 1, 2, 11, 30, 0, 0, time.UTC), nil})
	eqValues(t, f.Col("s"), []any{"x", nil, "a,b"})
	eqValues(t, f.Col("empty"), []any{nil, nil, nil})

	out := filepath.Join(dir, "out.csv")
	src := allTypes().Drop("d")
	if err := src.WriteCSV(out); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSVWith(CSVOptions{Types: map[string]Type{"s": String}}, out)
	if err != nil {
		t.Fatal(err)
	}
	// "" and null are the same in CSV.
	sameFrame(t, back.Drop("s"), src.Drop("s"))
	eqValues(t, back.Col("s"), []any{nil, nil, "ccc"})

	_, err = ReadCSV(filepath.Join(dir, "nope.csv"))
	contains(t, err.Error(), "read "+filepath.Join(dir, "nope.csv"))
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a\nx\n"), 0o644)
	_, err = ReadCSVWith(CSVOptions{Types: map[string]Type{"a": Int64}}, bad)
	contains(t, err.Error(), "read "+bad, `column "a" line 2: cannot parse "x" as int64`)
}

// A path is read as written when it exists; only the part of a path that does not exist is a glob.
// So a project under "pb[1]" reads its files, and globs below it still work.
func TestParquet_PathsAreGlobsOnlyWhereAsked(t *testing.T) {
	root := filepath.Join(t.TempDir(), "pb[1]")
	lit := filepath.Join(root, "data", "a*b")
	for _, d := range []string{filepath.Join(root, "data"), lit, filepath.Join(root, "pb1")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rows := func(n int) *Frame { return MustNew(NewInts("x", make([]int64, n))) }
	files := map[string]int{
		filepath.Join(root, "data", "01.parquet"):  1,
		filepath.Join(root, "data", "02.parquet"):  2,
		filepath.Join(root, "data", "[x].parquet"): 4,
		filepath.Join(lit, "03.parquet"):           8,
		filepath.Join(root, "pb1", "01.parquet"):   16, // what "pb[1]" would match as a pattern
	}
	for p, n := range files {
		if err := rows(n).WriteParquet(p); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		path string
		rows int
		is   error
	}{
		{"existing file under brackets", filepath.Join(root, "data", "01.parquet"), 1, nil},
		{"existing file named like a pattern", filepath.Join(root, "data", "[x].parquet"), 4, nil},
		{"existing directory named like a pattern", lit, 8, nil},
		{"glob below a literal bracket dir", filepath.Join(root, "data", "0?.parquet"), 3, nil},
		{"glob star", filepath.Join(root, "data", "*.parquet"), 7, nil},
		{"glob across dirs", filepath.Join(root, "*", "01.parquet"), 17, nil},
		{"missing file is not a glob", filepath.Join(root, "data", "09.parquet"), 0, os.ErrNotExist},
		{"glob matching nothing", filepath.Join(root, "data", "*.csv"), 0, ErrNoFiles},
		{"relative glob", "*.nothing", 0, ErrNoFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ReadParquet(tt.path)
			if tt.is != nil {
				if !errors.Is(err, tt.is) {
					t.Fatalf("err %v, want %v", err, tt.is)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.NumRows() != tt.rows {
				t.Errorf("%d rows, want %d", f.NumRows(), tt.rows)
			}
		})
	}
}

// WriteParquet and ReadParquet hand series to internal/parquet by casting the
// type: both packages must list the types in the same order.
func TestParquet_CodecTypesInFrameOrder(t *testing.T) {
	same := map[Type]parquet.Type{Int64: parquet.Int64, Float64: parquet.Float64, String: parquet.String,
		Bool: parquet.Bool, Timestamp: parquet.Timestamp, Duration: parquet.Duration}
	for typ, want := range same {
		if got := parquet.Type(typ); got != want {
			t.Errorf("frame %s is parquet type %d, want %d", typ, got, want)
		}
	}
}

// A done Context stops a download in progress and the wait before a retry.
func TestParquet_HTTPStopsWithItsContext(t *testing.T) {
	closed := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/endless.parquet", func(w http.ResponseWriter, r *http.Request) {
		// Big enough never to arrive, small enough that reserving it (a download reserves its
		// Content-Length) costs nothing next to the 2 s bound on a loaded machine.
		w.Header().Set("Content-Length", "10000000")
		for {
			select {
			case <-r.Context().Done():
				closed <- struct{}{}
				return
			case <-time.After(10 * time.Millisecond):
				w.Write(make([]byte, 512))
				w.(http.Flusher).Flush()
			}
		}
	})
	mux.HandleFunc("/down.parquet", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, tt := range []struct {
		name, path string
		opts       ReadOptions
	}{
		{"while downloading", "/endless.parquet", ReadOptions{}},
		{"while waiting to retry", "/down.parquet", ReadOptions{Retries: 5, RetryDelay: time.Minute}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			defer cancel()
			tt.opts.Context = ctx
			start := time.Now()
			_, err := ReadParquetWith(tt.opts, srv.URL+tt.path)
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "download stopped") {
				t.Fatalf("err %v, want the context's", err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Fatalf("stopped after %s", took)
			}
		})
	}
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("the server still streams to a reader whose context ended")
	}
}
