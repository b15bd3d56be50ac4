// Package duck runs SQL blocks and ctx.SQL on an embedded DuckDB.
//
// One DB serves one block attempt in the worker process: upstream frames are tables named after
// their blocks (handed over as Arrow arrays, loaded only when a statement names them), the run's
// variables are bound as named parameters ($months), relative paths resolve against the project
// (the worker runs in the project folder; file_search_path says the same to DuckDB), and results
// come back as typed frame columns. A script's statements run one at a time so that an error names
// the file, line and column of its statement.
//
// DuckDB's Arrow interface needs the build tag duckdb_arrow, which the Makefile sets; a binary built
// without it reports that SQL is unavailable instead of failing to compile.
package duck
