package clean

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) {
	return in, nil
}
