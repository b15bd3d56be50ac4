package frame

import (
	"fmt"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// Concat stacks frames vertically. Columns are matched by name, in the order
// they first appear; a column missing from a frame is null there, and types
// are unified as for ReadParquet (an all-null column takes the other frames'
// type, int64 with float64 gives float64). Incompatible types give an
// ErrSchema error naming the column.
func Concat(frames ...*Frame) (*Frame, error) {
	sb := newSchemaBuilder()
	total := 0
	for fi, f := range frames {
		if f == nil {
			continue
		}
		for _, c := range f.cols {
			allNull := c.n > 0 && c.NullCount() == c.n
			if err := sb.add(c.name, c.typ, !allNull, fmt.Sprintf("frame %d", fi)); err != nil {
				return nil, &Error{Op: "Concat", Err: err}
			}
		}
		total += f.rows
	}
	cols := make([]*Series, len(sb.names))
	for ci, name := range sb.names {
		t := sb.types[name] // an all-null column keeps its own type
		if sb.known[name] {
			t = sb.typeOf(name)
		}
		dst := alloc(name, t, total)
		valid := hugeslice.Make[bool](total)
		off := 0
		for _, f := range frames {
			if f == nil {
				continue
			}
			if i := f.index(name); i >= 0 {
				src := f.cols[i]
				if src.NullCount() < src.n {
					src = castTo(src, t)
					switch {
					case dst.ints != nil:
						copy(dst.ints[off:], src.ints)
					case dst.floats != nil:
						copy(dst.floats[off:], src.floats)
					case dst.strs != nil:
						copy(dst.strs[off:], src.strs)
					case dst.bools != nil:
						copy(dst.bools[off:], src.bools)
					}
					if src.valid == nil {
						for k := off; k < off+src.n; k++ {
							valid[k] = true
						}
					} else {
						copy(valid[off:], src.valid)
					}
				}
			}
			off += f.rows
		}
		cols[ci] = dst.withMask(valid)
	}
	return &Frame{cols: cols, rows: total}, nil
}
