// Package sample generates deterministic synthetic NYC green-taxi trip files
// in the schema of the TLC parquet files (same column names, physical and
// logical types, nullability), so the example project runs offline.
//
// Trip durations depend on distance, the pickup zone and the hour, so a
// regression on PULocationID, DOLocationID and trip_distance learns
// something; a few percent of trips are outliers under 1 or over 60 minutes,
// and some columns are null as in the real data (ehail_fee always).
package sample
