package blocks

import (
	"errors"
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
