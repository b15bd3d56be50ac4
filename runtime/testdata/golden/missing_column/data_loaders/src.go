package src

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.MustNew(frame.NewInts("a", []int64{1, 2}), frame.NewStrings("b", []string{"x", "y"})), nil
}
