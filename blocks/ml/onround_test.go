package ml

import (
	"math"
	"testing"
)

// TestGBDT_OnRoundSeesEveryRound: the per-round hook searches prune on (blocks/search) and the
// example's curves use.
func TestGBDT_OnRoundSeesEveryRound(t *testing.T) {
	X, y := synthetic(500, 1)
	Xv, yv := synthetic(200, 2)
	m := NewGBDT(GBDTParams{Rounds: 15, Seed: 1})
	var rounds []int
	m.OnRound = func(round int, train, val float64) {
		if math.IsNaN(train) || math.IsNaN(val) {
			t.Errorf("round %d: train %v val %v", round, train, val)
		}
		rounds = append(rounds, round)
	}
	if err := m.Fit(X, y, Xv, yv); err != nil {
		t.Fatal(err)
	}
	if len(rounds) != 15 || rounds[14] != 15 || len(m.ValLoss) != 15 {
		t.Fatalf("rounds %v, %d validation losses", rounds, len(m.ValLoss))
	}
}
