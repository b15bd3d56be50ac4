package boom

import "github.com/golemlabs/golem/blocks"

func count(words []string) map[string]int {
	var m map[string]int
	for _, w := range words {
		m[w]++
	}
	return m
}

func Load(ctx *blocks.Context) (map[string]int, error) {
	ctx.Log("counting")
	return count([]string{"a", "b"}), nil
}
