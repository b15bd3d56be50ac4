package report

import "github.com/golemlabs/golem/blocks"

// Metrics mirrors the loader's type: values cross blocks as JSON, so the fields must match.
type Metrics struct {
	RMSE float64 `json:"rmse"`
	N    int     `json:"n"`
}

func Transform(ctx *blocks.Context, m Metrics, names []string) (map[string]any, error) {
	ctx.Logf("rmse %.2f over %d rows for %d models", m.RMSE, m.N, len(names))
	return map[string]any{"best": names[0], "rmse": m.RMSE}, nil
}
