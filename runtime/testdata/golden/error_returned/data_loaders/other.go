package other

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) {
	return 7, nil
}
