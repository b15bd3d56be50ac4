package enrich

import (
	"utils/stats"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Transform joins people with their city, fills missing ages with the
// median age of their city, and derives columns without loops.
func Transform(ctx *blocks.Context, people, cities *frame.Frame) (*frame.Frame, error) {
	f := people.Join(cities, "left", "city")
	f = f.With("age", f.Col("age").FillNull(f.GroupBy("city").Transform(frame.Median("age"))))
	f = f.With("group", frame.When(f.Col("age").Lt(30), "young").When(f.Col("age").Lt(45), "middle").Otherwise("older"))
	f = f.With("country", f.Col("country").FillNull("unknown"))
	f = f.With("log_age", f.Col("age").Log1p().Round(3))
	f = f.With("first_of_year", frame.DateFromParts(f.Col("born").Year(), frame.NewInts("m", make([]int64, f.NumRows())).AddScalar(1), nil))
	ctx.Logf("%v", f)
	ctx.Logf("%v", f.GroupBy("country").Agg(frame.Count(), frame.Quantile("age", 0.5).As("age_p50"), frame.Std("age")))
	ctx.Logf("age total %g", stats.Total(f.Col("age").FillNull(0)))
	ctx.Logf("%v", people.Join(cities, "outer", "city").Select("name", "city", "country"))
	return f, nil
}
