package cities

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.ReadCSVWith(frame.CSVOptions{Delimiter: ';'}, ctx.Path("data/cities.csv"))
}
