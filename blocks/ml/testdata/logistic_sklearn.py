"""Expected values for blocks/ml's classifier tests, from scikit-learn.

Run from the repository root with Debian's scikit-learn (python3-sklearn 1.2.1):

    /usr/bin/python3 blocks/ml/testdata/logistic_sklearn.py > blocks/ml/testdata/logistic_sklearn.json

The rows are the ones logistic_test.go builds. The solver is newton-cg with
tol=1e-12 (it stops on the gradient's max norm): lbfgs, the default, stops on
scipy's relative decrease of the objective (ftol 64·eps) about 1e-5 short of
the optimum in the coefficients.
"""
import json

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, log_loss,
                             precision_score, recall_score, roc_auc_score)

# Binary: a one-hot zone (3 zones) and a distance, 12 rows.
XB = np.array([
    [1, 0, 0, 1.2], [1, 0, 0, 0.4], [1, 0, 0, 3.1], [1, 0, 0, 0.9],
    [0, 1, 0, 2.2], [0, 1, 0, 5.0], [0, 1, 0, 0.3], [0, 1, 0, 1.7],
    [0, 0, 1, 0.8], [0, 0, 1, 4.4], [0, 0, 1, 2.6], [0, 0, 1, 0.0],
])
YB = np.array([0, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0])

# Multiclass: two numeric features, labels 2, 5, 7.
XM = np.array([
    [0.0, 1.0], [0.5, 0.2], [1.0, 0.0], [1.5, 1.1], [2.0, 0.3], [2.5, 2.0],
    [3.0, 0.7], [3.5, 1.9], [4.0, 0.1], [4.5, 2.2], [5.0, 1.0], [5.5, 0.4],
])
YM = np.array([2, 2, 5, 2, 5, 7, 5, 7, 5, 7, 7, 5])

out = {}
for name, X, y, C in [("binary_c1", XB, YB, 1.0), ("binary_c01", XB, YB, 0.1),
                      ("binary_c100", XB, YB, 100.0), ("multi_c1", XM, YM, 1.0)]:
    m = LogisticRegression(C=C, solver="newton-cg", tol=1e-12, max_iter=10000).fit(X, y)
    out[name] = {"coef": m.coef_.tolist(), "intercept": m.intercept_.tolist(),
                 "proba": m.predict_proba(X).tolist(), "classes": m.classes_.tolist(),
                 "log_loss": log_loss(y, m.predict_proba(X))}

# Metrics on fixed vectors, with ties in the scores.
y = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0])
p = np.array([0.1, 0.8, 0.4, 0.4, 0.9, 0.3, 0.6, 0.6, 0.6, 0.0])
pred = (p > 0.5).astype(int)
out["metrics"] = {"y": y.tolist(), "p": p.tolist(), "auc": roc_auc_score(y, p), "log_loss": log_loss(y, p),
                  "accuracy": accuracy_score(y, pred), "precision": precision_score(y, pred),
                  "recall": recall_score(y, pred), "f1": f1_score(y, pred),
                  "confusion": confusion_matrix(y, pred).tolist()}
print(json.dumps(out, indent=1))
