"""The train_gbdt pipeline of the Golem taxi example, with XGBoost and scikit-learn.

Reads the same monthly green-taxi CSV files as bench/sklearn_train.py (the
same trips of 1 to 60 minutes, zones as strings, trip_distance), then fits on
the training months and scores the validation month with:

- xgboost: XGBoost's hist trees on the one-hot sparse matrix of sklearn's
  DictVectorizer (what a pandas user of the course writes);
- xgboost_native: XGBoost with the zones as pandas categoricals
  (enable_categorical);
- sklearn_native: scikit-learn's HistGradientBoostingRegressor with the zones
  as native categoricals (ordinal codes, categorical_features).

All use Golem train_gbdt's defaults where the library has the option: 300
rounds at most, learning rate 0.1, L2 penalty 1 (XGBoost), early stopping
after 20 rounds without improvement on 10% of the TRAINING rows (never the
validation month), 256 bins, both cores. XGBoost also takes depth 8 and
min_child_weight 20; scikit-learn keeps its own tree shape (31 leaves, 20
samples per leaf). Prints one JSON object: per model the fit seconds (the
.fit call only), train and validation RMSE and the number of trees.
"""

import argparse
import json
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.feature_extraction import DictVectorizer
from sklearn.preprocessing import OrdinalEncoder
import xgboost as xgb

from sklearn_train import CATEGORICAL, NUMERICAL, read, rmse

THREADS = 2


def holdout(n, frac=0.1, seed=1):
    rng = np.random.default_rng(seed)
    held = rng.random(n) < frac
    return ~held, held


def fit_xgboost(X, y, Xval, yval, fit_rows, held):
    m = xgb.XGBRegressor(tree_method="hist", n_estimators=300, learning_rate=0.1, max_depth=8,
                         min_child_weight=20, reg_lambda=1.0, max_bin=256, n_jobs=THREADS,
                         early_stopping_rounds=20, random_state=1)
    t = time.perf_counter()
    m.fit(X[fit_rows], y[fit_rows], eval_set=[(X[held], y[held])], verbose=False)
    fit_s = time.perf_counter() - t
    return {"fit_s": fit_s, "train_rmse": rmse(y, m.predict(X)), "val_rmse": rmse(yval, m.predict(Xval)),
            "trees": int(m.best_iteration) + 1}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder with <year>/<MM>.csv")
    ap.add_argument("--train", default="2023-01..2023-11")
    ap.add_argument("--validation", default="2023-12")
    ap.add_argument("--models", default="xgboost,xgboost_native,sklearn_native")
    a = ap.parse_args()
    train, val = read(a.data, a.train), read(a.data, a.validation)
    y, yval = train.duration.values, val.duration.values
    fit_rows, held = holdout(len(train))
    out = {"train_rows": len(train), "val_rows": len(val)}
    models = a.models.split(",")
    if "xgboost" in models:
        dv = DictVectorizer()
        X = dv.fit_transform(train[CATEGORICAL + NUMERICAL].to_dict(orient="records")).tocsr()
        Xval = dv.transform(val[CATEGORICAL + NUMERICAL].to_dict(orient="records")).tocsr()
        out["xgboost"] = fit_xgboost(X, y, Xval, yval, fit_rows, held)
    if "xgboost_native" in models:
        cats = {c: pd.CategoricalDtype(sorted(train[c].unique())) for c in CATEGORICAL}
        def frame(df):
            f = df[CATEGORICAL + NUMERICAL].copy()
            for c in CATEGORICAL:
                f[c] = f[c].astype(cats[c])
            return f
        X, Xval = frame(train), frame(val)
        m = xgb.XGBRegressor(tree_method="hist", enable_categorical=True, max_cat_to_onehot=1,
                             n_estimators=300, learning_rate=0.1, max_depth=8, min_child_weight=20,
                             reg_lambda=1.0, max_bin=256, n_jobs=THREADS, early_stopping_rounds=20,
                             random_state=1)
        t = time.perf_counter()
        m.fit(X[fit_rows], y[fit_rows], eval_set=[(X[held], y[held])], verbose=False)
        fit_s = time.perf_counter() - t
        out["xgboost_native"] = {"fit_s": fit_s, "train_rmse": rmse(y, m.predict(X)),
                                 "val_rmse": rmse(yval, m.predict(Xval)), "trees": int(m.best_iteration) + 1}
    if "sklearn_native" in models:
        # scikit-learn takes at most 255 categories a feature (max_bins); eleven months have more
        # dropoff zones, so the rarest beyond the 254 most frequent share one category.
        def top(df):
            f = df[CATEGORICAL].copy()
            for c in CATEGORICAL:
                keep = set(train[c].value_counts().index[:254])
                f[c] = f[c].where(f[c].isin(keep), "other")
            return f
        enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
        X = np.column_stack([enc.fit_transform(top(train)), train[NUMERICAL].values])
        Xval = np.column_stack([enc.transform(top(val)), val[NUMERICAL].values])
        m = HistGradientBoostingRegressor(categorical_features=[0, 1], max_iter=300, learning_rate=0.1,
                                          max_bins=255, early_stopping=True, validation_fraction=0.1,
                                          n_iter_no_change=20, random_state=1)
        t = time.perf_counter()
        m.fit(X, y)
        fit_s = time.perf_counter() - t
        out["sklearn_native"] = {"fit_s": fit_s, "train_rmse": rmse(y, m.predict(X)),
                                 "val_rmse": rmse(yval, m.predict(Xval)), "trees": int(m.n_iter_)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
