package frame

import "math"

// factorize assigns each row a dense group code in order of first
// appearance; all nulls share one code. It returns the codes, the number of
// groups and the first row of each group.
func (s *Series) factorize() (codes []int32, first []int) {
	codes = make([]int32, s.n)
	nullCode := int32(-1)
	isNull := func(i int) bool { return s.valid != nil && !s.valid[i] }
	add := func(i int) int32 {
		first = append(first, i)
		return int32(len(first) - 1)
	}
	handleNull := func(i int) {
		if nullCode < 0 {
			nullCode = add(i)
		}
		codes[i] = nullCode
	}
	switch s.typ {
	case Int64, Timestamp, Duration:
		if c, f, ok := s.factorizeSmallInts(); ok {
			return c, f
		}
		m := make(map[int64]int32)
		for i, v := range s.ints {
			if isNull(i) {
				handleNull(i)
				continue
			}
			c, ok := m[v]
			if !ok {
				c = add(i)
				m[v] = c
			}
			codes[i] = c
		}
	case Float64:
		m := make(map[uint64]int32)
		for i, v := range s.floats {
			if isNull(i) {
				handleNull(i)
				continue
			}
			if v == 0 {
				v = 0 // -0 and +0 are one key
			}
			k := math.Float64bits(v)
			if v != v {
				k = 0x7ff8000000000001
			}
			c, ok := m[k]
			if !ok {
				c = add(i)
				m[k] = c
			}
			codes[i] = c
		}
	case String:
		m := make(map[string]int32)
		for i, v := range s.strs {
			if isNull(i) {
				handleNull(i)
				continue
			}
			c, ok := m[v]
			if !ok {
				c = add(i)
				m[v] = c
			}
			codes[i] = c
		}
	case Bool:
		bc := [2]int32{-1, -1}
		for i, v := range s.bools {
			if isNull(i) {
				handleNull(i)
				continue
			}
			k := 0
			if v {
				k = 1
			}
			if bc[k] < 0 {
				bc[k] = add(i)
			}
			codes[i] = bc[k]
		}
	}
	return codes, first
}

// factorizeMany combines the codes of several key columns into dense
// multi-column group codes.
func factorizeMany(cols []*Series, n int) (codes []int32, first []int) {
	if len(cols) == 0 {
		codes = make([]int32, n)
		if n > 0 {
			first = []int{0}
		}
		return codes, first
	}
	codes, first = cols[0].factorize()
	for _, c := range cols[1:] {
		c2, f2 := c.factorize()
		k2 := int64(len(f2))
		m := make(map[int64]int32, len(first))
		var nf []int
		for i := range codes {
			key := int64(codes[i])*k2 + int64(c2[i])
			g, ok := m[key]
			if !ok {
				g = int32(len(nf))
				nf = append(nf, i)
				m[key] = g
			}
			codes[i] = g
		}
		first = nf
	}
	return codes, first
}

// factorizeSmallInts factorizes an integer series whose values span a small
// range (such as location IDs) with an array instead of a map.
func (s *Series) factorizeSmallInts() (codes []int32, first []int, ok bool) {
	lo, hi, found := int64(0), int64(0), false
	for i, v := range s.ints {
		if s.valid != nil && !s.valid[i] {
			continue
		}
		if !found {
			lo, hi, found = v, v, true
		} else if v < lo {
			lo = v
		} else if v > hi {
			hi = v
		}
	}
	if !found {
		return nil, nil, false
	}
	span := uint64(hi - lo)
	small := func(span uint64) bool { return span < 1<<16 && span <= uint64(4*s.n) }
	// Values on a grid (timestamps truncated to days, multiples of 100)
	// are factorized by their step.
	step := uint64(1)
	if !small(span) {
		step = 0
		for i, v := range s.ints {
			if s.valid != nil && !s.valid[i] {
				continue
			}
			step = gcd(step, uint64(v-lo))
			if step == 1 {
				return nil, nil, false
			}
		}
		if step == 0 || !small(span/step) {
			return nil, nil, false
		}
		span /= step
	}
	table := make([]int32, span+2) // last slot: null; 0 means unseen, else code+1
	codes = make([]int32, s.n)
	nullSlot := int(span + 1)
	for i, v := range s.ints {
		k := nullSlot
		if s.valid == nil || s.valid[i] {
			k = int(uint64(v-lo) / step)
		}
		c := table[k]
		if c == 0 {
			first = append(first, i)
			c = int32(len(first))
			table[k] = c
		}
		codes[i] = c - 1
	}
	return codes, first, true
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
