package search

import (
	"math"
	"math/rand/v2"
	"sort"
)

// The Tree-structured Parzen Estimator, as hyperopt's tpe.suggest: the trials seen so far are split
// into the good ones (the best gamma·sqrt(n), at least one) and the rest; each parameter gets two
// densities, l(x) from the good trials and g(x) from the others, each a mixture of the prior and a
// Gaussian (or, for a choice, a smoothed histogram) at each observation with a bandwidth from the
// distance to its neighbours; nCandidates draws from l are scored by l(x)/g(x) and the best kept.
// Parameters are treated independently, as hyperopt does.
const (
	tpeGamma       = 0.25
	tpeCandidates  = 24
	tpePriorWeight = 1.0
)

// observation is a finished trial as TPE sees it: internal coordinates and the loss (lower is better).
type observation struct {
	x    []float64
	loss float64
}

func tpeSuggest(space []Param, obs []observation, rng *rand.Rand) []float64 {
	sorted := append([]observation(nil), obs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].loss < sorted[j].loss })
	nBelow := int(math.Ceil(tpeGamma * math.Sqrt(float64(len(sorted)))))
	nBelow = max(1, min(nBelow, len(sorted)-1))
	below, above := sorted[:nBelow], sorted[nBelow:]
	x := make([]float64, len(space))
	for d, p := range space {
		bv := column(below, d)
		av := column(above, d)
		if p.kind == kindChoice {
			x[d] = suggestChoice(p, bv, av, rng)
			continue
		}
		lo, hi := p.lowHigh()
		l := newParzen(bv, lo, hi)
		g := newParzen(av, lo, hi)
		best, bestScore := 0.0, math.Inf(-1)
		for range tpeCandidates {
			c := p.clip(l.sample(rng))
			if s := l.logPDF(c) - g.logPDF(c); s > bestScore {
				best, bestScore = c, s
			}
		}
		x[d] = best
	}
	return x
}

func column(obs []observation, d int) []float64 {
	out := make([]float64, len(obs))
	for i, o := range obs {
		out[i] = o.x[d]
	}
	return out
}

// parzen is a mixture of Gaussians truncated to [lo, hi]: the prior (centred, as wide as the
// range) and one per observation.
type parzen struct {
	mus, sigmas, weights []float64
	lo, hi               float64
}

func newParzen(obs []float64, lo, hi float64) *parzen {
	prior := (lo + hi) / 2
	mus := append([]float64{prior}, obs...)
	sort.Float64s(mus[1:])
	// Bandwidth: the larger distance to the neighbours in the sorted list (with the prior and the
	// bounds), clipped between range/min(100, n+1) and the range, as hyperopt's adaptive_parzen_normal.
	all := append([]float64{lo}, append(append([]float64{}, mus[1:]...), hi)...)
	width := hi - lo
	minSigma := width / math.Min(100, float64(len(mus)+1))
	sigmas := make([]float64, len(mus))
	sigmas[0] = width
	for i := 1; i < len(mus); i++ {
		left := all[i] - all[i-1]
		right := all[i+1] - all[i]
		sigmas[i] = math.Max(minSigma, math.Min(width, math.Max(left, right)))
	}
	weights := make([]float64, len(mus))
	weights[0] = tpePriorWeight
	for i := 1; i < len(weights); i++ {
		weights[i] = 1
	}
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	for i := range weights {
		weights[i] /= sum
	}
	return &parzen{mus: mus, sigmas: sigmas, weights: weights, lo: lo, hi: hi}
}

func (p *parzen) sample(rng *rand.Rand) float64 {
	k := pick(p.weights, rng)
	for range 100 { // rejection sampling of the truncated normal
		x := p.mus[k] + p.sigmas[k]*rng.NormFloat64()
		if x >= p.lo && x <= p.hi {
			return x
		}
	}
	return math.Max(p.lo, math.Min(p.hi, p.mus[k]))
}

func (p *parzen) logPDF(x float64) float64 {
	s := 0.0
	for i := range p.mus {
		z := (x - p.mus[i]) / p.sigmas[i]
		mass := normCDF((p.hi-p.mus[i])/p.sigmas[i]) - normCDF((p.lo-p.mus[i])/p.sigmas[i])
		if mass <= 0 {
			continue
		}
		s += p.weights[i] * math.Exp(-0.5*z*z) / (p.sigmas[i] * math.Sqrt(2*math.Pi) * mass)
	}
	if s <= 0 {
		return math.Inf(-1)
	}
	return math.Log(s)
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// suggestChoice scores each choice by the ratio of smoothed counts among good and other trials.
func suggestChoice(p Param, below, above []float64, rng *rand.Rand) float64 {
	n := len(p.choices)
	lw := make([]float64, n)
	gw := make([]float64, n)
	for i := range lw {
		lw[i], gw[i] = tpePriorWeight, tpePriorWeight
	}
	for _, v := range below {
		lw[int(v)]++
	}
	for _, v := range above {
		gw[int(v)]++
	}
	normalize(lw)
	normalize(gw)
	best, bestScore := 0, math.Inf(-1)
	for range tpeCandidates {
		c := pick(lw, rng)
		if s := math.Log(lw[c]) - math.Log(gw[c]); s > bestScore {
			best, bestScore = c, s
		}
	}
	return float64(best)
}

func normalize(w []float64) {
	s := 0.0
	for _, v := range w {
		s += v
	}
	for i := range w {
		w[i] /= s
	}
}

func pick(w []float64, rng *rand.Rand) int {
	u := rng.Float64()
	acc := 0.0
	for i, v := range w {
		acc += v
		if u <= acc {
			return i
		}
	}
	return len(w) - 1
}
