package runtime

import (
	"fmt"
	"slices"
	"testing"
)

const intLoader = "package %s\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n"

const intTransformer = "package %s\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, n int) (int, error) { return n, nil }\n"

func TestPlan_Build_Rejects(t *testing.T) {
	cases := []struct {
		name   string
		blocks string
		files  map[string]string
		want   []string
	}{
		{
			name: "cycle names the path",
			blocks: `
  - {name: a, kind: transformer, file: transformers/a.go, upstream: [c]}
  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}
  - {name: c, kind: transformer, file: transformers/c.go, upstream: [b]}
`,
			files: map[string]string{"transformers/a.go": fmt.Sprintf(intTransformer, "a"), "transformers/b.go": fmt.Sprintf(intTransformer, "b"), "transformers/c.go": fmt.Sprintf(intTransformer, "c")},
			want:  []string{"pipelines/p/pipeline.yaml:", "cycle", "a -> b -> c -> a"},
		},
		{
			name:   "unknown upstream",
			blocks: "  - {name: a, kind: transformer, file: transformers/a.go, upstream: [ghost]}\n",
			files:  map[string]string{"transformers/a.go": fmt.Sprintf(intTransformer, "a")},
			want:   []string{"pipelines/p/pipeline.yaml:3", `block "a"`, `unknown block "ghost"`},
		},
		{
			name:   "missing file",
			blocks: "  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n",
			want:   []string{"pipelines/p/pipeline.yaml:3", `block "a"`, "data_loaders/a.go", "no such file"},
		},
		{
			name: "type mismatch names both blocks and types",
			blocks: `
  - {name: src, kind: data_loader, file: data_loaders/src.go, upstream: []}
  - {name: dst, kind: transformer, file: transformers/dst.go, upstream: [src]}
`,
			files: map[string]string{
				"data_loaders/src.go": fmt.Sprintf(loaderFrame, "src"),
				"transformers/dst.go": "package dst\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, rows map[string]float64) (int, error) {\n\treturn len(rows), nil\n}\n",
			},
			want: []string{"transformers/dst.go:5:42", `block "dst"`, "map[string]float64", `upstream "src"`, "*frame.Frame", "data_loaders/src.go:8", "type mismatch"},
		},
		{
			name: "wrong input count",
			blocks: `
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}
  - {name: b, kind: data_loader, file: data_loaders/b.go, upstream: []}
  - {name: t, kind: transformer, file: transformers/t.go, upstream: [a, b]}
`,
			files: map[string]string{"data_loaders/a.go": fmt.Sprintf(intLoader, "a"), "data_loaders/b.go": fmt.Sprintf(intLoader, "b"), "transformers/t.go": fmt.Sprintf(intTransformer, "t")},
			want:  []string{"transformers/t.go:5", `block "t"`, "takes 1 input(s)", "2 upstream(s) [a, b]"},
		},
		{
			name: "upstream returns no value",
			blocks: `
  - {name: e, kind: data_exporter, file: data_exporters/e.go, upstream: []}
  - {name: t, kind: transformer, file: transformers/t.go, upstream: [e]}
`,
			files: map[string]string{
				"data_exporters/e.go": "package e\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Export(ctx *blocks.Context) error { return nil }\n",
				"transformers/t.go":   fmt.Sprintf(intTransformer, "t"),
			},
			want: []string{`upstream "e"`, "returns no value"},
		},
		{
			name:   "unsupported syntax",
			blocks: "  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n",
			files:  map[string]string{"data_loaders/a.go": "package a\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) {\n\ts := 0\n\tfor i := range 10 {\n\t\ts += i\n\t}\n\treturn s, nil\n}\n"},
			want:   []string{"data_loaders/a.go:7:2", "range over an integer"},
		},
		{
			name:   "unsupported syntax in a utils package, at its line there",
			blocks: "  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n",
			files: map[string]string{
				"data_loaders/a.go":         "package a\n\nimport (\n\t\"utils/outer\"\n\n\t\"github.com/golemlabs/golem/blocks\"\n)\n\nfunc Load(ctx *blocks.Context) (float64, error) { return outer.Total(), nil }\n",
				"utils/outer/outer.go":      "package outer\n\nimport \"utils/inner\"\n\nfunc Total() float64 { return inner.Total() }\n",
				"utils/inner/inner.go":      "package inner\n\nimport \"github.com/golemlabs/golem/blocks/frame\"\n\nfunc sum[T ~float64](xs []T) T {\n\tvar t T\n\tfor _, x := range xs {\n\t\tt += x\n\t}\n\treturn t\n}\n\nfunc Total() float64 {\n\tfor i := range 3 {\n\t\t_ = i\n\t}\n\treturn sum(frame.NewFloats(\"x\", nil).Floats())\n}\n",
				"utils/inner/inner_test.go": "package inner\n\nfunc x() { for range 3 {} }\n",
			},
			want: []string{
				`block "a" imports utils/inner: utils/inner/inner.go:14:2: unsupported syntax: range over an integer`,
				`block "a" imports utils/inner: utils/inner/inner.go:17:9: unsupported syntax: the generic function sum infers its type arguments from frame.NewFloats("x", nil).Floats()`,
				"write them out: sum[float64](",
			},
		},
		{
			name:   "unknown selected block",
			blocks: "  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n",
			files:  map[string]string{"data_loaders/a.go": fmt.Sprintf(intLoader, "a")},
			want:   []string{`block "zz"`, "unknown block", "blocks: a"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, tc.blocks, tc.files)
			_, err := Build(load(t, dir), "p", Options{Blocks: []string{"zz"}, Select: SelectOnly})
			if tc.name != "unknown selected block" {
				_, err = Build(load(t, dir), "p", Options{})
			}
			wantErrContains(t, err, tc.want...)
		})
	}
}

// diamond: a -> b, a -> c, b,c -> d, and an unrelated e.
func diamond(t *testing.T) string {
	files := map[string]string{
		"data_loaders/a.go": fmt.Sprintf(intLoader, "a"),
		"data_loaders/e.go": fmt.Sprintf(intLoader, "e"),
		"transformers/b.go": fmt.Sprintf(intTransformer, "b"),
		"transformers/c.go": fmt.Sprintf(intTransformer, "c"),
		"transformers/d.go": "package d\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, x, y int) (int, error) { return x + y, nil }\n",
	}
	return project(t, `
  - {name: d, kind: transformer, file: transformers/d.go, upstream: [b, c]}
  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}
  - {name: c, kind: transformer, file: transformers/c.go, upstream: [a]}
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}
  - {name: e, kind: data_loader, file: data_loaders/e.go, upstream: []}
`, files)
}

func TestPlan_Build_Selection(t *testing.T) {
	dir := diamond(t)
	cases := []struct {
		name   string
		sel    Select
		blocks []string
		want   []string
	}{
		{"all", SelectAll, nil, []string{"a", "e", "b", "c", "d"}},
		{"all ignores names", SelectAll, []string{"b"}, []string{"a", "e", "b", "c", "d"}},
		{"only", SelectOnly, []string{"b"}, []string{"b"}},
		{"only two", SelectOnly, []string{"c", "b"}, []string{"b", "c"}},
		{"with upstream", SelectWithUpstream, []string{"d"}, []string{"a", "b", "c", "d"}},
		{"with upstream of b", SelectWithUpstream, []string{"b"}, []string{"a", "b"}},
		{"with downstream", SelectWithDownstream, []string{"a"}, []string{"a", "b", "c", "d"}},
		{"with downstream of c", SelectWithDownstream, []string{"c"}, []string{"c", "d"}},
		{"no names", SelectOnly, nil, []string{"a", "e", "b", "c", "d"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Build(load(t, dir), "p", Options{Select: tc.sel, Blocks: tc.blocks})
			if err != nil {
				t.Fatal(err)
			}
			got := plan.Blocks()
			// Run order must respect upstreams; compare as sets, then check the order.
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("blocks %v, want %v", got, tc.want)
			}
			pos := map[string]int{}
			for i, b := range got {
				pos[b] = i
			}
			for _, n := range plan.Nodes {
				for _, u := range n.Upstream {
					if pu, ok := pos[u.Name()]; ok && pos[n.Name()] < pu && n.Run {
						t.Errorf("%s runs before its upstream %s: %v", n.Name(), u.Name(), got)
					}
				}
			}
		})
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

func TestPlan_CheckStoredInputs(t *testing.T) {
	dir := diamond(t)
	plan, err := Build(load(t, dir), "p", Options{Select: SelectOnly, Blocks: []string{"d"}})
	if err != nil {
		t.Fatal(err)
	}
	err = plan.CheckStoredInputs(nilStore(dir))
	wantErrContains(t, err, `block "d" needs the output of upstream "b"`, `upstream "c"`, "run the pipeline first")
	wantIs(t, err, ErrMissingOutput)
	_, err = runDir(t, t.Context(), dir, Options{Select: SelectOnly, Blocks: []string{"d"}}, RunnerOptions{})
	wantIs(t, err, ErrMissingOutput)

	r := mustRun(t, dir, Options{}, RunnerOptions{})
	if r.Status != StatusSucceeded {
		t.Fatalf("full run %s: %v", r.Status, r.Err())
	}
	if err := plan.CheckStoredInputs(nilStore(dir)); err != nil {
		t.Errorf("after a full run: %v", err)
	}
	r = mustRun(t, dir, Options{Select: SelectOnly, Blocks: []string{"d"}}, RunnerOptions{})
	if b := wantStatus(t, r, "d", StatusSucceeded); string(b.Value) != "2" {
		t.Errorf("d = %s, want 2", b.Value)
	}
}
