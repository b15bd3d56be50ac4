package search

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

type kind int

const (
	kindUniform kind = iota
	kindLogUniform
	kindInt
	kindChoice
)

// Param is one dimension of a search space.
type Param struct {
	Name    string
	kind    kind
	low     float64
	high    float64
	choices []string
}

// Uniform is a float parameter drawn uniformly from [low, high].
func Uniform(name string, low, high float64) Param {
	return Param{Name: name, kind: kindUniform, low: low, high: high}
}

// LogUniform is a float parameter whose logarithm is uniform: low and high must be positive
// (learning rates, penalties).
func LogUniform(name string, low, high float64) Param {
	return Param{Name: name, kind: kindLogUniform, low: low, high: high}
}

// Int is an integer parameter drawn from low to high, both included.
func Int(name string, low, high int) Param {
	return Param{Name: name, kind: kindInt, low: float64(low), high: float64(high)}
}

// Choice is a categorical parameter: one of the choices.
func Choice(name string, choices ...string) Param {
	return Param{Name: name, kind: kindChoice, choices: choices}
}

func (p Param) check() error {
	switch p.kind {
	case kindChoice:
		if len(p.choices) == 0 {
			return fmt.Errorf("search: parameter %q: Choice needs at least one choice", p.Name)
		}
		return nil
	case kindLogUniform:
		if p.low <= 0 {
			return fmt.Errorf("search: parameter %q: LogUniform needs low > 0, got %v", p.Name, p.low)
		}
	}
	if p.Name == "" {
		return fmt.Errorf("search: a parameter without a name")
	}
	if !(p.low <= p.high) || math.IsInf(p.low, 0) || math.IsInf(p.high, 0) {
		return fmt.Errorf("search: parameter %q: low %v must not be above high %v", p.Name, p.low, p.high)
	}
	return nil
}

// internal coordinates: uniform and int in their own units, log-uniform in log space, choice as
// the index of the choice.
func (p Param) lowHigh() (float64, float64) {
	switch p.kind {
	case kindLogUniform:
		return math.Log(p.low), math.Log(p.high)
	case kindInt:
		return p.low - 0.5, p.high + 0.5
	case kindChoice:
		return 0, float64(len(p.choices))
	}
	return p.low, p.high
}

// sample draws an internal coordinate from the prior.
func (p Param) sample(rng *rand.Rand) float64 {
	if p.kind == kindChoice {
		return float64(rng.IntN(len(p.choices)))
	}
	lo, hi := p.lowHigh()
	return p.clip(lo + rng.Float64()*(hi-lo))
}

// clip keeps an internal coordinate in range and on the parameter's grid.
func (p Param) clip(x float64) float64 {
	switch p.kind {
	case kindInt:
		return math.Max(p.low, math.Min(p.high, math.Round(x)))
	case kindChoice:
		return math.Max(0, math.Min(float64(len(p.choices)-1), math.Floor(x)))
	}
	lo, hi := p.lowHigh()
	return math.Max(lo, math.Min(hi, x))
}

// value turns an internal coordinate into the parameter's value: float64, int or string.
func (p Param) value(x float64) any {
	switch p.kind {
	case kindLogUniform:
		return math.Exp(x)
	case kindInt:
		return int(math.Round(x))
	case kindChoice:
		return p.choices[int(x)]
	}
	return x
}

// format writes a value as a variable, as ctx.Float, ctx.Int and ctx.String read it.
func format(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case int:
		return strconv.Itoa(v)
	case string:
		return v
	}
	return fmt.Sprint(v)
}
