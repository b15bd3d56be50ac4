package pick

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) {
	ctx.Logf("columns %v", in.Columns())
	return in.Select("a", "c"), nil
}
