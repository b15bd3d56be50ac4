package people

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Load reads people.csv; its ragged line is skipped and logged.
func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.ReadCSVWith(frame.CSVOptions{BadLines: "skip", Log: ctx, TimeLayouts: []string{"2006-01"}}, ctx.Path("data/people.csv"))
}
