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
    print(json.dumps({
        "train_rmse": rmse(y, lr.predict(X)), "val_rmse": rmse(yval, lr.predict(Xval)),
        "train_rows": len(train), "val_rows": len(val), "features": len(dv.feature_names_),
        "read_s": t1 - t0, "encode_s": t2 - t1, "fit_s": t3 - t2,
    }))


if __name__ == "__main__":
    main()
