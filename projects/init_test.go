package projects

import (
	"bytes"
	"errors"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/internal/filetest"
)

func TestInit_Empty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "My Project")
	if err := Init(dir, ""); err != nil {
		t.Fatal(err)
	}
	p := mustLoad(t, dir)
	if p.Config.Name != "my_project" || len(p.Pipelines) != 0 {
		t.Fatalf("project = %+v", p)
	}
	for _, f := range Folders {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || !st.IsDir() {
			t.Errorf("folder %s missing: %v", f, err)
		}
	}
	if gi, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); !strings.Contains(string(gi), ".golem/") {
		t.Errorf(".gitignore = %q", gi)
	}
}

func TestInit_RefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	filetest.WriteAll(t, dir, map[string]string{"notes.txt": "mine"})
	for _, ex := range []string{"", "taxi"} {
		if err := Init(dir, ex); !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("Init(%q) = %v, want ErrNotEmpty", ex, err)
		}
	}
	if err := Init(t.TempDir(), "nope"); err == nil || !strings.Contains(err.Error(), "taxi") {
		t.Fatalf("unknown example: %v", err)
	}
}

func TestInit_TaxiExample(t *testing.T) {
	dir := t.TempDir()
	if err := Init(dir, "taxi"); err != nil {
		t.Fatal(err)
	}
	p := mustLoad(t, dir)
	pl, err := p.Pipeline("data_preparation")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pl.BlockNames(), ","); got != "notes,ingest,prepare,export_trips,export_warehouse" {
		t.Fatalf("blocks = %s", got)
	}
	for _, v := range []string{"source", "months", "output"} {
		if _, ok := pl.Variables.Get(v); !ok {
			t.Errorf("variable %s not declared", v)
		}
	}
	vars, err := pl.ResolveVars(p.Config.Variables, map[string]string{"months": "2023-01..2023-03"})
	if err != nil || vars["source"] != "data/green" {
		t.Fatalf("vars = %v, %v", vars, err)
	}
	for _, f := range []string{"data/green/2023/01.parquet", "data/green/2023/02.parquet", "data/green/2023/03.parquet",
		"utils/cleaning/cleaning.go", "transformers/prepare.go", ".gitignore"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if got := strings.Join(p.PipelineNames(), ","); got != "batch_inference,data_preparation,data_preparation_sql,train_gbdt,train_linear,train_tip_classifier,tune_gbdt" {
		t.Fatalf("pipelines = %s", got)
	}
	for _, name := range p.PipelineNames() {
		pl, err := p.Pipeline(name)
		if err != nil {
			t.Fatal(err)
		}
		// Every block passes the block pre-check (imports, syntax, entry signature).
		for _, b := range pl.Blocks {
			if b.Kind == Markdown {
				continue
			}
			src, err := p.ReadFile(b.File)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := blocks.Parse(b.File, src, blocks.Kind(b.Kind)); err != nil {
				t.Errorf("%s: block %s: %v", name, b.Name, err)
			}
		}
		// The embedded pipeline.yaml is in canonical form: saving it changes nothing.
		before, _ := os.ReadFile(filepath.Join(dir, pl.Path()))
		if err := p.SavePipeline(pl); err != nil {
			t.Fatal(err)
		}
		after, _ := os.ReadFile(filepath.Join(dir, pl.Path()))
		if !bytes.Equal(before, after) {
			t.Errorf("example %s is not canonical; canonical form:\n%s", pl.Path(), after)
		}
	}
}

// TestInit_TaxiTrainingPipelines checks that the training pipelines share the
// data_preparation block files (not copies) and declare their variables.
func TestInit_TaxiTrainingPipelines(t *testing.T) {
	dir := t.TempDir()
	if err := Init(dir, "taxi"); err != nil {
		t.Fatal(err)
	}
	p := mustLoad(t, dir)
	for _, tc := range []struct {
		pipeline string
		files    map[string]string // block -> file
		vars     []string
	}{
		{"train_linear", map[string]string{"ingest": "data_loaders/ingest.go", "prepare": "transformers/prepare.go",
			"prepare_validation": "transformers/prepare.go", "build_features": "transformers/build_features.go",
			"build_features_validation": "transformers/build_features.go", "train": "transformers/train_linear.go",
			"export_model": "data_exporters/export_model.go"}, []string{"source", "train", "validation", "features", "alpha"}},
		{"train_gbdt", map[string]string{"ingest": "data_loaders/ingest.go", "prepare": "transformers/prepare.go",
			"prepare_validation": "transformers/prepare.go", "train": "transformers/train_gbdt.go",
			"ingest_stop": "data_loaders/ingest_stop.go", "prepare_stop": "transformers/prepare.go",
			"build_features_stop": "transformers/build_features.go", "export_model": "data_exporters/export_model.go"}, []string{"source", "train", "validation", "stop_months", "features", "rounds", "learning_rate"}},
		{"train_tip_classifier", map[string]string{"ingest": "data_loaders/ingest.go", "tips": "transformers/tips.go",
			"tips_validation": "transformers/tips.go", "train": "transformers/train_tip_classifier.go",
			"export_model": "data_exporters/export_model.go"}, []string{"source", "train", "validation", "model", "c", "threshold", "rounds"}},
		{"batch_inference", map[string]string{"prepare": "transformers/prepare.go", "predict": "transformers/predict.go"},
			[]string{"source", "month", "model", "output"}},
	} {
		t.Run(tc.pipeline, func(t *testing.T) {
			pl, err := p.Pipeline(tc.pipeline)
			if err != nil {
				t.Fatal(err)
			}
			for block, file := range tc.files {
				b := pl.Block(block)
				if b == nil {
					t.Errorf("no block %s", block)
					continue
				}
				if b.File != file {
					t.Errorf("block %s uses %s, want %s", block, b.File, file)
				}
			}
			for _, v := range tc.vars {
				if _, ok := pl.Variables.Get(v); !ok {
					t.Errorf("variable %s not declared", v)
				}
			}
			vars, err := pl.ResolveVars(p.Config.Variables, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.pipeline != "batch_inference" && (vars["train"] != "2023-01" || vars["validation"] != "") {
				t.Errorf("defaults train=%q validation=%q", vars["train"], vars["validation"])
			}
		})
	}
}

// TestExampleSources checks the example's Go sources: gofmt-formatted, and
// free of syntax yaegi v0.16.1 cannot run (range over int, min/max builtins,
// generics).
func TestExampleSources(t *testing.T) {
	err := fs.WalkDir(examples, "examples", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".go.txt") {
			return err
		}
		src, _ := examples.ReadFile(path)
		formatted, err := format.Source(src)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		if !bytes.Equal(formatted, src) {
			t.Errorf("%s is not gofmt-formatted", path)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), path, src, parser.AllErrors); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		for _, bad := range []string{"range len", "min(", "max(", "[T ", "[T any]"} {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s uses %q, which yaegi v0.16.1 cannot run", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The example ships a daily data_preparation trigger and a monthly
// batch_inference one, disabled until a model exists (issue 9).
func TestInit_ExampleTriggers(t *testing.T) {
	dir := t.TempDir()
	if err := Init(dir, "taxi"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pipeline string
		want     []string
	}{
		{"data_preparation", []string{"name: daily", `cron: "0 6 * * *"`}},
		{"batch_inference", []string{"name: monthly", `cron: "0 7 2 * *"`, "enabled: false"}},
	}
	for _, tc := range tests {
		b, err := os.ReadFile(filepath.Join(dir, "pipelines", tc.pipeline, "triggers.yaml"))
		if err != nil {
			t.Fatalf("%s: %v", tc.pipeline, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s/triggers.yaml lacks %q:\n%s", tc.pipeline, w, b)
			}
		}
	}
}
