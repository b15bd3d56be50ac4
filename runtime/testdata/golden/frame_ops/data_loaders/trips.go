package trips

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	f := frame.MustNew(
		frame.NewStrings("zone", []string{"a", "b", "a", "c", "b", "a"}),
		frame.NewFloats("dist", []float64{1, 2, 3, 4, 5, 6}),
		frame.NewInts("mins", []int64{5, 70, 12, 0, 30, 45}),
	)
	ctx.Logf("loaded %d rows", f.NumRows())
	return f, nil
}
