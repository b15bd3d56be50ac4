package frame

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// panicMsg runs fn and returns the message of the *Error it panics with.
func panicMsg(t *testing.T, fn func()) (msg string) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic")
		}
		e, ok := r.(*Error)
		if !ok {
			t.Fatalf("panic %T %v, want *Error", r, r)
		}
		msg = e.Error()
	}()
	fn()
	return ""
}

// values returns s as []any (nil for null).
func values(s *Series) []any {
	out := make([]any, s.Len())
	for i := range out {
		out[i] = s.Value(i)
	}
	return out
}

func eqValues(t *testing.T, got *Series, want []any) {
	t.Helper()
	g := values(got)
	if len(g) != len(want) {
		t.Fatalf("len %d, want %d: %v vs %v", len(g), len(want), g, want)
	}
	for i := range g {
		gf, gok := g[i].(float64)
		wf, wok := want[i].(float64)
		if gok && wok {
			if math.Abs(gf-wf) > 1e-9 && !(math.IsNaN(gf) && math.IsNaN(wf)) {
				t.Fatalf("row %d: got %v, want %v (all %v)", i, g[i], want[i], g)
			}
			continue
		}
		if !reflect.DeepEqual(g[i], want[i]) {
			t.Fatalf("row %d: got %v (%T), want %v (%T) (all %v)", i, g[i], g[i], want[i], want[i], g)
		}
	}
}

func nulls(s *Series, idx ...int) *Series {
	v := make([]bool, s.Len())
	for i := range v {
		v[i] = true
	}
	for _, i := range idx {
		v[i] = false
	}
	return s.WithNulls(v)
}

func TestError_MessageAndUnwrap(t *testing.T) {
	f := MustNew(NewInts("a", []int64{1}), NewInts("b", []int64{2}))
	defer func() {
		e := recover().(*Error)
		if e.Error() != `frame: Col: no column "durtion" (columns: a, b)` {
			t.Fatalf("message %q", e.Error())
		}
		if !errors.Is(e, ErrNoColumn) || e.Op != "Col" {
			t.Fatalf("errors.Is/Op wrong: %v %q", e, e.Op)
		}
	}()
	f.Col("durtion")
}

func contains(t *testing.T, msg string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Fatalf("message %q does not contain %q", msg, p)
		}
	}
}
