package fetch

import (
	"fmt"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	ctx.Log("fetching")
	return nil, fmt.Errorf("source %q is unreachable", "http://example.invalid")
}
