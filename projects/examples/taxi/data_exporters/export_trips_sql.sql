-- export_trips_sql: the prepared trips as a parquet file, and how many were written.
COPY prepare_sql TO 'output/trips_sql.parquet' (FORMAT parquet);
SELECT count(*) AS trips, 'output/trips_sql.parquet' AS file FROM prepare_sql
