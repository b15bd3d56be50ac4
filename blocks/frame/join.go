package frame

import "github.com/golemlabs/golem/internal/hugeslice"

// JoinOptions configures JoinWith.
type JoinOptions struct {
	// How is "inner" (the default), "left" or "outer".
	How string
	// On names the key columns, which have the same names on both sides.
	On []string
	// LeftOn and RightOn name keys that are called differently on the two
	// sides (as many on each side); use them instead of On.
	LeftOn, RightOn []string
	// Suffixes are appended to a non-key column that both sides have: the
	// first to the left one, the second to the right one. The default is
	// {"_x", "_y"}, as in pandas.
	Suffixes [2]string
}

// Join joins right onto f by the key columns on (one or more, named alike on
// both sides); how is "inner", "left" or "outer". See JoinWith.
//
//	trips.Join(zones, "left", "PULocationID")
func (f *Frame) Join(right *Frame, how string, on ...string) *Frame {
	return f.JoinWith(right, JoinOptions{How: how, On: on})
}

// JoinWith joins right onto f as SQL does: a row of f is paired with every
// row of right whose keys are equal; null keys never match. An inner join
// keeps the pairs; a left join also keeps the rows of f without a match
// (with nulls on the right); an outer join also keeps the rows of right
// without a match, after the others. Rows come in the order of f, each with
// its matches in the order of right.
//
// The result has the columns of f, then those of right without its keys.
// With On the keys appear once (in an outer join, filled from right for
// right-only rows); with LeftOn/RightOn both sides' key columns are kept. A
// key of type int64 matches a float64 key by value; other type pairs must be
// equal.
func (f *Frame) JoinWith(right *Frame, opts JoinOptions) *Frame {
	const op = "Join"
	if right == nil {
		failMsg(op, ErrType, "right frame is nil")
	}
	how := opts.How
	if how == "" {
		how = "inner"
	}
	if how != "inner" && how != "left" && how != "outer" {
		failMsg(op, ErrRange, "unknown join %q (want inner, left or outer)", how)
	}
	lon, ron := opts.LeftOn, opts.RightOn
	same := len(opts.On) > 0
	if same {
		if len(lon) > 0 || len(ron) > 0 {
			failMsg(op, ErrRange, "give On or LeftOn/RightOn, not both")
		}
		lon, ron = opts.On, opts.On
	}
	if len(lon) == 0 || len(lon) != len(ron) {
		failMsg(op, ErrNoColumn, "need the same number (at least one) of key columns on each side, have %d and %d", len(lon), len(ron))
	}
	suffix := opts.Suffixes
	if suffix == [2]string{} {
		suffix = [2]string{"_x", "_y"}
	}
	lkeys := make([]*Series, len(lon))
	rkeys := make([]*Series, len(ron))
	for i := range lon {
		lkeys[i] = f.cols[f.mustIndex(op, lon[i])]
		if j := right.index(ron[i]); j >= 0 {
			rkeys[i] = right.cols[j]
		} else {
			failMsg(op, ErrNoColumn, "no column %q in the right frame (columns: %s)", ron[i], joinNames(right.Columns()))
		}
	}
	li, ri := joinIndex(lkeys, rkeys, f.rows, right.rows, how)

	// Output columns.
	isRightKey := map[string]bool{}
	if same {
		for _, k := range ron {
			isRightKey[k] = true
		}
	}
	rightCols := make([]*Series, 0, len(right.cols))
	rightNames := map[string]bool{}
	for _, c := range right.cols {
		if !isRightKey[c.name] {
			rightCols = append(rightCols, c)
			rightNames[c.name] = true
		}
	}
	leftKeyPos := map[string]int{}
	if same {
		for i, k := range lon {
			leftKeyPos[k] = i
		}
	}
	out := make([]*Series, 0, len(f.cols)+len(rightCols))
	names := map[string]bool{}
	add := func(s *Series, name string) {
		if names[name] {
			failMsg(op, ErrDuplicate, "column %q twice in the result; set Suffixes", name)
		}
		names[name] = true
		out = append(out, s.Rename(name))
	}
	// A lookup join (each left row matched at most once, in order) keeps
	// the left columns as they are.
	identity := len(li) == f.rows
	for k, i := range li {
		if i != k {
			identity = false
			break
		}
	}
	for _, c := range f.cols {
		name := c.name
		if _, isKey := leftKeyPos[name]; !isKey && rightNames[name] {
			name += suffix[0]
		}
		s := c
		if !identity {
			s = c.takeOrNull(li)
		}
		if k, isKey := leftKeyPos[c.name]; isKey && how == "outer" {
			s = coalesceKey(s, rkeys[k].takeOrNull(ri), li)
		}
		add(s, name)
	}
	for _, c := range rightCols {
		name := c.name
		if f.index(name) >= 0 {
			name += suffix[1]
		}
		add(c.takeOrNull(ri), name)
	}
	return &Frame{cols: out, rows: len(li)}
}

// coalesceKey fills the rows of a left key column that have no left row (-1
// in li) from the right key column, unifying int64 and float64.
func coalesceKey(l, r *Series, li []int) *Series {
	missing := false
	for _, i := range li {
		if i < 0 {
			missing = true
			break
		}
	}
	if !missing {
		return l
	}
	if l.typ != r.typ {
		t, _ := unifyType(l.typ, r.typ)
		l, r = castTo(l, t), castTo(r, t)
	}
	return Where(l.NotNa(), l, r).Rename(l.name)
}

// joinIndex pairs the rows of the left and right keys: li[k] and ri[k] are
// the rows of the k-th output row, -1 where a side has none.
func joinIndex(lkeys, rkeys []*Series, nl, nr int, how string) (li, ri []int) {
	// Factorize the keys of both sides together, so equal keys share a code.
	both := make([]*Series, len(lkeys))
	for i := range lkeys {
		l, r := lkeys[i], rkeys[i]
		if l.typ != r.typ {
			t, ok := unifyType(l.typ, r.typ)
			if !ok || t != Float64 {
				failMsg("Join", ErrType, "key %q is %s on the left and %q is %s on the right", l.name, l.typ, r.name, r.typ)
			}
		}
		c, err := Concat(MustNew(l.Rename("k")), MustNew(r.Rename("k")))
		if err != nil {
			failMsg("Join", ErrType, "key %q is %s on the left and %q is %s on the right", l.name, l.typ, r.name, r.typ)
		}
		both[i] = c.cols[0]
	}
	codes, first := factorizeMany(both, nl+nr)
	hasNull := make([]bool, nl+nr)
	for _, k := range both {
		if k.valid != nil {
			for i, ok := range k.valid {
				if !ok {
					hasNull[i] = true
				}
			}
		}
	}
	// The right rows of each code, in order (counting sort).
	ng := len(first)
	start := make([]int, ng+1)
	for j := 0; j < nr; j++ {
		if !hasNull[nl+j] {
			start[codes[nl+j]+1]++
		}
	}
	for g := 0; g < ng; g++ {
		start[g+1] += start[g]
	}
	rows := make([]int, start[ng])
	pos := append([]int(nil), start[:ng]...)
	for j := 0; j < nr; j++ {
		if !hasNull[nl+j] {
			c := codes[nl+j]
			rows[pos[c]] = j
			pos[c]++
		}
	}
	// Size the output, then fill it.
	total := 0
	for i := 0; i < nl; i++ {
		m := 0
		if !hasNull[i] {
			c := codes[i]
			m = start[c+1] - start[c]
		}
		if m == 0 && how != "inner" {
			m = 1
		}
		total += m
	}
	var matched []bool
	if how == "outer" {
		matched = make([]bool, ng)
	}
	li = hugeslice.Make[int](total)[:0]
	ri = hugeslice.Make[int](total)[:0]
	for i := 0; i < nl; i++ {
		m := 0
		var c int32
		if !hasNull[i] {
			c = codes[i]
			m = start[c+1] - start[c]
		}
		if m == 0 {
			if how != "inner" {
				li, ri = append(li, i), append(ri, -1)
			}
			continue
		}
		if matched != nil {
			matched[c] = true
		}
		for _, j := range rows[start[c]:start[c+1]] {
			li, ri = append(li, i), append(ri, j)
		}
	}
	if how == "outer" {
		for j := 0; j < nr; j++ {
			if hasNull[nl+j] || !matched[codes[nl+j]] {
				li, ri = append(li, -1), append(ri, j)
			}
		}
	}
	return li, ri
}

// takeOrNull is take where an index of -1 gives a null row.
func (s *Series) takeOrNull(idx []int) *Series {
	missing := false
	for _, i := range idx {
		if i < 0 {
			missing = true
			break
		}
	}
	if !missing {
		return s.take(idx)
	}
	safe := hugeslice.Make[int](len(idx))
	valid := hugeslice.Make[bool](len(idx))
	for k, i := range idx {
		if i >= 0 {
			safe[k], valid[k] = i, s.valid == nil || s.valid[i]
		}
	}
	c := s.take(safe)
	c.valid = nil
	return c.withNullMask(valid)
}

// withNullMask sets valid as the null mask (zeroing null slots; nil when
// there is no null).
func (s *Series) withNullMask(valid []bool) *Series {
	s.withMask(valid)
	s.zeroNulls()
	return s
}
