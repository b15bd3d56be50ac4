-- prepare_sql: trip durations in minutes, trips of 1 to 60 minutes kept, and the pickup and
-- dropoff zones made categorical (text) -- the SQL twin of transformers/prepare.go.
WITH timed AS (
    SELECT *,
           date_diff('microsecond', lpep_pickup_datetime, lpep_dropoff_datetime) / 60e6 AS duration
    FROM ingest_sql
)
SELECT * REPLACE (PULocationID::VARCHAR AS PULocationID, DOLocationID::VARCHAR AS DOLocationID)
FROM timed
WHERE duration BETWEEN 1 AND 60
