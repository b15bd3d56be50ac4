package typo

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) {
	total := 0
	return totl, nil
}
