package projects

import (
	"errors"
	"strings"
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
)

// newProject writes a project with block files and pipeline p's yaml.
func newProject(t *testing.T, pipelineYAML string) string {
	t.Helper()
	dir := t.TempDir()
	filetest.WriteAll(t, dir, map[string]string{
		"golem.yaml":                "name: test\nvariables: {source: data}\n",
		"data_loaders/ingest.go":    "package ingest\n",
		"transformers/prepare.go":   "package prepare\n",
		"transformers/other.go":     "package other\n",
		"markdowns/notes.md":        "# notes\n",
		"pipelines/p/pipeline.yaml": pipelineYAML,
	})
	return dir
}

const validPipeline = `name: p
variables:
  n: {type: int, default: "3"}
blocks:
  - name: ingest
    kind: data_loader
    file: data_loaders/ingest.go
    upstream: []
  - name: prepare
    kind: transformer
    file: transformers/prepare.go
    upstream: [ingest]
`

func TestLoad_Valid(t *testing.T) {
	p, err := Load(newProject(t, validPipeline))
	if err != nil {
		t.Fatal(err)
	}
	pl := p.Pipelines["p"]
	if pl == nil || len(pl.Blocks) != 2 || pl.Blocks[1].Upstream[0] != "ingest" || pl.Blocks[1].Line != 9 {
		t.Fatalf("unexpected pipeline %+v", pl)
	}
	if v, _ := pl.Variables.Get("n"); v.Type != "int" || v.Default != "3" || v.Line != 3 {
		t.Fatalf("variable n = %+v", v)
	}
	if p.Config.Variables["source"] != "data" {
		t.Fatalf("config = %+v", p.Config)
	}
}

func TestLoad_ReportsProblemsWithFileAndLine(t *testing.T) {
	const f = "pipelines/p/pipeline.yaml"
	block := func(name, kind, file, upstream string) string {
		return "  - name: " + name + "\n    kind: " + kind + "\n    file: " + file + "\n    upstream: " + upstream + "\n"
	}
	ingest := block("ingest", "data_loader", "data_loaders/ingest.go", "[]")
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"malformed yaml", "name: p\nblocks:\n  - name: [x\n", f + ":3: did not find expected"},
		{"unknown top key", "name: p\nblokcs: []\n", f + `:2: unknown key "blokcs"`},
		{"unknown block key", "name: p\nblocks:\n" + ingest + "    upstrem: []\n", f + `:7: unknown key "upstrem" in block "ingest"`},
		{"duplicate block", "name: p\nblocks:\n" + ingest + ingest, f + `:7: duplicate block name "ingest" (first at line 3)`},
		{"unknown kind", "name: p\nblocks:\n" + block("x", "loader", "data_loaders/ingest.go", "[]"), f + `:4: block "x": unknown kind "loader"`},
		{"missing file", "name: p\nblocks:\n" + block("x", "data_loader", "data_loaders/nope.go", "[]"), f + `:5: block "x": file "data_loaders/nope.go" does not exist`},
		{"wrong folder", "name: p\nblocks:\n" + block("x", "data_loader", "transformers/prepare.go", "[]"), f + `:5: block "x": file "transformers/prepare.go" of a data_loader must be under data_loaders/`},
		{"escaping file", "name: p\nblocks:\n" + block("x", "data_loader", "../secret.go", "[]"), f + `:5: block "x": file "../secret.go" leaves the project`},
		{"absolute file", "name: p\nblocks:\n" + block("x", "data_loader", "/etc/passwd", "[]"), f + `:5: block "x": file "/etc/passwd" leaves the project`},
		{"unknown upstream", "name: p\nblocks:\n" + ingest + block("prepare", "transformer", "transformers/prepare.go", "\n      - ingst"), f + `:11: block "prepare": unknown upstream "ingst"`},
		{"self upstream", "name: p\nblocks:\n" + block("prepare", "transformer", "transformers/prepare.go", "[prepare]"), f + `:6: block "prepare": lists itself as upstream`},
		{"cycle", "name: p\nblocks:\n" + block("prepare", "transformer", "transformers/prepare.go", "[other]") + block("other", "transformer", "transformers/other.go", "[prepare]"), f + `:3: cycle: `},
		{"bad duration", "name: p\nblocks:\n" + ingest + "    timeout: 5 minutes\n", f + `:7: bad duration "5 minutes"`},
		{"bad settings duration", "name: p\nblocks: []\nsettings:\n  timeout: soon\n", f + `:4: bad duration "soon"`},
		{"unknown var type", "name: p\nvariables:\n  n: {type: integer}\nblocks: []\n", f + `:3: variable "n": unknown type "integer"`},
		{"bad var default", "name: p\nvariables:\n  n: {type: int, default: abc}\nblocks: []\n", f + `:3: variable "n": default "abc" is not a int`},
		{"bad pipeline name", "name: P-1\nblocks: []\n", f + `:1: pipeline name "P-1" is invalid`},
		{"name differs from folder", "name: q\nblocks: []\n", f + `:1: pipeline name "q" differs from its folder "p"`},
		{"bad block name", "name: p\nblocks:\n" + block("Ingest", "data_loader", "data_loaders/ingest.go", "[]"), f + `:3: block name "Ingest" is invalid`},
		{"type error", "name: p\nblocks:\n" + ingest + "    retries: {count: many}\n", f + ":7: cannot unmarshal"},
		{"markdown upstream", "name: p\nblocks:\n" + ingest + block("notes", "markdown", "markdowns/notes.md", "[ingest]"), f + `:10: block "notes": a markdown block has no upstream`},
		{"unknown chart key", "name: p\nblocks:\n" + ingest + "    charts:\n      - {name: d, type: histogram, colum: duration}\n", f + `:8: unknown key "colum" in block "ingest" (known: agg, bins, column, interval, name, quantile, sample, sort, top, type, x, y)`},
		{"bad notification", "name: p\nblocks: []\nnotifications:\n  - {url: ftp://x, on: [always]}\n", f + `:4: notification #1: url "ftp://x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(newProject(t, tt.yaml))
			if err == nil {
				t.Fatalf("Load succeeded, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false")
			}
		})
	}
}

func TestLoad_ReportsAllProblemsAtOnce(t *testing.T) {
	yaml := "name: p\nfoo: 1\nblocks:\n  - name: a\n    kind: nope\n    file: data_loaders/x.go\n    upstream: [zz]\n"
	_, err := Load(newProject(t, yaml))
	probs := Problems(err)
	if len(probs) != 4 { // unknown key, unknown kind, missing file, unknown upstream
		t.Fatalf("got %d problems, want 4:\n%v", len(probs), err)
	}
	for _, p := range probs {
		if p.File != "pipelines/p/pipeline.yaml" || p.Line == 0 {
			t.Errorf("problem without position: %v", p)
		}
	}
}

func TestLoad_ConfigProblems(t *testing.T) {
	dir := newProject(t, validPipeline)
	filetest.WriteAll(t, dir, map[string]string{"golem.yaml": "name: x\nsettings:\n  block_timeout: 3 parsecs\n  colour: red\n"})
	_, err := Load(dir)
	for _, want := range []string{`golem.yaml:3: bad duration "3 parsecs"`, `golem.yaml:4: unknown key "colour" in`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func TestLoad_NotAProject(t *testing.T) {
	if _, err := Load(t.TempDir()); !errors.Is(err, ErrNotProject) {
		t.Fatalf("err = %v, want ErrNotProject", err)
	}
}

func TestCycle(t *testing.T) {
	pl := &Pipeline{Blocks: []*Block{
		{Name: "a"}, {Name: "b", Upstream: []string{"a", "c"}}, {Name: "c", Upstream: []string{"b"}},
	}}
	got := strings.Join(Cycle(pl), " -> ")
	if got != "b -> c -> b" && got != "c -> b -> c" {
		t.Fatalf("Cycle = %q", got)
	}
	pl.Blocks[2].Upstream = []string{"a"}
	if c := Cycle(pl); c != nil {
		t.Fatalf("Cycle = %v, want nil", c)
	}
}
