package ml

import (
	"fmt"
	"math"
	"sort"
)

// FeatureWeight is a number attached to a named feature: a tree model's
// share of the split gain, or a linear model's coefficient.
type FeatureWeight struct {
	Feature string  `json:"feature"`
	Weight  float64 `json:"weight"`
}

// FeatureWeights names what a model learnt per feature of its encoder: for
// boosted trees the share of the total split gain (XGBoost's "total_gain",
// normalised to sum to 1, as scikit-learn's feature_importances_), for a
// linear model the coefficient. The list is sorted by |weight|, largest
// first, ties by name.
func FeatureWeights(m Model, enc *DictVectorizer) ([]FeatureWeight, error) {
	if m == nil || enc == nil {
		return nil, fmt.Errorf("feature weights: nil model or encoder: %w", ErrNotFitted)
	}
	names := enc.FeatureNames()
	var w []float64
	switch m := m.(type) {
	case *GBDT:
		w = m.FeatureGain()
		total := 0.0
		for _, v := range w {
			total += v
		}
		if total > 0 {
			for j := range w {
				w[j] /= total
			}
		}
	case *LinearRegression:
		if m.Coef == nil {
			return nil, fmt.Errorf("feature weights: linear model: %w", ErrNotFitted)
		}
		w = m.Coef
	default:
		return nil, fmt.Errorf("feature weights: model kind %q: %w", m.Kind(), ErrParam)
	}
	if len(w) != len(names) {
		return nil, fmt.Errorf("feature weights: model has %d features, encoder %d: %w", len(w), len(names), ErrShape)
	}
	out := make([]FeatureWeight, len(w))
	for j := range w {
		out[j] = FeatureWeight{Feature: names[j], Weight: w[j]}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if x, y := math.Abs(out[a].Weight), math.Abs(out[b].Weight); x != y {
			return x > y
		}
		return out[a].Feature < out[b].Feature
	})
	return out, nil
}

// Importance returns FeatureWeights of the bundle's model and encoder.
func (b *Bundle) Importance() ([]FeatureWeight, error) {
	if b == nil {
		return nil, fmt.Errorf("importance: nil bundle: %w", ErrNotFitted)
	}
	return FeatureWeights(b.Model, b.Encoder)
}
