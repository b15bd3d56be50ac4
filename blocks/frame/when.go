package frame

import (
	"fmt"
	"time"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// Case is a conditional column being built: When adds a condition and its
// value, Otherwise gives the value of the remaining rows and returns the
// column.
//
//	size := frame.When(d.Lt(1), "short").When(d.Lt(30), "medium").Otherwise("long")
type Case struct {
	conds  []*Series
	values []any
}

// When starts a conditional column: rows where cond is true take value. A
// value is a *Series of the same length, a scalar (a number, string, bool,
// time.Time or time.Duration) or nil for null. A null condition counts as
// false.
func When(cond *Series, value any) *Case {
	return (&Case{}).When(cond, value)
}

// When adds a condition, checked for the rows no earlier condition took.
func (c *Case) When(cond *Series, value any) *Case {
	if cond == nil || cond.typ != Bool {
		t := "nil"
		if cond != nil {
			t = cond.typ.String()
		}
		failMsg("When", ErrType, "condition is %s, want bool", t)
	}
	if len(c.conds) > 0 && cond.n != c.conds[0].n {
		failMsg("When", ErrLength, "length mismatch %d vs %d (condition %q)", c.conds[0].n, cond.n, cond.name)
	}
	return &Case{conds: append(c.conds[:len(c.conds):len(c.conds)], cond), values: append(c.values[:len(c.values):len(c.values)], value)}
}

// Otherwise returns the column: each row takes the value of the first
// condition true for it, else value (nil for null). The type is that of the
// values; int64 with float64 gives float64. The column is named after the
// first *Series value, or "value".
func (c *Case) Otherwise(value any) *Series {
	const op = "When"
	n := c.conds[0].n
	vals := append(append([]any(nil), c.values...), value)
	branches := make([]*Series, len(vals))
	name := ""
	t, typed := Float64, false
	for k, v := range vals {
		s := valueSeries(op, v, n)
		branches[k] = s
		if s == nil {
			continue
		}
		if sv, ok := v.(*Series); ok && name == "" {
			name = sv.name
		}
		if !typed {
			t, typed = s.typ, true
			continue
		}
		u, ok := unifyType(t, s.typ)
		if !ok {
			failMsg(op, ErrType, "values of different types: %s and %s", t, s.typ)
		}
		t = u
	}
	if name == "" {
		name = "value"
	}
	// Which branch each row takes.
	chosen := hugeslice.Make[int32](n)
	for i := range chosen {
		chosen[i] = int32(len(c.conds))
	}
	taken := hugeslice.Make[bool](n)
	for k, cond := range c.conds {
		for i, b := range cond.bools {
			if b && !taken[i] && (cond.valid == nil || cond.valid[i]) {
				chosen[i], taken[i] = int32(k), true
			}
		}
	}
	out := alloc(name, t, n)
	valid := hugeslice.Make[bool](n)
	for k, s := range branches {
		if s == nil {
			continue
		}
		s = castTo(s, t)
		at := func(i int) int { return i }
		if s.n == 1 && n != 1 {
			at = func(int) int { return 0 }
		}
		for i, ch := range chosen {
			if int(ch) != k {
				continue
			}
			j := at(i)
			if s.valid != nil && !s.valid[j] {
				continue
			}
			valid[i] = true
			switch {
			case out.ints != nil:
				out.ints[i] = s.ints[j]
			case out.floats != nil:
				out.floats[i] = s.floats[j]
			case out.strs != nil:
				out.strs[i] = s.strs[j]
			case out.bools != nil:
				out.bools[i] = s.bools[j]
			}
		}
	}
	return out.withMask(valid)
}

// Where returns a where cond is true and b elsewhere (also where cond is
// null); a and b are as the values of When.
//
//	fare := frame.Where(f.Col("fare").Lt(0), 0, f.Col("fare"))
func Where(cond *Series, a, b any) *Series { return When(cond, a).Otherwise(b) }

// valueSeries turns a When value into a series of length n or a one-row
// series for a scalar; nil stays nil.
func valueSeries(op string, v any, n int) *Series {
	switch x := v.(type) {
	case nil:
		return nil
	case *Series:
		if x == nil {
			return nil
		}
		if x.n != n {
			failMsg(op, ErrLength, "length mismatch %d vs %d (column %q)", n, x.n, x.name)
		}
		return x
	case string:
		return NewStrings("", []string{x})
	case bool:
		return NewBools("", []bool{x})
	case time.Time:
		return NewTimes("", []time.Time{x})
	case time.Duration:
		return NewDurations("", []time.Duration{x})
	case float64, float32:
		f, _ := toFloat(x)
		return NewFloats("", []float64{f})
	}
	if k, ok := toInt(v); ok {
		return NewInts("", []int64{k})
	}
	failMsg(op, ErrType, "unsupported value %s", fmt.Sprintf("%T", v))
	return nil
}
