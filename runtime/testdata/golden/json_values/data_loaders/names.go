package names

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) ([]string, error) {
	return []string{"linear", "gbdt"}, nil
}
