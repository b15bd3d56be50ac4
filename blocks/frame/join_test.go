package frame

import (
	"errors"
	"testing"
)

func TestFrame_Join(t *testing.T) {
	left := MustNew(
		nulls(NewInts("id", []int64{1, 2, 3, 2, 0}), 4),
		NewStrings("name", []string{"a", "b", "c", "b2", "n"}),
	)
	right := MustNew(
		nulls(NewInts("id", []int64{2, 1, 4, 2, 0}), 4),
		NewFloats("score", []float64{20, 10, 40, 21, 99}),
		NewStrings("name", []string{"R2", "R1", "R4", "R2b", "Rn"}),
	)
	empty := MustNew(NewInts("id", nil), NewFloats("score", nil))
	cases := []struct {
		name  string
		l, r  *Frame
		how   string
		cols  []string
		check map[string][]any
	}{
		{"inner", left, right, "inner", []string{"id", "name_x", "score", "name_y"}, map[string][]any{
			"id":     {int64(1), int64(2), int64(2), int64(2), int64(2)},
			"name_x": {"a", "b", "b", "b2", "b2"},
			"score":  {10.0, 20.0, 21.0, 20.0, 21.0},
			"name_y": {"R1", "R2", "R2b", "R2", "R2b"},
		}},
		{"left keeps unmatched and null keys", left, right, "left", []string{"id", "name_x", "score", "name_y"}, map[string][]any{
			"id":    {int64(1), int64(2), int64(2), int64(3), int64(2), int64(2), nil},
			"score": {10.0, 20.0, 21.0, nil, 20.0, 21.0, nil},
		}},
		{"outer adds right-only rows with their keys", left, right, "outer", nil, map[string][]any{
			"id":     {int64(1), int64(2), int64(2), int64(3), int64(2), int64(2), nil, int64(4), nil},
			"name_x": {"a", "b", "b", "c", "b2", "b2", "n", nil, nil},
			"name_y": {"R1", "R2", "R2b", nil, "R2", "R2b", nil, "R4", "Rn"},
		}},
		{"empty right, left join", left.Select("id", "name"), empty, "left", []string{"id", "name", "score"}, map[string][]any{
			"score": {nil, nil, nil, nil, nil},
		}},
		{"empty left, inner join", empty, right.Select("id", "name"), "inner", []string{"id", "score", "name"}, map[string][]any{
			"id": {},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.l.Join(tc.r, tc.how, "id")
			if tc.cols != nil && !equalStrings(got.Columns(), tc.cols) {
				t.Fatalf("columns %v, want %v", got.Columns(), tc.cols)
			}
			for col, want := range tc.check {
				eqValues(t, got.Col(col), want)
			}
		})
	}
}

func TestFrame_JoinWith_MultiKeyAndSuffixes(t *testing.T) {
	l := MustNew(NewInts("y", []int64{2023, 2023, 2024}), NewInts("m", []int64{1, 2, 1}), NewFloats("v", []float64{1, 2, 3}))
	r := MustNew(NewFloats("year", []float64{2023, 2024}), NewInts("month", []int64{2, 1}), NewFloats("v", []float64{20, 30}))
	got := l.JoinWith(r, JoinOptions{How: "left", LeftOn: []string{"y", "m"}, RightOn: []string{"year", "month"}, Suffixes: [2]string{"", "_r"}})
	if want := []string{"y", "m", "v", "year", "month", "v_r"}; !equalStrings(got.Columns(), want) {
		t.Fatalf("columns %v", got.Columns())
	}
	eqValues(t, got.Col("v_r"), []any{nil, 20.0, 30.0})
	eqValues(t, got.Col("year"), []any{nil, 2023.0, 2024.0})
}

func TestFrame_Join_Errors(t *testing.T) {
	l := MustNew(NewInts("id", []int64{1}), NewStrings("s", []string{"x"}))
	r := MustNew(NewStrings("id", []string{"1"}))
	cases := []struct {
		name string
		fn   func()
		want []string
		err  error
	}{
		{"missing right key", func() { l.Join(r, "inner", "s") }, []string{`no column "s" in the right frame`}, ErrNoColumn},
		{"missing left key", func() { l.Join(r, "inner", "nope") }, []string{`no column "nope"`}, ErrNoColumn},
		{"key types", func() { l.Join(r, "inner", "id") }, []string{`key "id" is int64 on the left`, "string on the right"}, ErrType},
		{"unknown how", func() { l.Join(r, "cross", "id") }, []string{`unknown join "cross"`}, ErrRange},
		{"no keys", func() { l.Join(r, "left") }, []string{"at least one"}, ErrNoColumn},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got error
			msg := panicMsg(t, func() {
				defer func() {
					r := recover()
					got = r.(error)
					panic(r)
				}()
				tc.fn()
			})
			contains(t, msg, append([]string{"frame: Join: "}, tc.want...)...)
			if !errors.Is(got, tc.err) {
				t.Fatalf("%v is not %v", got, tc.err)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
