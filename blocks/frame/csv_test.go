package frame

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadCSVWith_Options(t *testing.T) {
	cases := []struct {
		name   string
		text   string
		opts   CSVOptions
		schema string // "name type, ..."
		want   map[string][]any
		err    []string // fragments of the error; nil: no error
		logged []string // fragments of the skipped-lines report
	}{
		{
			name:   "default null tokens keep a numeric column numeric",
			text:   "age,name\n22,a\nNA,b\nN/A,c\nnull,NA\nNaN,\n38.5,e\n",
			schema: "age float64, name string",
			want:   map[string][]any{"age": {22.0, nil, nil, nil, nil, 38.5}, "name": {"a", "b", "c", nil, nil, "e"}},
		},
		{
			name:   "custom null tokens",
			text:   "x\n1\n-\n\n3\n",
			opts:   CSVOptions{NullValues: []string{"-", ""}},
			schema: "x int64",
			want:   map[string][]any{"x": {int64(1), nil, int64(3)}},
		},
		{
			name:   "only empty is null when asked",
			text:   "x\nNA\n\n",
			opts:   CSVOptions{NullValues: []string{""}},
			schema: "x string",
			want:   map[string][]any{"x": {"NA"}},
		},
		{
			name: "ragged line fails with its line number",
			text: "a,b\n1,2\n3\n4,5\n",
			err:  []string{"line 3: 1 fields, want 2", `BadLines: "skip"`},
		},
		{
			name:   "ragged and broken lines skipped, counted and logged",
			text:   "a,b\n1,2\n3\n4,5,6\n\"7,8\n9,10\n11,\"x\"y\n12,13\n",
			opts:   CSVOptions{BadLines: "skip"},
			schema: "a int64, b int64",
			want:   map[string][]any{"a": {int64(1), int64(9), int64(12)}, "b": {int64(2), int64(10), int64(13)}},
			logged: []string{"skipped 4 bad lines", "line 3 (1 fields, want 2)", "line 4 (3 fields, want 2)", "line 5 (broken quote)", "line 7 (broken quote)"},
		},
		{
			name:   "quoted fields: delimiter, escaped quote, line break, CRLF",
			text:   "id,text,n\r\n1,\"a,b\",2\r\n2,\"say \"\"hi\"\"\",3\r\n3,\"two\nlines\",4\r\n4,plain \"quote\",5\r\n",
			schema: "id int64, text string, n int64",
			want:   map[string][]any{"text": {"a,b", `say "hi"`, "two\nlines", `plain "quote"`}, "n": {int64(2), int64(3), int64(4), int64(5)}},
		},
		{
			name: "line numbers count line breaks inside quotes",
			text: "id,text\n1,\"two\nlines\"\nx,y\n",
			opts: CSVOptions{Types: map[string]Type{"id": Int64}},
			err:  []string{`column "id" line 4: cannot parse "x" as int64`},
		},
		{
			name:   "inference over the whole file",
			text:   "x\n1\n2\n2.5\n",
			schema: "x float64",
			want:   map[string][]any{"x": {1.0, 2.0, 2.5}},
		},
		{
			name: "inference over a sample",
			text: "x\n1\n2\n2.5\n",
			opts: CSVOptions{InferRows: 2},
			err:  []string{`column "x" line 4: cannot parse "2.5" as int64 (type inferred from the first 2 rows`},
		},
		{
			name:   "sample that sees the widest type",
			text:   "x\n1\n2.5\n3\n",
			opts:   CSVOptions{InferRows: 2},
			schema: "x float64",
			want:   map[string][]any{"x": {1.0, 2.5, 3.0}},
		},
		{
			name:   "time layouts",
			text:   "d,t\n01/31/2023,2023-01-31 23:59:59.25\n02/01/2023,2023-02-01T00:00:00\n",
			opts:   CSVOptions{TimeLayouts: []string{"01/02/2006"}},
			schema: "d timestamp, t timestamp",
			want: map[string][]any{
				"d": {day(2023, 1, 31), day(2023, 2, 1)},
				"t": {time.Date(2023, 1, 31, 23, 59, 59, 250_000_000, time.UTC), day(2023, 2, 1)},
			},
		},
		{
			name:   "impossible date is text",
			text:   "d\n2023-02-30\n",
			schema: "d string",
		},
		{
			name:   "semicolons and forced types",
			text:   "a;b\n007;1\n",
			opts:   CSVOptions{Delimiter: ';', Types: map[string]Type{"a": String}},
			schema: "a string, b int64",
			want:   map[string][]any{"a": {"007"}},
		},
		{
			name:   "header only gives an empty frame",
			text:   "a,b\n",
			schema: "a string, b string",
		},
		{name: "empty file", text: "", err: []string{"empty CSV file (no header)"}},
		{name: "bad BadLines", text: "a\n", opts: CSVOptions{BadLines: "ignore"}, err: []string{`BadLines "ignore"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "in.csv")
			if err := os.WriteFile(p, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			lines := &lineLog{}
			tc.opts.Log = lines
			log := lines.lines
			f, err := ReadCSVWith(tc.opts, p)
			if tc.err != nil {
				if err == nil {
					t.Fatalf("no error; frame %v", f)
				}
				contains(t, err.Error(), append([]string{"read " + p + ": "}, tc.err...)...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var schema []string
			for _, fl := range f.Schema() {
				schema = append(schema, fl.String())
			}
			if got := strings.Join(schema, ", "); got != tc.schema {
				t.Fatalf("schema %q, want %q", got, tc.schema)
			}
			for col, want := range tc.want {
				eqValues(t, f.Col(col), want)
			}
			log = lines.lines
			if len(tc.logged) == 0 && len(log) > 0 {
				t.Fatalf("logged %q", log)
			}
			if len(tc.logged) > 0 {
				if len(log) != 1 {
					t.Fatalf("logged %q, want one line", log)
				}
				contains(t, log[0], tc.logged...)
			}
		})
	}
}

// lineLog is a Logger that keeps the lines.
type lineLog struct{ lines []string }

func (l *lineLog) Logf(format string, args ...any) {
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}
