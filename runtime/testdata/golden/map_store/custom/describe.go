package describe

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/ml"
)

// Run stores computed values into a map owned by compiled code: yaegi v0.16.1 would silently
// abandon the function at the first such store without the runtime's rewrite.
func Run(ctx *blocks.Context) (map[string]any, error) {
	b := ml.NewBundle(ml.NewLinearRegression(), ml.NewDictVectorizer(), "duration")
	b.Training = map[string]any{}
	months := "2023-01"
	b.Training["months"] = "train " + months
	b.Training["rows"] = -len(months)
	ctx.Logf("stored %d keys", len(b.Training))
	return b.Training, nil
}
