package blocks

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestPrecheck(t *testing.T) {
	const pre = "package b\n\nimport (\n\t\"maps\"\n\t\"slices\"\n\n\t\"github.com/golemlabs/golem/blocks\"\n)\n\nvar _, _ = maps.Keys[map[int]int], slices.Sort[[]int]\n\n"
	// the body starts on line 13: func Load(...) {
	wrap := func(body string) string {
		return pre + "func Load(ctx *blocks.Context) (int, error) {\n" + body + "\treturn 0, nil\n}\n"
	}
	cases := []struct {
		name string
		src  string
		want string // "file:line:col: fragment"; "" = accepted
	}{
		{"range over int literal", wrap("\tfor i := range 10 {\n\t\t_ = i\n\t}\n"), "b.go:13:2: unsupported syntax: range over an integer"},
		{"range over len", wrap("\txs := []int{1}\n\tfor range len(xs) {\n\t}\n"), "b.go:14:2: unsupported syntax: range over an integer"},
		{"range over int var", wrap("\tn := 5\n\tfor i := range n {\n\t\t_ = i\n\t}\n"), "b.go:14:2: unsupported syntax: range over an integer"},
		{"range over int expression", wrap("\tn := 5\n\tfor i := range n * 2 {\n\t\t_ = i\n\t}\n"), "b.go:14:2: unsupported syntax: range over an integer"},
		{"range over slice ok", wrap("\tfor i, x := range []int{1} {\n\t\t_, _ = i, x\n\t}\n"), ""},
		{"range over map ok", wrap("\tfor k := range map[string]int{} {\n\t\t_ = k\n\t}\n"), ""},
		{"range over func literal", wrap("\tfor x := range func(yield func(int) bool) {} {\n\t\t_ = x\n\t}\n"), "b.go:13:2: unsupported syntax: range over a function"},
		{"range over declared func", pre + "func seq(yield func(int) bool) {}\n\nfunc Load(ctx *blocks.Context) (int, error) {\n\tfor x := range seq {\n\t\t_ = x\n\t}\n\treturn 0, nil\n}\n", "b.go:15:2: unsupported syntax: range over a function"},
		{"range over maps.Keys", wrap("\tfor k := range maps.Keys(map[int]int{}) {\n\t\t_ = k\n\t}\n"), "b.go:13:2: unsupported syntax: range over a function"},
		{"range over slices.Values", wrap("\tfor v := range slices.Values([]int{1}) {\n\t\t_ = v\n\t}\n"), "b.go:13:2: unsupported syntax: range over a function"},
		{"builtin min", wrap("\t_ = min(1, 2)\n"), "b.go:13:6: unsupported syntax: the builtin min"},
		{"builtin max", wrap("\t_ = max(1.0, 2.0)\n"), "b.go:13:6: unsupported syntax: the builtin max"},
		{"builtin clear", wrap("\tm := map[int]int{}\n\tclear(m)\n"), "b.go:14:2: unsupported syntax: the builtin clear"},
		{"user-declared min", pre + "func min(a, b int) int {\n\tif a < b {\n\t\treturn a\n\t}\n\treturn b\n}\n\nfunc Load(ctx *blocks.Context) (int, error) {\n\treturn min(1, 2), nil\n}\n", ""},
		{"method named max", wrap("\tvar s struct{ max func() int }\n\ts.max = func() int { return 1 }\n\t_ = s.max()\n"), ""},
		{"generic package var", pre + "func First[T any](xs []T) T { return xs[0] }\n\nvar first = First([]int{1})\n\nfunc Load(ctx *blocks.Context) (int, error) { return first, nil }\n", "b.go:14:13: unsupported syntax: a package-level variable cannot be initialised by the generic function First"},
		{"generic package var explicit", pre + "func First[T any](xs []T) T { return xs[0] }\n\nvar first = First[int]([]int{1})\n\nfunc Load(ctx *blocks.Context) (int, error) { return first, nil }\n", "b.go:14:13: unsupported syntax: a package-level variable cannot be initialised by the generic function First"},
		{"generic call inside function ok", pre + "func First[T any](xs []T) T { return xs[0] }\n\nfunc Load(ctx *blocks.Context) (int, error) { return First([]int{1}), nil }\n", ""},
		{"classic for ok", wrap("\tfor i := 0; i < 10; i++ {\n\t\t_ = i\n\t}\n"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSource("transformers/b.go", []byte(tc.src), DataLoader)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %q", err, tc.want)
			}
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("not ErrUnsupported: %v", err)
			}
		})
	}
}

func TestPrecheck_GenericCalls(t *testing.T) {
	const head = "package b\n\nimport (\n\t\"slices\"\n\n\t\"github.com/golemlabs/golem/blocks\"\n\t\"github.com/golemlabs/golem/blocks/frame\"\n)\n\n" +
		"func sum[T ~int64 | ~float64](xs []T) T {\n\tvar t T\n\tfor _, x := range xs {\n\t\tt += x\n\t}\n\treturn t\n}\n\n" +
		"func first[T any](x T) T { return x }\n\n"
	// line 19: func Load; its body starts on line 20
	wrap := func(body string) string {
		return head + "func Load(ctx *blocks.Context) (float64, error) {\n\ts := frame.NewFloats(\"x\", []float64{1})\n\t_ = s\n" + body + "\treturn 0, nil\n}\n"
	}
	cases := []struct {
		name string
		src  string
		want string // "" = accepted
	}{
		{"inferred from a frame method", wrap("\t_ = sum(s.Floats())\n"), "b.go:23:6: unsupported syntax: the generic function sum infers its type arguments from s.Floats(), which crashes the block interpreter (\"CFG post-order panic\"); write them out: sum[float64](s.Floats())"},
		{"inferred from a variable set by a call", wrap("\txs := s.Ints()\n\t_ = sum(xs)\n"), "b.go:24:6: unsupported syntax: the generic function sum infers its type arguments from xs"},
		{"inferred from a slice of a call", wrap("\t_ = sum(s.Floats()[1:])\n"), "b.go:23:6: unsupported syntax: the generic function sum"},
		{"explicit type arguments ok", wrap("\t_ = sum[float64](s.Floats())\n"), ""},
		{"composite literal ok", wrap("\t_ = sum([]float64{1, 2})\n"), ""},
		{"typed variable ok", wrap("\tvar xs []float64 = s.Floats()\n\t_ = sum(xs)\n"), ""},
		{"plain type parameter ok", wrap("\t_ = first(s.Mean())\n"), ""},
		{"slices.Sort", wrap("\txs := []float64{2, 1}\n\tslices.Sort(xs)\n"), "b.go:24:2: unsupported syntax: slices.Sort: not available in the block interpreter; use sort.Float64s"},
		{"slices.Max", wrap("\t_ = slices.Max(s.Floats())\n"), "b.go:23:6: unsupported syntax: slices.Max: not available in the block interpreter; use a loop, or frame.NewFloats"},
		{"slices.Clone inferred", wrap("\t_ = slices.Clone(s.Floats())\n"), "b.go:23:6: unsupported syntax: slices.Clone: the block interpreter cannot infer this function's type arguments"},
		{"slices.Clone one type argument", wrap("\t_ = slices.Clone[[]float64](s.Floats())\n"), "b.go:23:6: unsupported syntax: slices.Clone"},
		{"slices.Clone all type arguments ok", wrap("\t_ = slices.Clone[[]float64, float64](s.Floats())\n"), ""},
		{"slices.Contains ok", wrap("\t_ = slices.Contains(s.Strings(), \"a\")\n"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			if !strings.Contains(src, "slices.") {
				src = strings.Replace(src, "\t\"slices\"\n\n", "", 1)
				tc.want = shiftLine(tc.want, -2)
			}
			_, err := ParseSource("transformers/b.go", []byte(src), DataLoader)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %q", err, tc.want)
			}
		})
	}
}

// shiftLine moves the line of a "b.go:L:C: ..." expectation by d.
func shiftLine(want string, d int) string {
	var line, col int
	var rest string
	if n, _ := fmt.Sscanf(want, "b.go:%d:%d:", &line, &col); n != 2 {
		return want
	}
	_, rest, _ = strings.Cut(want, ": ")
	return fmt.Sprintf("b.go:%d:%d: %s", line+d, col, rest)
}
