package ml_test

import (
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/blocks/ml"
	"github.com/golemlabs/golem/runtime/symbols"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// The API must be usable from block code interpreted by yaegi: concrete
// types, struct literals of parameters, errors returned.
const blockSrc = `package train

import (
	"errors"
	"fmt"

	"github.com/golemlabs/golem/blocks/ml"
)

func Train(X *ml.CSR, y []float64, path string) (string, error) {
	lr := ml.NewRidge(0.1)
	lr.Solver = ml.SolverCG
	if err := lr.Fit(X, y); err != nil {
		return "", err
	}
	p := ml.DefaultGBDTParams()
	p.Rounds = 10
	gb := ml.NewGBDT(ml.GBDTParams{Rounds: 10, MaxDepth: 2, Lambda: p.Lambda})
	if err := gb.Fit(X, y, nil, nil); err != nil {
		return "", err
	}
	pred, err := ml.Predict(gb, X)
	if err != nil {
		return "", err
	}
	enc := ml.NewDictVectorizer()
	if err := ml.SaveModel(path, ml.NewBundle(gb, enc, "y")); err == nil {
		return "", errors.New("saving with an unfitted encoder should fail")
	}
	if err := lr.Fit(X, y[:1]); !errors.Is(err, ml.ErrShape) {
		return "", fmt.Errorf("want a shape error, got %v", err)
	}
	return fmt.Sprintf("%d trees, rmse %.3f, coef %d", len(gb.Trees), ml.RMSE(y, pred), len(lr.Coef)), nil
}
`

func TestYaegi_BlockCodeCallsAPI(t *testing.T) {
	i := interp.New(interp.Options{})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(symbols.Symbols); err != nil { // the table the runtime gives block code
		t.Fatal(err)
	}
	if _, err := i.Eval(blockSrc); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval("train.Train")
	if err != nil {
		t.Fatal(err)
	}
	train := v.Interface().(func(*ml.CSR, []float64, string) (string, error))
	X, _ := ml.NewCSRFromDense([][]float64{{1, 0}, {0, 1}, {1, 1}, {2, 0}, {0, 3}})
	out, err := train(X, []float64{1, 2, 3, 2, 6}, filepath.Join(t.TempDir(), "m.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out)
}

// The classification API from interpreted block code: a classifier through
// the Classifier interface, probabilities, metrics in a map, folds.
const classifySrc = `package classify

import (
	"fmt"

	"github.com/golemlabs/golem/blocks/ml"
)

func Score(X *ml.CSR, y []float64) (string, error) {
	clf := ml.NewLogisticRegression()
	clf.C = 10
	if err := clf.Fit(X, y); err != nil {
		return "", err
	}
	var c ml.Classifier = clf
	p, err := c.PredictProba(X)
	if err != nil {
		return "", err
	}
	m := ml.BinaryMetrics(y, p.Col(1), 0.5)
	folds, err := ml.KFold(len(y), 3, true, 1)
	if err != nil {
		return "", err
	}
	Xf, err := X.SelectRows(folds[0].Train)
	if err != nil {
		return "", err
	}
	cm, err := ml.ConfusionMatrix(y, p.Labels(0.5))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("classes %v auc %.2f folds %d rows %d tn %d", c.Classes(), m["auc"], len(folds), Xf.Rows, cm.Count(0, 0)), nil
}
`

func TestYaegi_BlockCodeClassifies(t *testing.T) {
	i := interp.New(interp.Options{})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(symbols.Symbols); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(classifySrc); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval("classify.Score")
	if err != nil {
		t.Fatal(err)
	}
	score := v.Interface().(func(*ml.CSR, []float64) (string, error))
	X, _ := ml.NewCSRFromDense([][]float64{{1, 0}, {0, 1}, {1, 1}, {2, 0}, {0, 3}, {3, 1}})
	out, err := score(X, []float64{0, 1, 0, 0, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := "classes [0 1] auc "; len(out) < len(want) || out[:len(want)] != want {
		t.Errorf("got %q", out)
	}
	t.Log(out)
}
