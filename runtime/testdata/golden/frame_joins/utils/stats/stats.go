package stats

import "github.com/golemlabs/golem/blocks/frame"

func sum[T ~int64 | ~float64](xs []T) T {
	var t T
	for _, x := range xs {
		t += x
	}
	return t
}

// Total adds up a column, with the type argument written out.
func Total(s *frame.Series) float64 { return sum[float64](s.Floats()) }
