package ml

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// The classification metrics return NaN, never an error, when they are
// undefined: empty or mismatched inputs, a binary metric given labels other
// than 0 and 1, an AUC with one class only, a precision without predicted
// positives. Such a NaN saves and displays (as "NaN") in a block's output.
// Where scikit-learn warns and returns 0 (precision, recall and F1 by zero
// division) these return NaN; elsewhere they agree with it.

// Accuracy returns the fraction of rows where pred equals y.
func Accuracy(y, pred []float64) float64 {
	if len(y) == 0 || len(y) != len(pred) {
		return math.NaN()
	}
	n := 0
	for i, v := range y {
		if pred[i] == v {
			n++
		}
	}
	return float64(n) / float64(len(y))
}

// binaryCounts counts true/false positives/negatives of 0/1 labels; ok is
// false when the inputs are empty, of different lengths or not 0/1.
func binaryCounts(y, pred []float64) (tp, fp, fn, tn int, ok bool) {
	if len(y) == 0 || len(y) != len(pred) {
		return 0, 0, 0, 0, false
	}
	for i, v := range y {
		p := pred[i]
		if (v != 0 && v != 1) || (p != 0 && p != 1) {
			return 0, 0, 0, 0, false
		}
		switch {
		case v == 1 && p == 1:
			tp++
		case v == 0 && p == 1:
			fp++
		case v == 1:
			fn++
		default:
			tn++
		}
	}
	return tp, fp, fn, tn, true
}

// Precision returns tp / (tp + fp) for 0/1 labels (1 is the positive class):
// the fraction of predicted positives that are positive.
func Precision(y, pred []float64) float64 {
	tp, fp, _, _, ok := binaryCounts(y, pred)
	if !ok || tp+fp == 0 {
		return math.NaN()
	}
	return float64(tp) / float64(tp+fp)
}

// Recall returns tp / (tp + fn) for 0/1 labels: the fraction of positives
// predicted positive.
func Recall(y, pred []float64) float64 {
	tp, _, fn, _, ok := binaryCounts(y, pred)
	if !ok || tp+fn == 0 {
		return math.NaN()
	}
	return float64(tp) / float64(tp+fn)
}

// F1 returns the harmonic mean of precision and recall, 2tp / (2tp + fp + fn),
// for 0/1 labels.
func F1(y, pred []float64) float64 {
	tp, fp, fn, _, ok := binaryCounts(y, pred)
	if !ok || 2*tp+fp+fn == 0 {
		return math.NaN()
	}
	return float64(2*tp) / float64(2*tp+fp+fn)
}

// ROCAUC returns the area under the ROC curve of score for 0/1 labels y
// (1 is the positive class): the probability that a random positive scores
// above a random negative, ties counting one half, as scikit-learn's
// roc_auc_score. It is NaN when y holds one class only or a score is NaN.
func ROCAUC(y, score []float64) float64 {
	if len(y) == 0 || len(y) != len(score) {
		return math.NaN()
	}
	type pair struct {
		s   float64
		pos bool
	}
	ps := make([]pair, len(y))
	nPos := 0
	for i, v := range y {
		if (v != 0 && v != 1) || math.IsNaN(score[i]) {
			return math.NaN()
		}
		ps[i] = pair{score[i], v == 1}
		if v == 1 {
			nPos++
		}
	}
	nNeg := len(y) - nPos
	if nPos == 0 || nNeg == 0 {
		return math.NaN()
	}
	slices.SortFunc(ps, func(a, b pair) int {
		switch {
		case a.s < b.s:
			return -1
		case a.s > b.s:
			return 1
		}
		return 0
	})
	// Mann–Whitney: the sum of the positives' ranks, ties at their mean rank.
	rankSum := 0.0
	for i := 0; i < len(ps); {
		j := i
		pos := 0
		for j < len(ps) && ps[j].s == ps[i].s {
			if ps[j].pos {
				pos++
			}
			j++
		}
		meanRank := float64(i+1+j) / 2 // ranks i+1..j
		rankSum += float64(pos) * meanRank
		i = j
	}
	u := rankSum - float64(nPos)*float64(nPos+1)/2
	return u / (float64(nPos) * float64(nNeg))
}

// probEps is how far from 0 and 1 LogLoss clips probabilities: the float64
// machine epsilon, scikit-learn's eps="auto".
const probEps = 2.220446049250313e-16

// LogLoss returns the mean negative log-likelihood of 0/1 labels y under
// the probabilities p of the positive class, with p clipped to
// [eps, 1−eps] (eps the float64 machine epsilon) as scikit-learn's log_loss.
// It is NaN when a label is not 0/1 or a probability lies outside [0, 1].
func LogLoss(y, p []float64) float64 {
	if len(y) == 0 || len(y) != len(p) {
		return math.NaN()
	}
	s := 0.0
	for i, v := range y {
		q := p[i]
		if !(q >= 0 && q <= 1) || (v != 0 && v != 1) {
			return math.NaN()
		}
		q = math.Min(math.Max(q, probEps), 1-probEps)
		if v == 1 {
			s -= math.Log(q)
		} else {
			s -= math.Log1p(-q)
		}
	}
	return s / float64(len(y))
}

// MultiLogLoss returns the mean negative log-likelihood of labels y under
// class probabilities p, each row clipped to [eps, 1−eps] and renormalised
// as scikit-learn's log_loss does. It is NaN when a label is not one of
// p.Classes or the shapes differ.
func MultiLogLoss(y []float64, p *Proba) float64 {
	if p == nil || len(y) == 0 || p.Rows() != len(y) || len(p.Data) != len(y)*len(p.Classes) {
		return math.NaN()
	}
	nc := len(p.Classes)
	num := make(map[float64]int, nc)
	for k, c := range p.Classes {
		num[c] = k
	}
	s := 0.0
	for i, v := range y {
		k, ok := num[v]
		if !ok {
			return math.NaN()
		}
		row := p.Data[i*nc : (i+1)*nc]
		sum := 0.0
		for _, q := range row {
			if !(q >= 0 && q <= 1) {
				return math.NaN()
			}
			sum += math.Min(math.Max(q, probEps), 1-probEps)
		}
		q := math.Min(math.Max(row[k], probEps), 1-probEps) / sum
		s -= math.Log(q)
	}
	return s / float64(len(y))
}

// Confusion is a confusion matrix: Counts[a][b] rows are labelled
// Labels[a] and predicted Labels[b]. Labels is the sorted union of the
// labels in y and in the predictions.
type Confusion struct {
	Labels []float64 `json:"labels"`
	Counts [][]int   `json:"counts"`
}

// ConfusionMatrix counts, for every pair of labels, the rows of label y
// predicted as pred, like scikit-learn's confusion_matrix. For 0/1 labels
// Counts is [[tn, fp], [fn, tp]].
func ConfusionMatrix(y, pred []float64) (*Confusion, error) {
	if len(y) != len(pred) {
		return nil, fmt.Errorf("confusion matrix: %d labels, %d predictions: %w", len(y), len(pred), ErrShape)
	}
	if err := checkTarget(y); err != nil {
		return nil, fmt.Errorf("confusion matrix: labels: %w", err)
	}
	if err := checkTarget(pred); err != nil {
		return nil, fmt.Errorf("confusion matrix: predictions: %w", err)
	}
	set := map[float64]bool{}
	for i := range y {
		set[y[i]], set[pred[i]] = true, true
	}
	labels := make([]float64, 0, len(set))
	for v := range set {
		labels = append(labels, v)
	}
	sort.Float64s(labels)
	num := make(map[float64]int, len(labels))
	for k, v := range labels {
		num[v] = k
	}
	c := &Confusion{Labels: labels, Counts: make([][]int, len(labels))}
	for k := range c.Counts {
		c.Counts[k] = make([]int, len(labels))
	}
	for i := range y {
		c.Counts[num[y[i]]][num[pred[i]]]++
	}
	return c, nil
}

// Count returns the number of rows labelled actual and predicted predicted.
func (c *Confusion) Count(actual, predicted float64) int {
	a, p := -1, -1
	for k, v := range c.Labels {
		if v == actual {
			a = k
		}
		if v == predicted {
			p = k
		}
	}
	if a < 0 || p < 0 {
		return 0
	}
	return c.Counts[a][p]
}

// String formats the matrix as a small table, rows actual, columns predicted.
func (c *Confusion) String() string {
	var b strings.Builder
	b.WriteString("actual\\predicted")
	for _, l := range c.Labels {
		fmt.Fprintf(&b, "\t%v", l)
	}
	for a, row := range c.Counts {
		fmt.Fprintf(&b, "\n%v", c.Labels[a])
		for _, n := range row {
			fmt.Fprintf(&b, "\t%d", n)
		}
	}
	return b.String()
}

// BinaryMetrics scores the probabilities p of the positive class against
// 0/1 labels y: "auc", "log_loss", and, with the labels predicted at
// threshold (positive when p > threshold), "accuracy", "precision",
// "recall" and "f1". Undefined values are NaN.
func BinaryMetrics(y, p []float64, threshold float64) map[string]float64 {
	pred := make([]float64, len(p))
	for i, q := range p {
		if q > threshold {
			pred[i] = 1
		}
	}
	return map[string]float64{
		"auc":       ROCAUC(y, p),
		"log_loss":  LogLoss(y, p),
		"accuracy":  Accuracy(y, pred),
		"precision": Precision(y, pred),
		"recall":    Recall(y, pred),
		"f1":        F1(y, pred),
	}
}
