package top

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) {
	ctx.Log("reading limit")
	limit := ctx.Int("limit", 10)
	return limit, nil
}
