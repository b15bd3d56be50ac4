package runtime

import (
	"testing"
)

// A block that ends without a value where its signature promises one fails itself, with its file
// and position, instead of succeeding and making its downstream fail blaming itself.
func TestRunner_SucceededWithNothingFails(t *testing.T) {
	const down = `package b

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) { return in, nil }
`
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"nil frame", `package a

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return nil, nil
}
`, []string{"data_loaders/a.go:8:6", `block "a"`, "Load returned a nil *frame.Frame"}},
		{"runtime.Goexit", `package a

import (
	"runtime"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	runtime.Goexit()
	return frame.MustNew(), nil
}
`, []string{"data_loaders/a.go:10:6", `block "a"`, "Load ended without returning", "runtime.Goexit"}},
		{"deferred runtime.Goexit", `package a

import (
	"runtime"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	defer runtime.Goexit()
	return frame.MustNew(), nil
}
`, []string{"data_loaders/a.go:10:6", "Load ended without returning"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := project(t, `
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}
  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}
`, map[string]string{"data_loaders/a.go": tt.src, "transformers/b.go": down})
			r := mustRun(t, dir, Options{}, RunnerOptions{})
			a := wantStatus(t, r, "a", StatusFailed)
			wantStatus(t, r, "b", StatusSkipped)
			if a.Err == nil {
				t.Fatal("a: no error")
			}
			wantErrContains(t, a.Err, tt.want...)
		})
	}
}
