package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/internal/filetest"
	"github.com/golemlabs/golem/projects"
)

// golem runs the CLI in process and returns stdout, stderr and the error.
func golem(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// example scaffolds the taxi example project in a temporary directory.
func example(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "taxi")
	if err := projects.Init(dir, "taxi"); err != nil {
		t.Fatal(err)
	}
	return dir
}

// write writes content to dir/rel (filetest.Write).
func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	filetest.Write(t, dir, rel, content)
}

func replaceIn(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", rel, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRun_Example_Succeeds(t *testing.T) {
	dir := example(t)
	stdout, stderr, err := golem(t, "run", dir, "data_preparation")
	if err != nil {
		t.Fatalf("run: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	for _, want := range []string{"succeeded  ingest", "succeeded  prepare", "succeeded  export_trips", "succeeded  export_warehouse", "succeeded in"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "output", "trips.parquet")); err != nil {
		t.Errorf("exporter wrote nothing: %v", err)
	}
}

func TestRun_JSONSummary(t *testing.T) {
	dir := example(t)
	stdout, stderr, err := golem(t, "run", dir, "data_preparation", "--json")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	var s runSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("stdout is not the JSON summary: %v\n%s", err, stdout)
	}
	if s.Status != "succeeded" || len(s.Blocks) != 4 {
		t.Fatalf("summary = %+v", s)
	}
	if b := s.Blocks[1]; b.Name != "prepare" || b.Rows == nil || *b.Rows == 0 || *b.Cols != 21 {
		t.Errorf("prepare summary = %+v", b)
	}
}

// TestRun_RealData checks the example pipeline on the real NYC files: the counts of trips of 1 to
// 60 minutes are the ones pandas gives on the same files.
func TestRun_RealData(t *testing.T) {
	src, err := filepath.Abs("../../../shared/data/taxi/green")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("real data not found at %s", src)
	}
	dir := example(t)
	for _, tc := range []struct {
		months string
		rows   int
	}{
		{"2023-01", 65946},
		{"2023-02", 62574},
	} {
		t.Run(tc.months, func(t *testing.T) {
			stdout, stderr, err := golem(t, "run", dir, "data_preparation", "--json", "--var", "source="+src, "--var", "months="+tc.months)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, stderr)
			}
			var s runSummary
			if err := json.Unmarshal([]byte(stdout), &s); err != nil {
				t.Fatal(err)
			}
			if got := *s.Blocks[1].Rows; got != tc.rows {
				t.Errorf("prepare kept %d trips, want %d", got, tc.rows)
			}
		})
	}
}

// A project folder whose name holds glob characters runs the example (ingest reads its files) and
// re-runs a block from stored outputs: paths are globs only where asked.
func TestRun_BlockFromStoredOutputs(t *testing.T) {
	for _, name := range []string{"taxi", "pb[1]", "a*b?"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			if err := projects.Init(dir, "taxi"); err != nil {
				t.Fatal(err)
			}
			if _, stderr, err := golem(t, "run", dir, "data_preparation", "--block", "prepare"); err == nil || !strings.Contains(err.Error(), `upstream "ingest", which has not been run yet`) {
				t.Fatalf("want missing upstream output error, got %v\n%s", err, stderr)
			}
			if stdout, stderr, err := golem(t, "run", dir, "data_preparation"); err != nil {
				t.Fatalf("%v\n%s%s", err, stdout, stderr)
			}
			stdout, stderr, err := golem(t, "run", dir, "data_preparation", "--block", "prepare")
			if err != nil {
				t.Fatalf("%v\n%s%s", err, stdout, stderr)
			}
			if !strings.Contains(stdout, "succeeded  prepare") || strings.Contains(stdout, "ingest ") {
				t.Errorf("want only prepare to run:\n%s", stdout)
			}
		})
	}
}

// TestRun_BadInput checks that every kind of bad input fails with a message naming where.
func TestRun_BadInput(t *testing.T) {
	pl := "pipelines/data_preparation/pipeline.yaml"
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		want  []string
	}{
		{"malformed YAML", func(t *testing.T, dir string) {
			replaceIn(t, dir, pl, "blocks:", "blocks: [\n")
		}, nil, []string{pl + ":"}},
		{"missing block file", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "transformers", "prepare.go"))
		}, nil, []string{pl, "transformers/prepare.go"}},
		{"cycle", func(t *testing.T, dir string) {
			replaceIn(t, dir, pl, "file: data_loaders/ingest.go\n    upstream: []", "file: data_loaders/ingest.go\n    upstream: [export_trips]")
		}, nil, []string{pl, "cycle", "ingest", "export_trips"}},
		{"unknown upstream", func(t *testing.T, dir string) {
			replaceIn(t, dir, pl, "upstream: [ingest]", "upstream: [ingst]")
		}, nil, []string{pl, `"ingst"`}},
		{"type mismatch", func(t *testing.T, dir string) {
			replaceIn(t, dir, "transformers/prepare.go", "trips *frame.Frame", "trips map[string]int")
		}, nil, []string{"transformers/prepare.go:", `"prepare"`, "map[string]int", `"ingest"`, "*frame.Frame"}},
		{"compile error", func(t *testing.T, dir string) {
			replaceIn(t, dir, "transformers/prepare.go", "all := trips.NumRows()", "all := trips.NumRowz()")
		}, nil, []string{"transformers/prepare.go:", "NumRowz", `block "prepare"`}},
		{"unsupported syntax", func(t *testing.T, dir string) {
			replaceIn(t, dir, "transformers/prepare.go", "all := trips.NumRows()", "all := trips.NumRows()\n\tfor i := range 3 {\n\t\t_ = i\n\t}")
		}, nil, []string{"transformers/prepare.go:", "range over an integer"}},
		{"panic", func(t *testing.T, dir string) {
			replaceIn(t, dir, "transformers/prepare.go", "all := trips.NumRows()", "all := trips.NumRows()\n\tvar m map[string]int\n\tm[\"x\"] = all")
		}, nil, []string{"transformers/prepare.go:", `block "prepare"`, "panic", "nil map"}},
		{"missing column panics at its line", func(t *testing.T, dir string) {
			replaceIn(t, dir, "transformers/prepare.go", "all := trips.NumRows()", "all := trips.Col(\"no_such_column\").Len()")
		}, nil, []string{"transformers/prepare.go:", `no column "no_such_column"`}},
		{"infinite loop stopped by its timeout", func(t *testing.T, dir string) {
			replaceIn(t, dir, pl, "upstream: [ingest]", "upstream: [ingest]\n    timeout: 300ms")
			replaceIn(t, dir, "transformers/prepare.go", "all := trips.NumRows()", "all := trips.NumRows()\n\tfor all > 0 {\n\t\tall++\n\t}")
		}, nil, []string{`block "prepare"`, "timeout of 300ms"}},
		{"missing data file", nil, []string{"--var", "months=2019-01"}, []string{`block "ingest"`, "2019/01.parquet"}},
		{"corrupt parquet file", func(t *testing.T, dir string) {
			write(t, dir, "data/green/2023/01.parquet", "PAR1 this is not parquet PAR1")
		}, nil, []string{`block "ingest"`, "01.parquet"}},
		{"unknown variable", nil, []string{"--var", "monthz=2023-01"}, []string{`"monthz"`, "months"}},
		{"variable of the wrong type", func(t *testing.T, dir string) {
			replaceIn(t, dir, pl, "variables:", "variables:\n  limit: {type: int, default: 10}")
		}, []string{"--var", "limit=ten"}, []string{`"limit"`, "ten", "int"}},
		{"unknown pipeline", nil, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := example(t)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			args := append([]string{"run", dir, "data_preparation"}, tc.args...)
			if tc.name == "unknown pipeline" {
				args = []string{"run", dir, "data_prep"}
				tc.want = []string{`"data_prep"`, "data_preparation"}
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := run(ctx, args, &stdout, &stderr)
			if err == nil {
				t.Fatalf("run succeeded, want failure:\n%s", stdout.String())
			}
			if exitCode(err) == 0 {
				t.Fatalf("exit code 0")
			}
			msg := err.Error() + "\n" + stdout.String() + stderr.String()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}
