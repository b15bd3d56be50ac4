// Package ml is the machine-learning toolbox that block code calls: a
// DictVectorizer-style encoder from frame columns to a sparse CSR matrix,
// linear and ridge regression solved exactly (also when one-hot features plus
// an intercept make the problem rank-deficient), a histogram gradient-boosted
// tree regressor, regression metrics, a deterministic train/validation split,
// and model files that keep a model together with its encoder.
//
// The package is compiled Go: block code interpreted by yaegi calls it at
// compiled speed. For that reason the API is made of concrete types only (no
// generics, which yaegi extract skips), and bad input is reported as a
// returned error, never a panic.
//
// A typical training block:
//
//	enc := ml.NewDictVectorizer()
//	X, err := enc.FitTransform(train, "PULocationID", "DOLocationID", "trip_distance")
//	y, err := ml.Target(train, "duration")
//	lr := ml.NewLinearRegression()
//	err = lr.Fit(X, y)
//	err = ml.SaveModel(ctx.Path("models/lr.json"), ml.NewBundle(lr, enc, "duration"))
//
// and a batch-inference block:
//
//	b, err := ml.LoadModel(ctx.Path("models/lr.json"))
//	pred, err := b.Predict(trips) // encode with the saved vocabulary, then predict
//
// A model file is one JSON document: {"format": "golem-model", "version": 1,
// "kind": "linear"|"gbdt", "created_at", "target", "params", "linear" (coef,
// intercept, solver info) or "gbdt" (base score, trees, best iteration,
// per-round RMSE), "encoder" (input columns with their kind, features with
// their column and category), "metrics", "training"}. LoadModel refuses files
// of a newer version and names the file in every error.
package ml
