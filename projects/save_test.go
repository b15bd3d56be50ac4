package projects

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
)

func mustLoad(t *testing.T, dir string) *Project {
	t.Helper()
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const fullPipeline = `name: p
description: everything set
variables:
  n: {type: int, default: "3", description: a count}
  flag: {type: bool, default: "true"}
  s: {type: string}
blocks:
  - name: notes
    kind: markdown
    file: markdowns/notes.md
    upstream: []
  - name: ingest
    kind: data_loader
    file: data_loaders/ingest.go
    upstream: []
    timeout: 5m
    retries: {count: 2, delay: 1s, backoff: 2}
    cache: {ttl: 1h}
  - name: prepare
    kind: transformer
    file: transformers/prepare.go
    upstream: [ingest]
    charts:
      - {name: d, type: histogram, column: duration, bins: 40}
      - {name: zones, type: bar, x: zone, y: duration, agg: quantile, quantile: 0.9, top: 10, sort: asc, sample: 500}
settings: {max_parallel_blocks: 2, timeout: 1h30m, max_concurrent_runs: 1}
notifications:
  - {url: "http://localhost:9/hook", on: [failure, success], format: slack}
`

func TestSavePipeline_RoundTrip(t *testing.T) {
	dir := newProject(t, fullPipeline)
	p := mustLoad(t, dir)
	pl := p.Pipelines["p"]
	if err := p.SavePipeline(pl); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(dir, "pipelines/p/pipeline.yaml"))
	p2 := mustLoad(t, dir)
	pl2 := p2.Pipelines["p"]
	if !reflect.DeepEqual(pl, pl2) {
		t.Fatalf("load→save→load differs:\n%+v\n%+v", pl, pl2)
	}
	if err := p2.SavePipeline(pl2); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(dir, "pipelines/p/pipeline.yaml"))
	if string(first) != string(second) {
		t.Fatalf("second save differs:\n%s\n---\n%s", first, second)
	}
	if c := pl2.Blocks[2].Charts[1]; c.Quantile != 0.9 || c.Sort != "asc" || c.Sample != 500 {
		t.Fatalf("chart fields lost: %+v", c)
	}
}

func TestSavePipeline_ValidatesBeforeWriting(t *testing.T) {
	dir := newProject(t, validPipeline)
	p := mustLoad(t, dir)
	pl := p.Pipelines["p"]
	before, _ := os.ReadFile(filepath.Join(dir, "pipelines/p/pipeline.yaml"))
	pl.Blocks[1].Upstream = []string{"ingst"}
	err := p.SavePipeline(pl)
	if err == nil || !strings.Contains(err.Error(), `pipelines/p/pipeline.yaml:12: block "prepare": unknown upstream "ingst"`) {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "pipelines/p/pipeline.yaml"))
	if string(before) != string(after) {
		t.Fatal("invalid pipeline was written")
	}
}

func TestSavePipeline_DetectsConflict(t *testing.T) {
	dir := newProject(t, validPipeline)
	p := mustLoad(t, dir)
	pl := p.Pipelines["p"]
	// Someone edits the file in vim meanwhile.
	edited := strings.Replace(validPipeline, "name: p\n", "name: p\ndescription: edited\n", 1)
	filetest.WriteAll(t, dir, map[string]string{"pipelines/p/pipeline.yaml": edited})
	pl.Description = "mine"
	if err := p.SavePipeline(pl); !errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "pipelines/p/pipeline.yaml"))
	if string(got) != edited {
		t.Fatal("the outside edit was overwritten")
	}
}

func TestWriteFileIfVersion(t *testing.T) {
	dir := newProject(t, validPipeline)
	p := mustLoad(t, dir)
	const rel = "transformers/prepare.go"
	v1, err := p.FileVersion(rel)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := p.WriteFileIfVersion(rel, []byte("package prepare // v2\n"), v1)
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := p.FileVersion(rel); cur != v2 || v2 == v1 {
		t.Fatalf("version after write = %s, want %s (!= %s)", cur, v2, v1)
	}
	tests := []struct {
		name, rel, ver string
	}{
		{"stale version", rel, v1},
		{"must not exist", rel, ""},
		{"deleted file", "transformers/gone.go", v1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := p.WriteFileIfVersion(tt.rel, []byte("x"), tt.ver); !errors.Is(err, ErrConflict) {
				t.Fatalf("err = %v, want ErrConflict", err)
			}
		})
	}
	if _, err := p.WriteFileIfVersion("transformers/new.go", []byte("package n\n"), ""); err != nil {
		t.Fatalf("create: %v", err)
	}
}

func TestWriteFile_Atomic(t *testing.T) {
	dir := newProject(t, validPipeline)
	p := mustLoad(t, dir)
	if err := os.Chmod(filepath.Join(dir, "transformers/prepare.go"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteFile("transformers/prepare.go", []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteFile("custom/deep/x.go", []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "transformers/prepare.go"))
	st, _ := os.Stat(filepath.Join(dir, "transformers/prepare.go"))
	if string(got) != "new\n" || st.Mode().Perm() != 0o600 {
		t.Fatalf("content %q mode %v", got, st.Mode())
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "transformers"))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Fatalf("temp file left behind: %s", e.Name())
		}
	}
	// A directory in the way fails cleanly and leaves no temp file.
	if err := p.WriteFile("transformers", []byte("x")); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
}

func TestResolve_ConfinesPaths(t *testing.T) {
	dir := newProject(t, validPipeline)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "transformers"), filepath.Join(dir, "inside")); err != nil {
		t.Fatal(err)
	}
	p := mustLoad(t, dir)
	tests := []struct {
		rel string
		ok  bool
	}{
		{"transformers/prepare.go", true},
		{"new/folder/file.go", true},
		{"inside/prepare.go", true},
		{"a/../b.go", true},
		{"", false},
		{"..", false},
		{"../x", false},
		{"a/../../x", false},
		{"/etc/passwd", false},
		{"escape/x.go", false},
		{"escape", false},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			abs, err := p.Resolve(tt.rel)
			if tt.ok && err != nil {
				t.Fatalf("Resolve(%q) = %v", tt.rel, err)
			}
			if !tt.ok && !errors.Is(err, ErrOutsideProject) {
				t.Fatalf("Resolve(%q) = %q, %v; want ErrOutsideProject", tt.rel, abs, err)
			}
			if !tt.ok && p.WriteFile(tt.rel, []byte("x")) == nil {
				t.Fatalf("WriteFile(%q) succeeded", tt.rel)
			}
		})
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Fatal("a file was written outside the project")
	}
}

func TestPipelineEdits(t *testing.T) {
	dir := newProject(t, validPipeline)
	p := mustLoad(t, dir)
	if _, err := p.CreatePipeline("q", "second"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreatePipeline("q", ""); !errors.Is(err, ErrExists) {
		t.Fatalf("create twice: %v", err)
	}
	if _, err := p.CreatePipeline("Bad Name", ""); err == nil {
		t.Fatal("invalid name accepted")
	}
	if err := p.AddBlock("q", &Block{Name: "load", Kind: DataLoader}, []byte("package load\n")); err != nil {
		t.Fatal(err)
	}
	if err := p.AddBlock("q", &Block{Name: "clean", Kind: Transformer, Upstream: []string{"load"}}, []byte("package clean\n")); err != nil {
		t.Fatal(err)
	}
	if err := p.AddBlock("q", &Block{Name: "load", Kind: DataLoader}, nil); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate block: %v", err)
	}
	q := p.Pipelines["q"]
	if err := q.RenameBlock("load", "ingest_q"); err != nil {
		t.Fatal(err)
	}
	if got := q.Block("clean").Upstream; !reflect.DeepEqual(got, []string{"ingest_q"}) {
		t.Fatalf("upstream after rename = %v", got)
	}
	if err := p.SavePipeline(q); err != nil {
		t.Fatal(err)
	}
	if err := p.RenamePipeline("q", "r"); err != nil {
		t.Fatal(err)
	}
	p2 := mustLoad(t, dir)
	r := p2.Pipelines["r"]
	if r == nil || p2.Pipelines["q"] != nil || r.Block("ingest_q").File != "data_loaders/load.go" {
		t.Fatalf("after rename: %v", p2.PipelineNames())
	}
	if err := r.RemoveBlock("ingest_q"); err != nil {
		t.Fatal(err)
	}
	if len(r.Blocks) != 1 || len(r.Blocks[0].Upstream) != 0 {
		t.Fatalf("after remove: %+v", r.Blocks[0])
	}
	if err := p2.SavePipeline(r); err != nil {
		t.Fatal(err)
	}
	if err := p2.DeletePipeline("r"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pipelines/r")); !os.IsNotExist(err) {
		t.Fatalf("pipeline folder still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data_loaders/load.go")); err != nil {
		t.Fatalf("shared block file removed: %v", err)
	}
}
