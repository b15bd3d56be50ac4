package show

import (
	"fmt"

	"github.com/golemlabs/golem/blocks"
)

func Run(ctx *blocks.Context) (string, error) {
	ctx.Logf("year=%d ratio=%.2f debug=%v label=%s region=%s", ctx.Int("year", 0), ctx.Float("ratio", 0), ctx.Bool("debug", false), ctx.String("label", ""), ctx.String("region", ""))
	ctx.Logf("missing=%s", ctx.String("missing", "default"))
	return fmt.Sprintf("%s-%d", ctx.String("label", ""), ctx.Int("year", 0)+1), nil
}
