package frame

import (
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// mergeValid returns the combined null mask of a and b (nil when neither has nulls).
func mergeValid(a, b []bool) []bool {
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := hugeslice.Make[bool](len(a))
	for i := range out {
		out[i] = a[i] && b[i]
	}
	return out
}

func (s *Series) checkLen(op string, o *Series) {
	if o == nil {
		failMsg(op, ErrType, "nil series (column %q)", s.name)
	}
	if s.n != o.n {
		failMsg(op, ErrLength, "length mismatch %d vs %d (columns %q, %q)", s.n, o.n, s.name, o.name)
	}
}

const (
	opAdd = iota
	opSub
	opMul
	opDiv
)

var opNames = [...]string{"Add", "Sub", "Mul", "Div"}

func intArith(op int, a, b []int64) []int64 {
	out := hugeslice.Make[int64](len(a))
	b = b[:len(a)]
	switch op {
	case opAdd:
		for i := range out {
			out[i] = a[i] + b[i]
		}
	case opSub:
		for i := range out {
			out[i] = a[i] - b[i]
		}
	case opMul:
		for i := range out {
			out[i] = a[i] * b[i]
		}
	}
	return out
}

func floatArith(op int, a, b []float64) []float64 {
	out := hugeslice.Make[float64](len(a))
	b = b[:len(a)]
	switch op {
	case opAdd:
		for i := range out {
			out[i] = a[i] + b[i]
		}
	case opSub:
		for i := range out {
			out[i] = a[i] - b[i]
		}
	case opMul:
		for i := range out {
			out[i] = a[i] * b[i]
		}
	case opDiv:
		for i := range out {
			out[i] = a[i] / b[i]
		}
	}
	return out
}

// rawFloats returns numeric values as float64 without NaN-masking nulls.
func (s *Series) rawFloats() []float64 {
	switch s.typ {
	case Float64:
		return s.floats
	case Int64, Timestamp, Duration:
		out := hugeslice.Make[float64](s.n)
		for i, v := range s.ints {
			out[i] = float64(v)
		}
		return out
	}
	return nil
}

func (s *Series) arith(op int, o *Series) *Series {
	name := opNames[op]
	s.checkLen(name, o)
	valid := mergeValid(s.valid, o.valid)
	a, b := s.typ, o.typ
	res := func(t Type, ints []int64, floats []float64) *Series {
		return &Series{name: s.name, typ: t, ints: ints, floats: floats, valid: valid, n: s.n}
	}
	switch {
	case a == Int64 && b == Int64 && op != opDiv:
		return res(Int64, intArith(op, s.ints, o.ints), nil)
	case a.isNumeric() && b.isNumeric():
		return res(Float64, nil, floatArith(op, s.rawFloats(), o.rawFloats()))
	case a == Timestamp && b == Timestamp && op == opSub:
		return res(Duration, intArith(opSub, s.ints, o.ints), nil)
	case a == Timestamp && b == Duration && (op == opAdd || op == opSub):
		return res(Timestamp, intArith(op, s.ints, o.ints), nil)
	case a == Duration && b == Timestamp && op == opAdd:
		return res(Timestamp, intArith(op, s.ints, o.ints), nil)
	case a == Duration && b == Duration && (op == opAdd || op == opSub):
		return res(Duration, intArith(op, s.ints, o.ints), nil)
	case a == Duration && b == Duration && op == opDiv:
		return res(Float64, nil, floatArith(op, s.rawFloats(), o.rawFloats()))
	}
	failMsg(name, ErrType, "cannot apply to %s column %q and %s column %q", a, s.name, b, o.name)
	return nil
}

// Add returns s + o element-wise. int64+int64 stays int64, other numeric
// combinations give float64, timestamp+duration gives timestamp and
// duration+duration gives duration. A null on either side gives null.
func (s *Series) Add(o *Series) *Series { return s.arith(opAdd, o) }

// Sub returns s − o element-wise; timestamp − timestamp gives a duration.
func (s *Series) Sub(o *Series) *Series { return s.arith(opSub, o) }

// Mul returns s × o element-wise for numeric series.
func (s *Series) Mul(o *Series) *Series { return s.arith(opMul, o) }

// Div returns s ÷ o element-wise as float64 (IEEE rules for division by zero).
func (s *Series) Div(o *Series) *Series { return s.arith(opDiv, o) }

func (s *Series) scalar(op int, v float64) *Series {
	name := opNames[op] + "Scalar"
	switch s.typ {
	case Int64:
		if op != opDiv && v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			k := int64(v)
			out := hugeslice.Make[int64](s.n)
			switch op {
			case opAdd:
				for i, x := range s.ints {
					out[i] = x + k
				}
			case opSub:
				for i, x := range s.ints {
					out[i] = x - k
				}
			case opMul:
				for i, x := range s.ints {
					out[i] = x * k
				}
			}
			return &Series{name: s.name, typ: Int64, ints: out, valid: s.valid, n: s.n}
		}
		return &Series{name: s.name, typ: Float64, floats: floatScalar(op, s.rawFloats(), v, false), valid: s.valid, n: s.n}
	case Float64:
		return &Series{name: s.name, typ: Float64, floats: floatScalar(op, s.floats, v, true), valid: s.valid, n: s.n}
	case Duration:
		if op == opMul || op == opDiv {
			f := floatScalar(op, s.rawFloats(), v, false)
			out := hugeslice.Make[int64](s.n)
			for i, x := range f {
				out[i] = int64(math.Round(x))
			}
			return &Series{name: s.name, typ: Duration, ints: out, valid: s.valid, n: s.n}
		}
	}
	failMsg(name, ErrType, "column %q is %s, want numeric", s.name, s.typ)
	return nil
}

func floatScalar(op int, a []float64, v float64, fresh bool) []float64 {
	out := a
	if fresh {
		out = hugeslice.Make[float64](len(a))
	}
	switch op {
	case opAdd:
		for i, x := range a {
			out[i] = x + v
		}
	case opSub:
		for i, x := range a {
			out[i] = x - v
		}
	case opMul:
		for i, x := range a {
			out[i] = x * v
		}
	case opDiv:
		for i, x := range a {
			out[i] = x / v
		}
	}
	return out
}

// AddScalar returns s + v. An int64 series stays int64 when v is integral.
func (s *Series) AddScalar(v float64) *Series { return s.scalar(opAdd, v) }

// SubScalar returns s − v. An int64 series stays int64 when v is integral.
func (s *Series) SubScalar(v float64) *Series { return s.scalar(opSub, v) }

// MulScalar returns s × v; a duration times v stays a duration.
func (s *Series) MulScalar(v float64) *Series { return s.scalar(opMul, v) }

// DivScalar returns s ÷ v as float64; a duration divided by v stays a duration.
func (s *Series) DivScalar(v float64) *Series { return s.scalar(opDiv, v) }

func (s *Series) durationIn(op string, unit float64) *Series {
	if s.typ != Duration {
		s.typeFail(op, "duration")
	}
	out := hugeslice.Make[float64](s.n)
	for i, x := range s.ints {
		out[i] = float64(x) / unit
	}
	return &Series{name: s.name, typ: Float64, floats: out, valid: s.valid, n: s.n}
}

// Minutes converts a duration series to float64 minutes.
func (s *Series) Minutes() *Series { return s.durationIn("Minutes", 60e6) }

// Seconds converts a duration series to float64 seconds.
func (s *Series) Seconds() *Series { return s.durationIn("Seconds", 1e6) }

// Hours converts a duration series to float64 hours.
func (s *Series) Hours() *Series { return s.durationIn("Hours", 3600e6) }

// Abs returns the absolute value of a numeric or duration series.
func (s *Series) Abs() *Series {
	switch s.typ {
	case Int64, Duration:
		out := hugeslice.Make[int64](s.n)
		for i, x := range s.ints {
			if x < 0 {
				x = -x
			}
			out[i] = x
		}
		return &Series{name: s.name, typ: s.typ, ints: out, valid: s.valid, n: s.n}
	case Float64:
		out := hugeslice.Make[float64](s.n)
		for i, x := range s.floats {
			out[i] = math.Abs(x)
		}
		return &Series{name: s.name, typ: Float64, floats: out, valid: s.valid, n: s.n}
	}
	s.typeFail("Abs", "numeric or duration")
	return nil
}

// ---- comparisons ----

const (
	cmpGt = iota
	cmpGe
	cmpLt
	cmpLe
)

func boolSeries(name string, v, valid []bool) *Series {
	return &Series{name: name, typ: Bool, bools: v, valid: valid, n: len(v)}
}

func (s *Series) compare(op string, c int, v float64) *Series {
	out := hugeslice.Make[bool](s.n)
	switch s.typ {
	case Float64:
		cmpFloats(c, s.floats, v, out)
	case Int64:
		// Compare exactly: x > v for integer x ⇔ x > floor(v) etc.
		cmpIntsAsFloat(c, s.ints, v, out)
	default:
		failMsg(op, ErrType, "column %q is %s, want numeric", s.name, s.typ)
	}
	return boolSeries(s.name, out, s.valid)
}

func cmpFloats(c int, a []float64, v float64, out []bool) {
	out = out[:len(a)]
	switch c {
	case cmpGt:
		for i, x := range a {
			out[i] = x > v
		}
	case cmpGe:
		for i, x := range a {
			out[i] = x >= v
		}
	case cmpLt:
		for i, x := range a {
			out[i] = x < v
		}
	case cmpLe:
		for i, x := range a {
			out[i] = x <= v
		}
	}
}

func cmpIntsAsFloat(c int, a []int64, v float64, out []bool) {
	out = out[:len(a)]
	switch c {
	case cmpGt:
		for i, x := range a {
			out[i] = float64(x) > v
		}
	case cmpGe:
		for i, x := range a {
			out[i] = float64(x) >= v
		}
	case cmpLt:
		for i, x := range a {
			out[i] = float64(x) < v
		}
	case cmpLe:
		for i, x := range a {
			out[i] = float64(x) <= v
		}
	}
}

// Gt returns s > v as a bool series (null stays null).
func (s *Series) Gt(v float64) *Series { return s.compare("Gt", cmpGt, v) }

// Ge returns s >= v as a bool series (null stays null).
func (s *Series) Ge(v float64) *Series { return s.compare("Ge", cmpGe, v) }

// Lt returns s < v as a bool series (null stays null).
func (s *Series) Lt(v float64) *Series { return s.compare("Lt", cmpLt, v) }

// Le returns s <= v as a bool series (null stays null).
func (s *Series) Le(v float64) *Series { return s.compare("Le", cmpLe, v) }

// Between returns lo <= s <= hi (both ends inclusive) as a bool series.
func (s *Series) Between(lo, hi float64) *Series {
	out := hugeslice.Make[bool](s.n)
	switch s.typ {
	case Float64:
		for i, x := range s.floats {
			out[i] = x >= lo && x <= hi
		}
	case Int64:
		for i, x := range s.ints {
			f := float64(x)
			out[i] = f >= lo && f <= hi
		}
	default:
		failMsg("Between", ErrType, "column %q is %s, want numeric", s.name, s.typ)
	}
	return boolSeries(s.name, out, s.valid)
}

// Eq returns s == v as a bool series (null stays null). v may be a string,
// a number, a bool, a time.Time (timestamp columns) or a time.Duration; Eq(nil)
// is IsNa.
func (s *Series) Eq(v any) *Series { return s.eq("Eq", v, false) }

// Ne returns s != v as a bool series (null stays null); Ne(nil) is NotNa.
func (s *Series) Ne(v any) *Series { return s.eq("Ne", v, true) }

func (s *Series) eq(op string, v any, neg bool) *Series {
	if v == nil {
		if neg {
			return s.NotNa()
		}
		return s.IsNa()
	}
	out := hugeslice.Make[bool](s.n)
	bad := func() {
		failMsg(op, ErrType, "cannot compare %s column %q with %T", s.typ, s.name, v)
	}
	switch s.typ {
	case String:
		x, ok := v.(string)
		if !ok {
			bad()
		}
		for i, y := range s.strs {
			out[i] = (y == x) != neg
		}
	case Bool:
		x, ok := v.(bool)
		if !ok {
			bad()
		}
		for i, y := range s.bools {
			out[i] = (y == x) != neg
		}
	case Int64, Float64:
		x, ok := toFloat(v)
		if !ok {
			bad()
		}
		if s.typ == Int64 {
			if k, isInt := toInt(v); isInt {
				for i, y := range s.ints {
					out[i] = (y == k) != neg
				}
				break
			}
			for i, y := range s.ints {
				out[i] = (float64(y) == x) != neg
			}
			break
		}
		for i, y := range s.floats {
			out[i] = (y == x) != neg
		}
	case Timestamp, Duration:
		var k int64
		switch x := v.(type) {
		case time.Time:
			if s.typ != Timestamp {
				bad()
			}
			k = timeToMicros(x)
		case time.Duration:
			if s.typ != Duration {
				bad()
			}
			k = x.Microseconds()
		default:
			bad()
		}
		for i, y := range s.ints {
			out[i] = (y == k) != neg
		}
	}
	return boolSeries(s.name, out, s.valid)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	}
	return 0, false
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint64:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	case float32:
		if float64(x) == math.Trunc(float64(x)) {
			return int64(x), true
		}
	}
	return 0, false
}

// IsIn returns whether each value, formatted as a string (see Strings), is one
// of values (null stays null).
func (s *Series) IsIn(values ...string) *Series {
	set := make(map[string]struct{}, len(values))
	for _, v := range values {
		set[v] = struct{}{}
	}
	out := hugeslice.Make[bool](s.n)
	if s.typ == String {
		for i, y := range s.strs {
			_, out[i] = set[y]
		}
	} else if s.typ == Int64 {
		ints := make(map[int64]struct{}, len(values))
		for _, v := range values {
			if k, err := strconv.ParseInt(v, 10, 64); err == nil {
				ints[k] = struct{}{}
			}
		}
		for i, y := range s.ints {
			_, out[i] = ints[y]
		}
	} else {
		for i := range out {
			_, out[i] = set[s.formatValue(i)]
		}
	}
	return boolSeries(s.name, out, s.valid)
}

// ---- boolean logic ----

// And returns s AND o with SQL (Kleene) null logic: false AND null is false,
// true AND null is null.
func (s *Series) And(o *Series) *Series { return s.logic("And", o, true) }

// Or returns s OR o with SQL (Kleene) null logic: true OR null is true,
// false OR null is null.
func (s *Series) Or(o *Series) *Series { return s.logic("Or", o, false) }

func (s *Series) logic(op string, o *Series, and bool) *Series {
	s.checkLen(op, o)
	if s.typ != Bool {
		s.typeFail(op, "bool")
	}
	if o.typ != Bool {
		o.typeFail(op, "bool")
	}
	out := hugeslice.Make[bool](s.n)
	a, b := s.bools, o.bools[:s.n]
	if and {
		for i := range out {
			out[i] = a[i] && b[i]
		}
	} else {
		for i := range out {
			out[i] = a[i] || b[i]
		}
	}
	if s.valid == nil && o.valid == nil {
		return boolSeries(s.name, out, nil)
	}
	valid := hugeslice.Make[bool](s.n)
	hasNull := false
	for i := range valid {
		va, vb := s.valid == nil || s.valid[i], o.valid == nil || o.valid[i]
		switch {
		case va && vb:
			valid[i] = true
		case and && ((va && !a[i]) || (vb && !b[i])):
			valid[i], out[i] = true, false
		case !and && ((va && a[i]) || (vb && b[i])):
			valid[i], out[i] = true, true
		default:
			out[i] = false
			hasNull = true
		}
	}
	if !hasNull {
		valid = nil
	}
	return boolSeries(s.name, out, valid)
}

// Not returns the negation of a bool series (null stays null).
func (s *Series) Not() *Series {
	if s.typ != Bool {
		s.typeFail("Not", "bool")
	}
	out := hugeslice.Make[bool](s.n)
	for i, x := range s.bools {
		out[i] = !x
	}
	if s.valid != nil {
		for i, ok := range s.valid {
			if !ok {
				out[i] = false
			}
		}
	}
	return boolSeries(s.name, out, s.valid)
}

// ---- nulls ----

// IsNa returns a bool series that is true where s is null.
func (s *Series) IsNa() *Series {
	out := hugeslice.Make[bool](s.n)
	if s.valid != nil {
		for i, ok := range s.valid {
			out[i] = !ok
		}
	}
	return boolSeries(s.name, out, nil)
}

// NotNa returns a bool series that is true where s is not null.
func (s *Series) NotNa() *Series {
	out := hugeslice.Make[bool](s.n)
	if s.valid == nil {
		for i := range out {
			out[i] = true
		}
	} else {
		copy(out, s.valid)
	}
	return boolSeries(s.name, out, nil)
}

// FillNull returns s with nulls replaced by v, which must match the type (a
// number for numeric columns, a string, a bool, a time.Time or a
// time.Duration), or by the same row of v when v is a *Series (a null there
// stays null; int64 with float64 gives float64).
//
//	age := f.Col("Age").FillNull(f.GroupBy("Pclass").Transform(frame.Median("Age")))
func (s *Series) FillNull(v any) *Series {
	if o, ok := v.(*Series); ok {
		s.checkLen("FillNull", o)
		if _, ok := unifyType(s.typ, o.typ); !ok {
			failMsg("FillNull", ErrType, "cannot fill %s column %q with %s column %q", s.typ, s.name, o.typ, o.name)
		}
		if s.valid == nil {
			return s
		}
		return Where(s.NotNa(), s, o).Rename(s.name)
	}
	if s.valid == nil {
		return s
	}
	bad := func() {
		failMsg("FillNull", ErrType, "cannot fill %s column %q with %T", s.typ, s.name, v)
	}
	c := &Series{name: s.name, typ: s.typ, n: s.n}
	switch s.typ {
	case Int64:
		k, ok := toInt(v)
		if !ok {
			if f, isF := toFloat(v); isF {
				// Filling an int column with a fraction promotes it to float64.
				return s.AsFloat().FillNull(f)
			}
			bad()
		}
		c.ints = fillInts(s.ints, s.valid, k)
	case Timestamp:
		t, ok := v.(time.Time)
		if !ok {
			bad()
		}
		c.ints = fillInts(s.ints, s.valid, timeToMicros(t))
	case Duration:
		d, ok := v.(time.Duration)
		if !ok {
			bad()
		}
		c.ints = fillInts(s.ints, s.valid, d.Microseconds())
	case Float64:
		f, ok := toFloat(v)
		if !ok {
			bad()
		}
		c.floats = append([]float64(nil), s.floats...)
		for i, ok := range s.valid {
			if !ok {
				c.floats[i] = f
			}
		}
	case String:
		x, ok := v.(string)
		if !ok {
			bad()
		}
		c.strs = append([]string(nil), s.strs...)
		for i, ok := range s.valid {
			if !ok {
				c.strs[i] = x
			}
		}
	case Bool:
		x, ok := v.(bool)
		if !ok {
			bad()
		}
		c.bools = append([]bool(nil), s.bools...)
		for i, ok := range s.valid {
			if !ok {
				c.bools[i] = x
			}
		}
	}
	return c
}

func fillInts(a []int64, valid []bool, k int64) []int64 {
	out := append([]int64(nil), a...)
	for i, ok := range valid {
		if !ok {
			out[i] = k
		}
	}
	return out
}

// ---- casts ----

// AsString formats every value as a string (see Strings); nulls stay null.
// Int64 columns such as location IDs become categorical strings ("132").
func (s *Series) AsString() *Series {
	if s.typ == String {
		return s
	}
	out := hugeslice.Make[string](s.n)
	switch s.typ {
	case Int64:
		// Digits are appended to shared buffers, and the strings of small
		// non-negative integers (categorical codes) are made once.
		var small [1024]string
		var buf []byte
		for i, x := range s.ints {
			if s.valid != nil && !s.valid[i] {
				continue
			}
			if x >= 0 && x < int64(len(small)) {
				if small[x] == "" {
					small[x] = appendIntString(&buf, x)
				}
				out[i] = small[x]
				continue
			}
			out[i] = appendIntString(&buf, x)
		}
	default:
		for i := range out {
			out[i] = s.formatValue(i)
		}
	}
	return &Series{name: s.name, typ: String, strs: out, valid: s.valid, n: s.n}
}

// appendIntString formats x into *buf and returns the digits as a string
// that shares the buffer. Bytes once written are never changed: a full buffer
// is replaced, not grown.
func appendIntString(buf *[]byte, x int64) string {
	if cap(*buf)-len(*buf) < 20 {
		*buf = make([]byte, 0, 64<<10)
	}
	start := len(*buf)
	*buf = strconv.AppendInt(*buf, x, 10)
	b := (*buf)[start:]
	return unsafe.String(&b[0], len(b))
}

// AsFloat converts to float64: numbers, bools (0/1), timestamps and durations
// (microseconds), and strings (parsed; unparsable strings become null).
func (s *Series) AsFloat() *Series {
	switch s.typ {
	case Float64:
		return s
	case Int64, Timestamp, Duration:
		return &Series{name: s.name, typ: Float64, floats: s.rawFloats(), valid: s.valid, n: s.n}
	case Bool:
		out := hugeslice.Make[float64](s.n)
		for i, b := range s.bools {
			if b {
				out[i] = 1
			}
		}
		return &Series{name: s.name, typ: Float64, floats: out, valid: s.valid, n: s.n}
	}
	out := hugeslice.Make[float64](s.n)
	valid := hugeslice.Make[bool](s.n)
	for i, x := range s.strs {
		if s.IsNull(i) {
			continue
		}
		f, err := strconv.ParseFloat(x, 64)
		if err == nil {
			out[i], valid[i] = f, true
		}
	}
	return (&Series{name: s.name, typ: Float64, floats: out, n: s.n}).withMask(valid)
}

// AsInt converts to int64: floats are truncated toward zero (NaN and ±Inf
// become null), bools give 0/1, timestamps and durations give microseconds,
// strings are parsed (unparsable strings become null).
func (s *Series) AsInt() *Series {
	switch s.typ {
	case Int64:
		return s
	case Timestamp, Duration:
		return &Series{name: s.name, typ: Int64, ints: s.ints, valid: s.valid, n: s.n}
	case Bool:
		out := hugeslice.Make[int64](s.n)
		for i, b := range s.bools {
			if b {
				out[i] = 1
			}
		}
		return &Series{name: s.name, typ: Int64, ints: out, valid: s.valid, n: s.n}
	case Float64:
		out := hugeslice.Make[int64](s.n)
		var valid []bool
		for i, f := range s.floats {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				if valid == nil {
					valid = validCopy(s.valid, s.n)
				}
				valid[i] = false
				continue
			}
			out[i] = int64(f)
		}
		if valid == nil {
			valid = s.valid
		}
		return &Series{name: s.name, typ: Int64, ints: out, valid: valid, n: s.n}
	}
	out := hugeslice.Make[int64](s.n)
	valid := hugeslice.Make[bool](s.n)
	for i, x := range s.strs {
		if s.IsNull(i) {
			continue
		}
		k, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(x, 64)
			if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			k = int64(f)
		}
		out[i], valid[i] = k, true
	}
	return (&Series{name: s.name, typ: Int64, ints: out, n: s.n}).withMask(valid)
}

// withMask sets valid as the null mask, dropping it when it has no nulls.
func (s *Series) withMask(valid []bool) *Series {
	for _, ok := range valid {
		if !ok {
			s.valid = valid
			return s
		}
	}
	s.valid = nil
	return s
}

func validCopy(v []bool, n int) []bool {
	out := hugeslice.Make[bool](n)
	if v == nil {
		for i := range out {
			out[i] = true
		}
	} else {
		copy(out, v)
	}
	return out
}
