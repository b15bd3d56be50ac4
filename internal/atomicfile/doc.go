// Package atomicfile replaces files atomically: every writer in Golem (project files, stored
// outputs, exported parquet and CSV, saved models) writes to a temporary file in the target's
// folder and renames it into place, so a reader sees the old file or the new one, never half of
// one. Temporary names record the writing process, so RemoveStale can delete the ones left by a
// process that was killed mid-write.
package atomicfile
