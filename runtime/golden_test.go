package runtime

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/projects/projecttest"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*/want.txt")

// TestGolden runs every program under testdata/golden (a tiny project with pipeline p) and compares
// its normalised run output — statuses, shapes, values, logs, errors with positions; no durations
// or run IDs — with the program's want.txt. go test -run TestGolden -update rewrites them.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden programs: %v", err)
	}
	for _, src := range dirs {
		t.Run(filepath.Base(src), func(t *testing.T) {
			files := map[string]string{}
			err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || d.Name() == "want.txt" {
					return err
				}
				b, err := os.ReadFile(p)
				rel, _ := filepath.Rel(src, p)
				files[filepath.ToSlash(rel)] = string(b)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			dir := projecttest.New(t, files)
			r := mustRun(t, dir, Options{}, RunnerOptions{})
			got := strings.ReplaceAll(normalise(r), dir, "<project>")
			want := filepath.Join(src, "want.txt")
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(b) != got {
				t.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", want, got, b)
			}
		})
	}
}

func normalise(r runResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "run %s\n", r.Status)
	for _, br := range r.Blocks {
		fmt.Fprintf(&b, "block %s %s", br.Name, br.Status)
		if br.Attempts > 1 {
			fmt.Fprintf(&b, " attempts=%d", br.Attempts)
		}
		if br.GoType != "" {
			fmt.Fprintf(&b, " type=%s", br.GoType)
		}
		if br.Rows > 0 || br.Cols > 0 {
			fmt.Fprintf(&b, " %dx%d", br.Rows, br.Cols)
		}
		if len(br.Value) > 0 {
			fmt.Fprintf(&b, " value=%s", br.Value)
		}
		b.WriteString("\n")
		for _, l := range br.Logs {
			fmt.Fprintf(&b, "  log: %s\n", l)
		}
		if br.Err != nil {
			fmt.Fprintf(&b, "  error: %s\n", br.Err.Error())
		}
	}
	return b.String()
}
