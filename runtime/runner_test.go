package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
)

// rendezvous is a loader that announces itself with a marker file and then waits for the marker
// of its peer: two such blocks both succeed only when they run at the same time.
const rendezvous = `package %[1]s

import (
	"errors"
	"os"
	"time"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (string, error) {
	if err := os.WriteFile(ctx.Path("%[1]s.ready"), nil, 0o644); err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(ctx.Path("%[2]s.ready")); err == nil {
			return "met", nil
		}
		if ctx.Err() != nil {
			return "", errors.New("peer never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
`

func TestRunner_IndependentBlocksRunInParallel(t *testing.T) {
	dir := project(t, `
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: [], timeout: 20s}
  - {name: b, kind: data_loader, file: data_loaders/b.go, upstream: [], timeout: 20s}
`, map[string]string{
		"data_loaders/a.go": fmt.Sprintf(rendezvous, "a", "b"),
		"data_loaders/b.go": fmt.Sprintf(rendezvous, "b", "a"),
	})
	r := mustRun(t, dir, Options{MaxParallel: 2}, RunnerOptions{})
	wantStatus(t, r, "a", StatusSucceeded)
	wantStatus(t, r, "b", StatusSucceeded)
	if r.Status != StatusSucceeded {
		t.Errorf("run %s", r.Status)
	}
}

func TestRunner_MaxParallelOneSerialises(t *testing.T) {
	var pl strings.Builder
	files := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d"} {
		fmt.Fprintf(&pl, "  - {name: %s, kind: data_loader, file: data_loaders/%s.go, upstream: []}\n", n, n)
		files["data_loaders/"+n+".go"] = fmt.Sprintf(loaderFrame, n)
	}
	dir := project(t, pl.String(), files)
	r := mustRun(t, dir, Options{MaxParallel: 1}, RunnerOptions{})
	if r.Status != StatusSucceeded {
		t.Fatalf("run %s: %v", r.Status, r.Err())
	}
	running := 0
	for _, e := range r.Events {
		switch e.Kind {
		case BlockStarted:
			running++
			if running > 1 {
				t.Fatalf("block %s started while another was running", e.Block)
			}
		case BlockFinished:
			running--
		}
	}
}

func TestRunner_FailureSkipsDownstreamOnly(t *testing.T) {
	dir := project(t, `
  - {name: bad, kind: data_loader, file: data_loaders/bad.go, upstream: []}
  - {name: after_bad, kind: transformer, file: transformers/after_bad.go, upstream: [bad]}
  - {name: good, kind: data_loader, file: data_loaders/good.go, upstream: []}
  - {name: after_good, kind: transformer, file: transformers/after_good.go, upstream: [good]}
`, map[string]string{
		"data_loaders/bad.go": `package bad

import (
	"errors"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	return 0, errors.New("no data today")
}
`,
		"transformers/after_bad.go":  "package after_bad\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, n int) (int, error) { return n + 1, nil }\n",
		"data_loaders/good.go":       "package good\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 41, nil }\n",
		"transformers/after_good.go": "package after_good\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, n int) (int, error) { return n + 1, nil }\n",
	})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	if r.Status != StatusFailed {
		t.Errorf("run %s, want failed", r.Status)
	}
	b := wantStatus(t, r, "bad", StatusFailed)
	wantErrContains(t, b.Err, "data_loaders/bad.go", `block "bad"`, "no data today")
	s := wantStatus(t, r, "after_bad", StatusSkipped)
	wantErrContains(t, s.Err, `upstream "bad" failed`)
	wantStatus(t, r, "good", StatusSucceeded)
	g := wantStatus(t, r, "after_good", StatusSucceeded)
	if string(g.Value) != "42" {
		t.Errorf("after_good value %s, want 42", g.Value)
	}
}

const infiniteLoop = `package spin

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) {
	ctx.Log("spinning")
	n := 0
	for {
		n++
	}
}
`

func TestRunner_CancelStopsInfiniteLoop(t *testing.T) {
	dir := project(t, "  - {name: spin, kind: data_loader, file: data_loaders/spin.go, upstream: []}\n",
		map[string]string{"data_loaders/spin.go": infiniteLoop})
	plan, err := Build(load(t, dir), "p", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	events := make(chan Event)
	type ret struct {
		res *Result
		err error
	}
	done := make(chan ret, 1)
	go func() {
		res, err := NewRunner(RunnerOptions{Store: nilStore(dir)}).Run(ctx, plan, events)
		close(events)
		done <- ret{res, err}
	}()
	for e := range events {
		if e.Kind == BlockLog && e.Line == "spinning" {
			cancel()
		}
	}
	var got ret
	select {
	case got = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("run still going 10s after cancel")
	}
	if got.err != nil {
		t.Fatal(got.err)
	}
	if got.res.Status != StatusCancelled {
		t.Errorf("run %s, want cancelled", got.res.Status)
	}
	b := got.res.Blocks[0]
	if b.Status != StatusCancelled {
		t.Errorf("block %s, want cancelled: %v", b.Status, errString(b.Err))
	}
	wantIs(t, b.Err, ErrCancelled)
}

func TestRunner_BlockTimeout(t *testing.T) {
	dir := project(t, "  - {name: spin, kind: data_loader, file: data_loaders/spin.go, upstream: [], timeout: 300ms}\n",
		map[string]string{"data_loaders/spin.go": infiniteLoop})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	b := wantStatus(t, r, "spin", StatusFailed)
	wantErrContains(t, b.Err, "data_loaders/spin.go", "stopped after its timeout of 300ms")
	wantIs(t, b.Err, ErrTimeout)
	if r.Status != StatusFailed {
		t.Errorf("run %s, want failed", r.Status)
	}
}

func TestRunner_PanicLocatedInUserCode(t *testing.T) {
	cases := []struct {
		name, code string
		line       int
		msg        string
	}{
		{"explicit panic", `package boom

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) {
	panic("boom")
}
`, 6, "panic: boom"},
		{"nil map in helper", `package boom

import "github.com/golemlabs/golem/blocks"

func fill(m map[string]int) {
	m["x"] = 1
}

func Load(ctx *blocks.Context) (int, error) {
	var m map[string]int
	fill(m)
	return len(m), nil
}
`, 6, "assignment to entry in nil map"},
		{"index out of range", `package boom

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) {
	xs := []int{1, 2}
	i := 5
	return xs[i], nil
}
`, 8, "index out of range"},
		{"frame error", `package boom

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	f := frame.MustNew(frame.NewInts("a", []int64{1}))
	return f.Select("nope"), nil
}
`, 10, `no column "nope"`},
		{"bad variable", `package boom

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) {
	return ctx.Int("n", 1), nil
}
`, 6, `variable "n"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, "  - {name: boom, kind: data_loader, file: data_loaders/boom.go, upstream: []}\n",
				map[string]string{"data_loaders/boom.go": tc.code, "golem.yaml": "name: test\nvariables: {n: x}\n"})
			r := mustRun(t, dir, Options{}, RunnerOptions{})
			b := wantStatus(t, r, "boom", StatusFailed)
			if b.Err == nil {
				t.Fatal("no error")
			}
			if b.Err.File != "data_loaders/boom.go" || b.Err.Line != tc.line {
				t.Errorf("located at %s:%d, want data_loaders/boom.go:%d (%v)", b.Err.File, b.Err.Line, tc.line, b.Err)
			}
			wantErrContains(t, b.Err, tc.msg)
		})
	}
}

// fmt.Print* and the logger are logged in order, before the call returns; direct os.Stdout writes
// go through a pipe and keep their own order, but may come a moment later.
func TestRunner_StdoutAndLoggerInOrder(t *testing.T) {
	dir := project(t, "  - {name: chatty, kind: data_loader, file: data_loaders/chatty.go, upstream: []}\n",
		map[string]string{"data_loaders/chatty.go": `package chatty

import (
	"fmt"
	"os"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	for i := 0; i < 20; i++ {
		fmt.Println("println", i)
		os.Stdout.Write([]byte(fmt.Sprintf("write %d\n", i)))
		ctx.Logf("logf %d", i)
	}
	ctx.Log("two", "lines\nhere")
	return 0, nil
}
`})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	b := wantStatus(t, r, "chatty", StatusSucceeded)
	var want, writes []string
	for i := 0; i < 20; i++ {
		want = append(want, fmt.Sprintf("println %d", i), fmt.Sprintf("logf %d", i))
		writes = append(writes, fmt.Sprintf("write %d", i))
	}
	want = append(want, "two lines", "here")
	split := func(lines []string) (ordered, direct []string) {
		for _, l := range lines {
			if strings.HasPrefix(l, "write ") {
				direct = append(direct, l)
			} else {
				ordered = append(ordered, l)
			}
		}
		return
	}
	if o, d := split(b.Logs); !slices.Equal(o, want) || !slices.Equal(d, writes) {
		t.Errorf("logs:\n%q\nwant:\n%q\nand\n%q", b.Logs, want, writes)
	}
	var evs []string
	for _, e := range r.Events {
		if e.Kind == BlockLog {
			evs = append(evs, e.Line)
		}
	}
	if o, d := split(evs); !slices.Equal(o, want) || !slices.Equal(d, writes) {
		t.Errorf("log events:\n%q\nwant:\n%q\nand\n%q", evs, want, writes)
	}
}

func TestRunner_TestFunction(t *testing.T) {
	const code = `package check

import (
	"fmt"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	return %d, nil
}

func Test(n int) error {
	if n < 0 {
		return fmt.Errorf("negative: %%d", n)
	}
	return nil
}
`
	for _, tc := range []struct {
		name   string
		n      int
		status string
	}{{"passes", 1, StatusSucceeded}, {"fails", -1, StatusFailed}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, "  - {name: check, kind: data_loader, file: data_loaders/check.go, upstream: []}\n",
				map[string]string{"data_loaders/check.go": fmt.Sprintf(code, tc.n)})
			r := mustRun(t, dir, Options{}, RunnerOptions{})
			b := wantStatus(t, r, "check", tc.status)
			if tc.status == StatusFailed {
				wantErrContains(t, b.Err, "data_loaders/check.go:13", "Test", "negative: -1")
				if _, err := nilStore(dir).Meta("p", "check"); err == nil {
					t.Error("a block whose Test failed has a stored output")
				}
			}
		})
	}
}

const flaky = `package flaky

import (
	"fmt"
	"os"
	"strconv"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	p := ctx.Path("count.txt")
	b, _ := os.ReadFile(p)
	n, _ := strconv.Atoi(string(b))
	n++
	if err := os.WriteFile(p, []byte(strconv.Itoa(n)), 0o644); err != nil {
		return 0, err
	}
	if n < 3 {
		return 0, fmt.Errorf("flaky attempt %d", n)
	}
	return n, nil
}
`

func TestRunner_RetriesFlakyBlock(t *testing.T) {
	cases := []struct {
		name, retries string
		status        string
		attempts      int
	}{
		{"enough retries", "{count: 2, delay: 1ms}", StatusSucceeded, 3},
		{"too few retries", "{count: 1, delay: 1ms}", StatusFailed, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, "  - {name: flaky, kind: data_loader, file: data_loaders/flaky.go, upstream: [], retries: "+tc.retries+"}\n",
				map[string]string{"data_loaders/flaky.go": flaky})
			r := mustRun(t, dir, Options{}, RunnerOptions{})
			b := wantStatus(t, r, "flaky", tc.status)
			if b.Attempts != tc.attempts {
				t.Errorf("attempts %d, want %d", b.Attempts, tc.attempts)
			}
			if tc.status == StatusSucceeded && string(b.Value) != "3" {
				t.Errorf("value %s, want 3", b.Value)
			}
			if tc.status == StatusFailed {
				wantErrContains(t, b.Err, "flaky attempt 2")
			}
			retrying := 0
			for _, e := range r.Events {
				if e.Kind == BlockStarted && e.Status == StatusRetrying {
					retrying++
				}
			}
			if retrying != tc.attempts-1 {
				t.Errorf("%d retrying events, want %d", retrying, tc.attempts-1)
			}
		})
	}
}

func TestRunner_SensorPolledUntilTrue(t *testing.T) {
	dir := project(t, `
  - {name: wait, kind: sensor, file: sensors/wait.go, upstream: []}
  - {name: after, kind: data_loader, file: data_loaders/after.go, upstream: [wait]}
`, map[string]string{
		"sensors/wait.go": `package wait

import (
	"os"
	"strconv"

	"github.com/golemlabs/golem/blocks"
)

func Sense(ctx *blocks.Context) (bool, error) {
	p := ctx.Path("polls.txt")
	b, _ := os.ReadFile(p)
	n, _ := strconv.Atoi(string(b))
	n++
	ctx.Logf("poll %d", n)
	return n >= 3, os.WriteFile(p, []byte(strconv.Itoa(n)), 0o644)
}
`,
		"data_loaders/after.go": "package after\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n",
	})
	r := mustRun(t, dir, Options{}, RunnerOptions{SenseEvery: time.Millisecond})
	b := wantStatus(t, r, "wait", StatusSucceeded)
	if want := []string{"poll 1", "poll 2", "poll 3"}; !slices.Equal(b.Logs, want) {
		t.Errorf("logs %q, want %q", b.Logs, want)
	}
	wantStatus(t, r, "after", StatusSucceeded)
}

func TestRunner_SensorTimesOut(t *testing.T) {
	dir := project(t, "  - {name: wait, kind: sensor, file: sensors/wait.go, upstream: [], timeout: 200ms}\n",
		map[string]string{"sensors/wait.go": "package wait\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Sense(ctx *blocks.Context) (bool, error) { return false, nil }\n"})
	r := mustRun(t, dir, Options{}, RunnerOptions{SenseEvery: 10 * time.Millisecond})
	b := wantStatus(t, r, "wait", StatusFailed)
	wantIs(t, b.Err, ErrTimeout)
}

// jsonValues: a loader returns map, slice and struct values; downstreams receive them in their own
// parameter types, both within the run and re-loaded from the store.
var jsonValues = map[string]string{
	"data_loaders/m.go": `package m

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (map[string]float64, error) {
	return map[string]float64{"rmse": 5.5, "r2": 0.25}, nil
}
`,
	"data_loaders/s.go": `package s

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) ([]string, error) {
	return []string{"a", "b"}, nil
}
`,
	"data_loaders/st.go": `package st

import "github.com/golemlabs/golem/blocks"

type Model struct {
	Name    string
	Weights []float64
}

func Load(ctx *blocks.Context) (Model, error) {
	return Model{Name: "lin", Weights: []float64{1, 2}}, nil
}
`,
	"transformers/use.go": `package use

import (
	"fmt"

	"github.com/golemlabs/golem/blocks"
)

type Model struct {
	Name    string
	Weights []float64
}

func Transform(ctx *blocks.Context, m map[string]float64, s []string, md Model) (string, error) {
	return fmt.Sprintf("%.2f %.2f %v %s %v", m["rmse"], m["r2"], s, md.Name, md.Weights), nil
}
`,
}

const jsonPipeline = `
  - {name: m, kind: data_loader, file: data_loaders/m.go, upstream: []}
  - {name: s, kind: data_loader, file: data_loaders/s.go, upstream: []}
  - {name: st, kind: data_loader, file: data_loaders/st.go, upstream: []}
  - {name: use, kind: transformer, file: transformers/use.go, upstream: [m, s, st]}
`

func TestRunner_JSONValues(t *testing.T) {
	dir := project(t, jsonPipeline, jsonValues)
	const want = `"5.50 0.25 [a b] lin [1 2]"`
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	if b := wantStatus(t, r, "use", StatusSucceeded); string(b.Value) != want {
		t.Errorf("in-run value %s, want %s", b.Value, want)
	}
	if b := r.block(t, "m"); string(b.Value) != `{"r2":0.25,"rmse":5.5}` {
		t.Errorf("m value %s", b.Value)
	}
	r = mustRun(t, dir, Options{Blocks: []string{"use"}, Select: SelectOnly}, RunnerOptions{})
	if len(r.Blocks) != 1 {
		t.Errorf("SelectOnly ran %d blocks", len(r.Blocks))
	}
	if b := wantStatus(t, r, "use", StatusSucceeded); string(b.Value) != want {
		t.Errorf("stored-input value %s, want %s", b.Value, want)
	}
}

func TestRunner_ExporterReturningOnlyError(t *testing.T) {
	dir := project(t, `
  - {name: src, kind: data_loader, file: data_loaders/src.go, upstream: []}
  - {name: save, kind: data_exporter, file: data_exporters/save.go, upstream: [src]}
`, map[string]string{
		"data_loaders/src.go": fmt.Sprintf(loaderFrame, "src"),
		"data_exporters/save.go": `package save

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Export(ctx *blocks.Context, in *frame.Frame) error {
	return in.WriteCSV(ctx.Path("out.csv"))
}
`,
	})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	wantStatus(t, r, "src", StatusSucceeded)
	b := wantStatus(t, r, "save", StatusSucceeded)
	if b.Value != nil || b.GoType != "" {
		t.Errorf("exporter without value has value %s of type %q", b.Value, b.GoType)
	}
	got, err := os.ReadFile(filepath.Join(dir, "out.csv"))
	if err != nil || !strings.HasPrefix(string(got), "x\n1\n2\n3") {
		t.Errorf("out.csv = %q, %v", got, err)
	}
	if src := r.block(t, "src"); src.Rows != 3 || src.Cols != 1 {
		t.Errorf("src shape %dx%d", src.Rows, src.Cols)
	}
	f, err := nilStore(dir).LoadFrame("p", "src")
	if err != nil || f.NumRows() != 3 {
		t.Errorf("stored frame: %v %v", f, err)
	}
}

func TestRunner_UtilsPackageSharedByBlocks(t *testing.T) {
	dir := project(t, `
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}
  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}
`, map[string]string{
		"utils/mathx/mathx.go": "package mathx\n\n// Double doubles n.\nfunc Double(n int) int { return 2 * n }\n",
		"data_loaders/a.go": `package a

import (
	"utils/mathx"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) { return mathx.Double(5), nil }
`,
		"transformers/b.go": `package b

import (
	"utils/mathx"

	"github.com/golemlabs/golem/blocks"
)

func Transform(ctx *blocks.Context, n int) (int, error) { return mathx.Double(n), nil }
`,
	})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	if b := wantStatus(t, r, "b", StatusSucceeded); string(b.Value) != "20" {
		t.Errorf("b = %s, want 20", b.Value)
	}
}

func TestRunner_MarkdownBlockIgnored(t *testing.T) {
	dir := project(t, `
  - {name: notes, kind: markdown, file: markdowns/notes.md, upstream: []}
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}
`, map[string]string{
		"markdowns/notes.md": "# Notes\n\nfunc Load is not code here.\n",
		"data_loaders/a.go":  fmt.Sprintf(loaderFrame, "a"),
	})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	if len(r.Blocks) != 1 || r.Blocks[0].Name != "a" || r.Status != StatusSucceeded {
		t.Errorf("blocks %+v, status %s", r.Blocks, r.Status)
	}
	for _, e := range r.Events {
		if e.Block == "notes" {
			t.Errorf("event for markdown block: %+v", e)
		}
	}
}

func TestRunner_FrameFlowsDownstream(t *testing.T) {
	dir := project(t, `
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}
  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}
`, map[string]string{
		"data_loaders/a.go": fmt.Sprintf(loaderFrame, "a"),
		"transformers/b.go": `package b

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) {
	return in.Filter(in.Col("x").Gt(1)), nil
}
`,
	})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	b := wantStatus(t, r, "b", StatusSucceeded)
	if b.Rows != 2 || b.Cols != 1 || b.GoType != "*frame.Frame" {
		t.Errorf("b: %dx%d %s", b.Rows, b.Cols, b.GoType)
	}
	f, err := nilStore(dir).LoadFrame("p", "b")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Col("x").Ints(); !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("stored b.x = %v", got)
	}
	_ = frame.Int64
}

// An interpreter loads only the standard packages a block and utils import: a package only utils
// import, fmt with an interpreted Stringer, log, and the empty environment all still work.
func TestRunner_StdlibAsImported(t *testing.T) {
	dir := project(t, "  - {name: std, kind: data_loader, file: data_loaders/std.go, upstream: []}\n",
		map[string]string{
			"utils/pad/pad.go": "package pad\n\nimport \"strings\"\n\nfunc Left(s string, n int) string { return strings.Repeat(\" \", n-len(s)) + s }\n",
			"data_loaders/std.go": `package std

import (
	"fmt"
	"log"
	"os"
	"sort"

	"github.com/golemlabs/golem/blocks"
	"utils/pad"
)

type named string

func (n named) String() string { return "named:" + string(n) }

func Load(ctx *blocks.Context) (string, error) {
	xs := []int{3, 1, 2}
	sort.Ints(xs)
	log.Println("to stderr")
	fmt.Println(named("x"), os.Getenv("HOME") == "")
	return fmt.Sprint(xs) + pad.Left("y", 3), nil
}
`})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	b := wantStatus(t, r, "std", StatusSucceeded)
	if string(b.Value) != `"[1 2 3]  y"` || !slices.Contains(b.Logs, "named:x true") {
		t.Fatalf("value %s, logs %q", b.Value, b.Logs)
	}
}
