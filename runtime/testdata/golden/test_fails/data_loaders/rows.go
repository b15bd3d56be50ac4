package rows

import (
	"fmt"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.MustNew(frame.NewFloats("duration", []float64{3, -1, 12})), nil
}

func Test(out *frame.Frame) error {
	if n := out.Col("duration").Lt(0).Sum(); n > 0 {
		return fmt.Errorf("%v negative durations", n)
	}
	return nil
}
