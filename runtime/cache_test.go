package runtime

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A block's cache key covers every project package it reaches, not only the ones it imports itself:
// editing utils/b, imported by utils/a, imported by the block, must run the block again.
func TestRunner_CacheCoversIndirectUtils(t *testing.T) {
	cases := []struct {
		name string
		edit string // file to edit between the two runs; "" for none
		want string // status of the block on the second run
		val  string // its value on the second run
	}{
		{"unchanged hits", "", StatusCached, "3"},
		{"direct import edited", "utils/a/a.go", StatusSucceeded, "3"},
		{"indirect import edited", "utils/b/b.go", StatusSucceeded, "4"},
		{"unrelated package edited", "utils/c/c.go", StatusCached, "3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, "  - {name: l, kind: data_loader, file: data_loaders/l.go, upstream: [], cache: {ttl: 1h}}\n",
				map[string]string{
					"utils/a/a.go": "package a\n\nimport \"utils/b\"\n\n// N is b.N plus one.\nfunc N() int { return b.N() + 1 }\n",
					"utils/b/b.go": "package b\n\n// N is two.\nfunc N() int { return 2 }\n",
					"utils/c/c.go": "package c\n\n// N is five.\nfunc N() int { return 5 }\n",
					"data_loaders/l.go": `package l

import (
	"utils/a"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) { return a.N(), nil }
`,
				})
			wantStatus(t, mustRun(t, dir, Options{}, RunnerOptions{}), "l", StatusSucceeded)
			switch tc.edit {
			case "utils/b/b.go":
				write(t, dir, tc.edit, "package b\n\n// N is three.\nfunc N() int { return 3 }\n")
			case "":
			default:
				p := filepath.Join(dir, tc.edit)
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				write(t, dir, tc.edit, string(b)+"\n// edited\n")
			}
			r := mustRun(t, dir, Options{}, RunnerOptions{})
			b := wantStatus(t, r, "l", tc.want)
			if tc.want == StatusSucceeded && string(b.Value) != tc.val {
				t.Errorf("value %s, want %s", b.Value, tc.val)
			}
		})
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A cached block's stored output is read only by a downstream that runs: with every downstream
// cached it is not opened at all (a corrupted file of the same size goes unnoticed), and a missing
// file runs the block again.
func TestRunner_CachedOutputReadOnlyWhenNeeded(t *testing.T) {
	const downstream = `package %[1]s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) {
	return in.Filter(in.Col("x").Gt(1)), nil
}
`
	cases := []struct {
		name   string
		cCache string // cache setting of c, the downstream of a
		damage string // what happens to a's stored parquet between runs
		want   map[string]string
		errHas string // in c's error
	}{
		{"all cached: not read", ", cache: {ttl: 1h}", "corrupt",
			map[string]string{"a": StatusCached, "b": StatusCached, "c": StatusCached}, ""},
		{"downstream runs: read", "", "",
			map[string]string{"a": StatusCached, "b": StatusCached, "c": StatusSucceeded}, ""},
		{"downstream runs on a corrupt output: names it", "", "corrupt",
			map[string]string{"a": StatusCached, "c": StatusFailed}, `load cached output of upstream "a"`},
		{"missing output: run again", "", "remove",
			map[string]string{"a": StatusSucceeded, "b": StatusCached, "c": StatusSucceeded}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, `
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: [], cache: {ttl: 1h}}
  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a], cache: {ttl: 1h}}
  - {name: c, kind: transformer, file: transformers/c.go, upstream: [a]`+tc.cCache+`}
`, map[string]string{
				"data_loaders/a.go": fmt.Sprintf(loaderFrame, "a"),
				"transformers/b.go": fmt.Sprintf(downstream, "b"),
				"transformers/c.go": fmt.Sprintf(downstream, "c"),
			})
			mustRun(t, dir, Options{}, RunnerOptions{})
			data := filepath.Join(dir, ".golem", "outputs", "p", "a", "output.parquet")
			switch tc.damage {
			case "corrupt":
				b, err := os.ReadFile(data)
				if err != nil {
					t.Fatal(err)
				}
				for i := range b {
					b[i] = 'x'
				}
				write(t, dir, ".golem/outputs/p/a/output.parquet", string(b))
			case "remove":
				if err := os.Remove(data); err != nil {
					t.Fatal(err)
				}
			}
			r := mustRun(t, dir, Options{}, RunnerOptions{})
			for name, want := range tc.want {
				b := wantStatus(t, r, name, want)
				if want == StatusSucceeded && name != "a" && b.Rows != 2 {
					t.Errorf("%s: %d rows, want 2", name, b.Rows)
				}
				if name == "c" && tc.errHas != "" {
					if b.Err == nil {
						t.Fatalf("c: no error, want %q", tc.errHas)
					}
					wantErrContains(t, b.Err, tc.errHas)
				}
			}
		})
	}
}

// A run starts by removing the temporary files that writers killed mid-write left among its
// pipeline's outputs; a temporary file of a live writer stays.
func TestRunner_RemovesStaleTempOutputs(t *testing.T) {
	dir := project(t, "  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n",
		map[string]string{"data_loaders/a.go": fmt.Sprintf(loaderFrame, "a")})
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip(err)
	}
	stale := fmt.Sprintf(".golem/outputs/p/a/.output.parquet.tmp-%d-0a1b2c3d", gone.Process.Pid)
	live := fmt.Sprintf(".golem/outputs/p/a/.output.parquet.tmp-%d-0a1b2c3d", os.Getpid())
	other := fmt.Sprintf(".golem/outputs/q/a/.output.parquet.tmp-%d-0a1b2c3d", gone.Process.Pid)
	for _, f := range []string{stale, live, other} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, dir, f, "partial")
	}
	wantStatus(t, mustRun(t, dir, Options{}, RunnerOptions{}), "a", StatusSucceeded)
	for f, want := range map[string]bool{stale: false, live: true, other: true} {
		if _, err := os.Stat(filepath.Join(dir, f)); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", f, err == nil, want)
		}
	}
}
