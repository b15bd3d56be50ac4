// Package taxitest finds the real NYC green-taxi parquet files that tests read:
// <checkout>/../shared/data/taxi/green/<year>/<MM>.parquet, where CI lays them beside the
// repository. A test that needs them and finds none skips with a message that starts "real data
// not found", which `make test` counts in its closing line.
package taxitest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the folder of the green-taxi files, or skips tb.
func Dir(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(root)
		if up == root {
			tb.Fatalf("no go.mod above %s", wd)
		}
		root = up
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "data", "taxi", "green")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("real data not found: %v (CI has ../shared/data beside the checkout)", err)
	}
	return dir
}

// Month returns the file of month ("01".."12") of 2023, or skips tb.
func Month(tb testing.TB, month string) string {
	tb.Helper()
	p := filepath.Join(Dir(tb), "2023", month+".parquet")
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("real data not found: %v (CI has ../shared/data beside the checkout)", err)
	}
	return p
}
