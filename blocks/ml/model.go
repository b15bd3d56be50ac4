package ml

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/internal/atomicfile"
	"github.com/golemlabs/golem/internal/jsonvalue"
)

// Model kinds as written in model files.
const (
	KindLinear   = "linear"
	KindGBDT     = "gbdt"
	KindLogistic = "logistic"
)

// The model file format this package writes. ReadModel reads versions up to
// FormatVersion and refuses newer ones.
const (
	FormatName    = "golem-model"
	FormatVersion = 2
)

// Model is a fitted model: a regressor (*LinearRegression, *GBDT) whose
// Predict returns values, or a Classifier (*LogisticRegression) whose
// Predict returns class labels.
type Model interface {
	Kind() string
	Predict(X *CSR) ([]float64, error)
}

// Predict returns m's predictions for X.
func Predict(m Model, X *CSR) ([]float64, error) {
	if m == nil {
		return nil, fmt.Errorf("predict: nil model: %w", ErrNotFitted)
	}
	return m.Predict(X)
}

// Bundle is what a model file holds: a fitted model, the encoder that
// produced its features, and a description of how it was trained. It holds
// no run metadata (times, durations): the same inputs give the same file,
// byte for byte, and when a model was trained is the run history's business.
type Bundle struct {
	Model    Model
	Encoder  *DictVectorizer
	Target   string             // name of the predicted column, e.g. "duration"
	Metrics  map[string]float64 // e.g. "train_rmse", "val_rmse"
	Training map[string]any     // free-form: months, rows, source, ...
}

// NewBundle returns a bundle of the model and its encoder.
func NewBundle(m Model, enc *DictVectorizer, target string) *Bundle {
	return &Bundle{Model: m, Encoder: enc, Target: target, Metrics: map[string]float64{},
		Training: map[string]any{}}
}

// Predict encodes the frame with the bundle's encoder and predicts.
func (b *Bundle) Predict(f *frame.Frame) ([]float64, error) {
	if b == nil || b.Model == nil || b.Encoder == nil {
		return nil, fmt.Errorf("predict: bundle without model or encoder: %w", ErrNotFitted)
	}
	X, err := b.Encoder.Transform(f)
	if err != nil {
		return nil, err
	}
	return b.Model.Predict(X)
}

// PredictProba encodes the frame with the bundle's encoder and returns the
// class probabilities of a classifier (an error for a regressor).
func (b *Bundle) PredictProba(f *frame.Frame) (*Proba, error) {
	if b == nil || b.Model == nil || b.Encoder == nil {
		return nil, fmt.Errorf("predict: bundle without model or encoder: %w", ErrNotFitted)
	}
	X, err := b.Encoder.Transform(f)
	if err != nil {
		return nil, err
	}
	return PredictProba(b.Model, X)
}

// linearParams and linearState split a LinearRegression for the file.
type linearParams struct {
	Alpha   float64 `json:"alpha"`
	Solver  Solver  `json:"solver,omitempty"`
	Tol     float64 `json:"tol,omitempty"`
	MaxIter int     `json:"max_iter,omitempty"`
}

type linearState struct {
	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
	Info      SolveInfo `json:"solve"`
}

type logisticParams struct {
	C         float64 `json:"c"`
	Solver    Solver  `json:"solver,omitempty"`
	Tol       float64 `json:"tol,omitempty"`
	MaxIter   int     `json:"max_iter,omitempty"`
	Threshold float64 `json:"threshold"`
}

type logisticState struct {
	Classes   []float64    `json:"classes"`
	Coef      [][]float64  `json:"coef"`
	Intercept []float64    `json:"intercept"`
	Info      LogisticInfo `json:"solve"`
}

type gbdtState struct {
	NumFeatures   int       `json:"num_features"`
	NumClass      int       `json:"num_class,omitempty"`
	BaseScore     float64   `json:"base_score"`
	BaseScores    []float64 `json:"base_scores,omitempty"`
	BestIteration int       `json:"best_iteration"`
	Metric        string    `json:"metric,omitempty"`
	TrainLoss     []float64 `json:"train_loss,omitempty"`
	StopLoss      []float64 `json:"stop_loss,omitempty"`
	ValLoss       []float64 `json:"val_loss,omitempty"`
	Trees         []Tree    `json:"trees"`
}

// document is the JSON layout of a model file.
type document struct {
	Format   string             `json:"format"`
	Version  int                `json:"version"`
	Kind     string             `json:"kind"`
	Target   string             `json:"target,omitempty"`
	Params   json.RawMessage    `json:"params"`
	Linear   *linearState       `json:"linear,omitempty"`
	GBDT     *gbdtState         `json:"gbdt,omitempty"`
	Logistic *logisticState     `json:"logistic,omitempty"`
	Encoder  *DictVectorizer    `json:"encoder"`
	Metrics  map[string]float64 `json:"metrics,omitempty"` // NaN and ±Inf as the strings NaN, Infinity, -Infinity
	Training map[string]any     `json:"training,omitempty"`
}

// MarshalJSON writes the bundle as a model document (the layout of SaveModel).
func (b *Bundle) MarshalJSON() ([]byte, error) {
	if b.Model == nil || b.Encoder == nil {
		return nil, fmt.Errorf("bundle without model or encoder: %w", ErrNotFitted)
	}
	d := document{Format: FormatName, Version: FormatVersion, Kind: b.Model.Kind(),
		Target: b.Target, Encoder: b.Encoder, Metrics: b.Metrics, Training: b.Training}
	var params any
	switch m := b.Model.(type) {
	case *LinearRegression:
		if m.Coef == nil {
			return nil, fmt.Errorf("linear model: %w", ErrNotFitted)
		}
		params = linearParams{Alpha: m.Alpha, Solver: m.Solver, Tol: m.Tol, MaxIter: m.MaxIter}
		d.Linear = &linearState{Coef: m.Coef, Intercept: m.Intercept, Info: m.Info}
		if len(m.Coef) != b.Encoder.NumFeatures() {
			return nil, fmt.Errorf("model has %d coefficients, encoder %d features: %w", len(m.Coef), b.Encoder.NumFeatures(), ErrShape)
		}
	case *LogisticRegression:
		if len(m.Coef) == 0 {
			return nil, fmt.Errorf("logistic model: %w", ErrNotFitted)
		}
		params = logisticParams{C: m.C, Solver: m.Solver, Tol: m.Tol, MaxIter: m.MaxIter, Threshold: m.Threshold}
		d.Logistic = &logisticState{Classes: m.Labels, Coef: m.Coef, Intercept: m.Intercept, Info: m.Info}
		if m.NumFeatures() != b.Encoder.NumFeatures() {
			return nil, fmt.Errorf("model has %d features, encoder %d: %w", m.NumFeatures(), b.Encoder.NumFeatures(), ErrShape)
		}
	case *GBDT:
		params = m.Params
		d.GBDT = &gbdtState{NumFeatures: m.NumFeatures, NumClass: m.NumClass, BaseScore: m.BaseScore,
			BaseScores: m.BaseScores, BestIteration: m.BestIteration, Metric: m.Metric,
			TrainLoss: m.TrainLoss, StopLoss: m.StopLoss, ValLoss: m.ValLoss, Trees: m.Trees}
		if m.NumFeatures != b.Encoder.NumFeatures() {
			return nil, fmt.Errorf("model has %d features, encoder %d: %w", m.NumFeatures, b.Encoder.NumFeatures(), ErrShape)
		}
	default:
		return nil, fmt.Errorf("model kind %q cannot be saved: %w", b.Model.Kind(), ErrParam)
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	d.Params = raw
	// jsonvalue: an undefined metric (the AUC of a one-class validation set)
	// is written as "NaN" rather than failing the save.
	return jsonvalue.Marshal(d)
}

// UnmarshalJSON reads a model document, checking its format and version.
func (b *Bundle) UnmarshalJSON(data []byte) error {
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("%v: %w", err, ErrFormat)
	}
	if head.Format != FormatName {
		return fmt.Errorf("format %q, want %q: %w", head.Format, FormatName, ErrFormat)
	}
	if head.Version > FormatVersion {
		return fmt.Errorf("version %d is newer than %d, the newest this build reads; upgrade golem: %w", head.Version, FormatVersion, ErrVersion)
	}
	if head.Version < 1 {
		return fmt.Errorf("version %d: %w", head.Version, ErrFormat)
	}
	var d document
	if err := jsonvalue.Unmarshal(data, &d); err != nil {
		return fmt.Errorf("%v: %w", err, ErrFormat)
	}
	if d.Encoder == nil || d.Encoder.columns == nil {
		return fmt.Errorf("no encoder: %w", ErrFormat)
	}
	out := Bundle{Encoder: d.Encoder, Target: d.Target, Metrics: d.Metrics, Training: d.Training}
	nf := d.Encoder.NumFeatures()
	switch d.Kind {
	case KindLinear:
		if d.Linear == nil {
			return fmt.Errorf("linear model without coefficients: %w", ErrFormat)
		}
		var p linearParams
		if err := json.Unmarshal(d.Params, &p); err != nil {
			return fmt.Errorf("params: %v: %w", err, ErrFormat)
		}
		if len(d.Linear.Coef) != nf {
			return fmt.Errorf("%d coefficients for %d encoder features: %w", len(d.Linear.Coef), nf, ErrFormat)
		}
		out.Model = &LinearRegression{Alpha: p.Alpha, Solver: p.Solver, Tol: p.Tol, MaxIter: p.MaxIter,
			Coef: d.Linear.Coef, Intercept: d.Linear.Intercept, Info: d.Linear.Info}
	case KindLogistic:
		s := d.Logistic
		if s == nil {
			return fmt.Errorf("logistic model without coefficients: %w", ErrFormat)
		}
		var p logisticParams
		if err := json.Unmarshal(d.Params, &p); err != nil {
			return fmt.Errorf("params: %v: %w", err, ErrFormat)
		}
		rows := len(s.Classes)
		if rows == 2 {
			rows = 1
		}
		if len(s.Classes) < 2 || len(s.Coef) != rows || len(s.Intercept) != rows {
			return fmt.Errorf("logistic model of %d classes with %d coefficient rows and %d intercepts: %w", len(s.Classes), len(s.Coef), len(s.Intercept), ErrFormat)
		}
		for _, row := range s.Coef {
			if len(row) != nf {
				return fmt.Errorf("%d coefficients for %d encoder features: %w", len(row), nf, ErrFormat)
			}
		}
		out.Model = &LogisticRegression{C: p.C, Solver: p.Solver, Tol: p.Tol, MaxIter: p.MaxIter, Threshold: p.Threshold,
			Labels: s.Classes, Coef: s.Coef, Intercept: s.Intercept, Info: s.Info}
	case KindGBDT:
		if d.GBDT == nil {
			return fmt.Errorf("gbdt model without trees: %w", ErrFormat)
		}
		var p GBDTParams
		if err := json.Unmarshal(d.Params, &p); err != nil {
			return fmt.Errorf("params: %v: %w", err, ErrFormat)
		}
		p = p.withDefaults()
		m := &GBDT{Params: p, NumFeatures: d.GBDT.NumFeatures, NumClass: d.GBDT.NumClass, BaseScore: d.GBDT.BaseScore,
			BaseScores: d.GBDT.BaseScores, Trees: d.GBDT.Trees, BestIteration: d.GBDT.BestIteration, Metric: d.GBDT.Metric,
			TrainLoss: d.GBDT.TrainLoss, StopLoss: d.GBDT.StopLoss, ValLoss: d.GBDT.ValLoss}
		if err := p.validate(m.NumFeatures); err != nil {
			return fmt.Errorf("params: %v: %w", err, ErrFormat)
		}
		if m.NumFeatures != nf {
			return fmt.Errorf("model of %d features, encoder of %d: %w", m.NumFeatures, nf, ErrFormat)
		}
		if m.Trees == nil {
			m.Trees = []Tree{}
		}
		if err := m.validateTrees(); err != nil {
			return err
		}
		out.Model = m
	default:
		return fmt.Errorf("unknown model kind %q: %w", d.Kind, ErrFormat)
	}
	*b = out
	return nil
}

// SaveModel writes the bundle to path as one JSON document, atomically: a
// temporary file in the same folder is written, synced and renamed.
func SaveModel(path string, b *Bundle) error {
	if b == nil {
		return fmt.Errorf("save model %q: nil bundle: %w", path, ErrNotFitted)
	}
	data, err := json.MarshalIndent(b, "", " ")
	if err != nil {
		return fmt.Errorf("save model %q: %w", path, err)
	}
	data = append(data, '\n')
	if err := atomicfile.WriteFile(path, data, atomicfile.Options{Sync: true}); err != nil {
		return fmt.Errorf("save model %q: %w", path, err)
	}
	return nil
}

// ReadModel reads a model file written by SaveModel. Errors name the file. LoadModel loads a
// registered model (or a file) from a block.
func ReadModel(path string) (*Bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("load model %q: broken or truncated file (%v): %w", path, err, ErrFormat)
		}
		return nil, fmt.Errorf("load model %q: %w", path, err)
	}
	return &b, nil
}
