"""The train_linear pipeline of the Golem taxi example, in pandas + scikit-learn.

Reads monthly green-taxi CSV files (<dir>/<year>/<MM>.csv), computes the trip
duration in minutes, keeps trips of 1 to 60 minutes, one-hot encodes
PULocationID and DOLocationID with DictVectorizer next to trip_distance, fits
LinearRegression on the training months and reports the RMSE on the
validation month as one JSON line on stdout. This is the MLOps course's
notebook code, as a pandas user writes it.
"""

import argparse
import json
import time

import numpy as np
import pandas as pd
import scipy.linalg
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LinearRegression

CATEGORICAL = ["PULocationID", "DOLocationID"]
NUMERICAL = ["trip_distance"]
# The columns the pipeline uses; Golem's loaders read only these too.
COLUMNS = ["lpep_pickup_datetime", "lpep_dropoff_datetime"] + CATEGORICAL + NUMERICAL


def months(spec):
    lo, _, hi = spec.partition("..")
    hi = hi or lo
    out = []
    for p in pd.period_range(lo, hi, freq="M"):
        out.append((p.year, p.month))
    return out


def read(data, spec):
    frames = [pd.read_csv(f"{data}/{y}/{m:02d}.csv", usecols=COLUMNS,
                          parse_dates=["lpep_pickup_datetime", "lpep_dropoff_datetime"])
              for y, m in months(spec)]
    df = pd.concat(frames, ignore_index=True)
    df["duration"] = (df.lpep_dropoff_datetime - df.lpep_pickup_datetime).dt.total_seconds() / 60
    df = df[(df.duration >= 1) & (df.duration <= 60)].copy()
    df[CATEGORICAL] = df[CATEGORICAL].astype(str)
    return df


def rmse(y, pred):
    return float(np.sqrt(np.mean((np.asarray(y) - pred) ** 2)))


# RCOND is the relative size below which a singular value of the scaled
# normal equations is an exact linear dependency of the one-hot design.
RCOND = 1e-10


def exact_fit(X, y):
    """Exact least squares with an intercept on the sparse design X.

    One-hot columns plus the intercept are rank-deficient, so many
    coefficient vectors reach the minimum: they predict the same for the
    training rows but not for validation rows with zones training never saw
    (which one-hot to nothing). This returns the one Golem's LinearRegression
    documents: minimum norm in centred, unit-norm-column coordinates. The
    normal equations of that design, S = D Xc'Xc D (Xc = X - column means,
    never formed: Xc'Xc = X'X - n mu mu'; D = 1/|centred column|), are solved
    by LAPACK's SVD least squares (gelsd, minimum norm), then refined twice on
    the residual to remove the error of forming S. Returns the coefficients,
    the intercept and the relative size of the remaining gradient
    |D Xc'r| / (|Xc D| |y - mean|), which an exact solve leaves at rounding
    level.
    """
    n = X.shape[0]
    mu = np.asarray(X.mean(axis=0)).ravel()
    ym = float(y.mean())
    A = (X.T @ X).toarray() - n * np.outer(mu, mu)
    diag = np.diag(A).copy()
    d = np.zeros_like(diag)
    keep = diag > 1e-24 * n * (1 + mu * mu)  # constant columns get no weight, as in Golem
    d[keep] = 1 / np.sqrt(diag[keep])
    S = d[:, None] * A * d[None, :]

    def grad(r):  # D Xc' r
        return d * (X.T @ r - mu * r.sum())

    def resid(z):
        coef = d * z
        return (y - ym) - (X @ coef - mu @ coef)

    # Exact dependencies leave singular values of S at rounding level (about
    # 1e-14 on 2023-01, where the smallest real one is 0.05): below RCOND they
    # count as zero, which gives the minimum-norm solution. (LAPACK's default
    # cut-off, machine epsilon, keeps them and adds large null-space parts.)
    z = np.zeros(X.shape[1])
    for _ in range(3):  # the solve, then two refinements
        step, _, rank, sv = scipy.linalg.lstsq(S, grad(resid(z)), cond=RCOND, lapack_driver="gelsd")
        z = z + step
    g = grad(resid(z))
    scale = np.sqrt(sv[0]) * np.linalg.norm(y - ym)  # |Xc D| = sqrt of S's largest singular value
    coef = d * z
    return coef, ym - mu @ coef, float(np.linalg.norm(g) / scale)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder with <year>/<MM>.csv")
    ap.add_argument("--train", default="2023-01..2023-11")
    ap.add_argument("--validation", default="2023-12")
    a = ap.parse_args()
    t0 = time.perf_counter()
    train, val = read(a.data, a.train), read(a.data, a.validation)
    t1 = time.perf_counter()
    dv = DictVectorizer()
    X = dv.fit_transform(train[CATEGORICAL + NUMERICAL].to_dict(orient="records"))
    Xval = dv.transform(val[CATEGORICAL + NUMERICAL].to_dict(orient="records"))
    y, yval = train.duration.values, val.duration.values
    t2 = time.perf_counter()
    lr = LinearRegression()
    lr.fit(X, y)
    t3 = time.perf_counter()
    sk_train, sk_val = rmse(y, lr.predict(X)), rmse(yval, lr.predict(Xval))
    t4 = time.perf_counter()
    coef, intercept, gradient = exact_fit(X, y)
    t5 = time.perf_counter()
    print(json.dumps({
        "train_rmse": rmse(y, X @ coef + intercept), "val_rmse": rmse(yval, Xval @ coef + intercept),
        "gradient": gradient,
        "sklearn_train_rmse": sk_train, "sklearn_val_rmse": sk_val,
        "train_rows": len(train), "val_rows": len(val), "features": len(dv.feature_names_),
        "read_s": t1 - t0, "encode_s": t2 - t1, "fit_s": t3 - t2, "reference_s": t5 - t4,
    }))


if __name__ == "__main__":
    main()
