// Package ml is the machine-learning toolbox that block code calls: a
// DictVectorizer-style encoder from frame columns to a sparse CSR matrix,
// linear and ridge regression solved exactly (also when one-hot features plus
// an intercept make the problem rank-deficient), a histogram gradient-boosted
// tree regressor, L2-regularised logistic regression (binary and
// multinomial, scikit-learn's objective, solved to the optimum by Newton's
// method) with class probabilities and a decision threshold, regression and
// classification metrics (accuracy, precision, recall, F1, ROC AUC,
// log-loss, confusion matrix), a deterministic train/validation split,
// k-fold, stratified and time-ordered cross-validation folds, and model
// files that keep a model together with its encoder.
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
// A classifier is trained the same way on 0/1 (or any) labels and scored on
// its probabilities:
//
//	clf := ml.NewLogisticRegression() // C = 1, threshold 0.5
//	err = clf.Fit(X, y)
//	p, err := clf.PredictProba(Xval)  // p.Col(1): P(label 1) per row
//	m := ml.BinaryMetrics(yval, p.Col(1), 0.5) // auc, log_loss, accuracy, precision, recall, f1
//
// and a batch-inference block:
//
//	b, err := ml.ReadModel(ctx.Path("models/lr.json"))
//	pred, err := b.Predict(trips) // encode with the saved vocabulary, then predict
//
// Boosted trees (GBDT) also classify: set GBDTParams.Objective to
// ObjectiveBinary (labels 0/1) or ObjectiveMulticlass (labels 0..K-1) and
// call PredictProba for the probabilities. Missing numbers (NaN in the
// matrix) learn their own direction at each split; columns listed in
// GBDTParams.CategoricalFeatures get native categorical splits.
//
// A model file is one JSON document: {"format": "golem-model", "version": 2,
// "kind": "linear"|"gbdt"|"logistic", "target", "params", "linear" (coef,
// intercept, solver info), "gbdt" (base score, trees, best iteration,
// per-round losses) or "logistic" (classes, coef, intercept, solver info),
// "encoder" (input columns with their kind, features with their column and
// category), "metrics" (NaN and ±Inf as the strings "NaN", "Infinity",
// "-Infinity"), "training"}. It holds no times or durations, so the same
// inputs give the same bytes. ReadModel reads versions 1 and 2, refuses files
// of a newer version and names the file in every error.
package ml
