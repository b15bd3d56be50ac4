// Package conn connects blocks to the project's connection profiles (connections: in golem.yaml or
// connections.yaml): PostgreSQL queries into typed frames and frames into tables with COPY
// (Postgres), parquet and CSV objects on S3-compatible storage (S3), and JSON APIs over HTTP
// with pagination (HTTP). A profile's ${secret:NAME} and ${env:NAME} references are resolved when
// a block opens it; their values never reach the run's logs (see projects/secret).
package conn
