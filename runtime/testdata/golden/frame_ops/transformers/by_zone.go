package by_zone

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Transform(ctx *blocks.Context, trips *frame.Frame) (*frame.Frame, error) {
	keep := trips.Filter(trips.Col("mins").Between(1, 60))
	keep = keep.With("speed", keep.Col("dist").Div(keep.Col("mins").AsFloat()).MulScalar(60))
	out := keep.GroupBy("zone").Agg(frame.Count(), frame.Sum("dist"), frame.Mean("speed")).Sort("zone", false)
	ctx.Logf("kept %d of %d trips", keep.NumRows(), trips.NumRows())
	ctx.Logf("zones: %v", out.Col("zone").Strings())
	return out, nil
}

func Test(out *frame.Frame) error {
	return nil
}
