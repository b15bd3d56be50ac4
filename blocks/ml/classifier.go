package ml

import (
	"fmt"
	"math"
	"sort"
)

// Classifier is a fitted classifier: *LogisticRegression, or *GBDT trained
// with a classification objective. Its Predict (from Model) returns class
// labels: for two classes Classes()[1] when the probability of that class is
// above the model's decision threshold, else Classes()[0]; for more classes
// the most probable one.
type Classifier interface {
	Model
	// Classes returns the distinct training labels, ascending.
	Classes() []float64
	// PredictProba returns the probability of every class for every row.
	PredictProba(X *CSR) (*Proba, error)
}

// Proba holds class probabilities, one row per sample and one column per
// class, row-major: the probability that row i is Classes[k] is
// Data[i*len(Classes)+k].
type Proba struct {
	Classes []float64
	Data    []float64
}

// Rows returns the number of rows.
func (p *Proba) Rows() int {
	if p == nil || len(p.Classes) == 0 {
		return 0
	}
	return len(p.Data) / len(p.Classes)
}

// Row returns the probabilities of row i, one per class (a copy).
func (p *Proba) Row(i int) []float64 {
	k := len(p.Classes)
	return append([]float64(nil), p.Data[i*k:(i+1)*k]...)
}

// Col returns the probability of class number k (an index into Classes) for
// every row. For a binary classifier Col(1) is the probability of the
// positive class, the score that ROCAUC and LogLoss take.
func (p *Proba) Col(k int) []float64 {
	nc := len(p.Classes)
	n := p.Rows()
	out := make([]float64, n)
	if k < 0 || k >= nc {
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	for i := range out {
		out[i] = p.Data[i*nc+k]
	}
	return out
}

// Of returns the probability of the class with label c for every row, or
// an error when c is not one of Classes.
func (p *Proba) Of(c float64) ([]float64, error) {
	for k, v := range p.Classes {
		if v == c {
			return p.Col(k), nil
		}
	}
	return nil, fmt.Errorf("class %v is not one of %v: %w", c, p.Classes, ErrParam)
}

// Labels returns the predicted label of every row: for two classes
// Classes[1] when its probability is above threshold (0.5 predicts like
// scikit-learn's predict), else Classes[0]; for more classes the most
// probable class (the first on ties), whatever the threshold.
func (p *Proba) Labels(threshold float64) []float64 {
	nc := len(p.Classes)
	n := p.Rows()
	out := make([]float64, n)
	if nc == 2 {
		for i := range out {
			if p.Data[i*2+1] > threshold {
				out[i] = p.Classes[1]
			} else {
				out[i] = p.Classes[0]
			}
		}
		return out
	}
	for i := range out {
		row := p.Data[i*nc : (i+1)*nc]
		best := 0
		for k, v := range row {
			if v > row[best] {
				best = k
			}
		}
		out[i] = p.Classes[best]
	}
	return out
}

// PredictProba returns m's class probabilities for X, or an error when m
// is not a classifier.
func PredictProba(m Model, X *CSR) (*Proba, error) {
	c, ok := m.(Classifier)
	if !ok || c == nil {
		kind := "nil"
		if m != nil {
			kind = m.Kind()
		}
		return nil, fmt.Errorf("predict probabilities: a %s model is not a classifier: %w", kind, ErrParam)
	}
	return c.PredictProba(X)
}

// encodeClasses returns the distinct labels of y, ascending, and the class
// number of every row. It needs at least two classes and finite labels.
func encodeClasses(y []float64) (classes []float64, idx []int32, err error) {
	if err := checkTarget(y); err != nil {
		return nil, nil, err
	}
	seen := map[float64]struct{}{}
	for _, v := range y {
		if _, ok := seen[v]; !ok {
			seen[v] = struct{}{}
			classes = append(classes, v)
		}
	}
	sort.Float64s(classes)
	if len(classes) < 2 {
		return nil, nil, fmt.Errorf("labels hold %d class (%v); a classifier needs at least two: %w", len(classes), classes, ErrParam)
	}
	num := make(map[float64]int32, len(classes))
	for k, c := range classes {
		num[c] = int32(k)
	}
	idx = make([]int32, len(y))
	for i, v := range y {
		idx[i] = num[v]
	}
	return classes, idx, nil
}
