// Package duck runs SQL blocks and ctx.SQL on an embedded DuckDB.
//
// One DB serves one block attempt in the worker process: upstream frames are tables named after
// their blocks (views over the table function golem_frame, which copies the columns a query reads
// straight from the frame into DuckDB's vectors; see scan.go), the run's variables are bound as
// named parameters ($months), relative paths resolve against the project (the worker runs in the
// project folder; file_search_path says the same to DuckDB), and results stream back chunk by
// chunk, read straight from DuckDB's vectors, as typed frame columns. A script's statements run one at a time so that an
// error names the file, line and column of its statement.
//
// The engine uses DuckDB's C API (github.com/duckdb/duckdb-go-bindings, linked statically through
// cgo). A binary built with CGO_ENABLED=0 reports that SQL is unavailable instead of failing to
// compile.
package duck
