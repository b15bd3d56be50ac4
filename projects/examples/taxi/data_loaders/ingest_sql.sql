-- ingest_sql: the trips of the months to prepare, read by DuckDB.
-- $months is one month (2023-01) or an inclusive range (2023-01..2023-03); golem_months turns it
-- into the list of months, and $source (a folder relative to the project) into the file list
-- <source>/<year>/<MM>.parquet. Values are bound, never spliced into the text.
SELECT *
FROM read_parquet(
    list_transform(golem_months($months), m -> $source || '/' || replace(m, '-', '/') || '.parquet'),
    union_by_name = true)
