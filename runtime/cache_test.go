package runtime

import (
	"os"
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
