"""The train_tip_classifier pipeline of the Golem taxi example, in pandas + scikit-learn.

Reads monthly green-taxi CSV files (<dir>/<year>/<MM>.csv), keeps the
credit-card trips (payment_type 1) with a tip amount and a distance, labels
them tipped = tip_amount > 0, one-hot encodes PULocationID and DOLocationID
with DictVectorizer next to trip_distance, fits the classifier on the
training months and reports AUC, log-loss and accuracy on both sets as one
JSON line on stdout:

- --model logistic: LogisticRegression(C=1), the same objective as Golem's
  (with --solver newton-cg --tol 1e-10 it reaches the same optimum; the
  default lbfgs stops a little short of it);
- --model gbdt: HistGradientBoostingClassifier with the example's settings
  (200 rounds, learning rate 0.1, depth 6, L2 1, no early stopping) on the
  dense one-hot matrix, which it needs.
"""

import argparse
import json
import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction import DictVectorizer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

CATEGORICAL = ["PULocationID", "DOLocationID"]
NUMERICAL = ["trip_distance"]
COLUMNS = CATEGORICAL + NUMERICAL + ["payment_type", "tip_amount"]


def months(spec):
    lo, _, hi = spec.partition("..")
    hi = hi or lo
    return [(p.year, p.month) for p in pd.period_range(lo, hi, freq="M")]


def read(data, spec):
    df = pd.concat([pd.read_csv(f"{data}/{y}/{m:02d}.csv", usecols=COLUMNS) for y, m in months(spec)],
                   ignore_index=True)
    df = df[(df.payment_type == 1) & df.tip_amount.notna() & df.trip_distance.notna()].copy()
    df["tipped"] = (df.tip_amount > 0).astype(int)
    df[CATEGORICAL] = df[CATEGORICAL].astype(str)
    return df


def scores(y, p):
    return {"auc": roc_auc_score(y, p), "log_loss": log_loss(y, p), "accuracy": accuracy_score(y, p > 0.5)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder with <year>/<MM>.csv")
    ap.add_argument("--train", default="2023-01")
    ap.add_argument("--validation", default="2023-02")
    ap.add_argument("--model", default="logistic", choices=["logistic", "gbdt"])
    ap.add_argument("--solver", default="lbfgs")
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    t0 = time.perf_counter()
    train, val = read(a.data, a.train), read(a.data, a.validation)
    t1 = time.perf_counter()
    dv = DictVectorizer()
    X = dv.fit_transform(train[CATEGORICAL + NUMERICAL].to_dict(orient="records"))
    Xval = dv.transform(val[CATEGORICAL + NUMERICAL].to_dict(orient="records"))
    y, yval = train.tipped.values, val.tipped.values
    t2 = time.perf_counter()
    if a.model == "logistic":
        m = LogisticRegression(C=1.0, solver=a.solver, tol=a.tol, max_iter=10000).fit(X, y)
    else:
        X, Xval = X.toarray(), Xval.toarray()
        m = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_depth=6, max_leaf_nodes=None,
                                           min_samples_leaf=1, l2_regularization=1.0, early_stopping=False,
                                           random_state=1).fit(X, y)
    t3 = time.perf_counter()
    out = {"train_rows": len(train), "val_rows": len(val), "features": len(dv.feature_names_),
           "read_s": t1 - t0, "encode_s": t2 - t1, "fit_s": t3 - t2}
    for prefix, XX, yy in [("train_", X, y), ("val_", Xval, yval)]:
        for k, v in scores(yy, m.predict_proba(XX)[:, 1]).items():
            out[prefix + k] = v
    print(json.dumps(out))


if __name__ == "__main__":
    main()
