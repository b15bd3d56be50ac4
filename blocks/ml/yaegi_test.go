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
