// Package projects is the on-disk project format of Golem: it loads and
// validates a project folder (golem.yaml, pipelines/<name>/pipeline.yaml and
// the block files they reference), saves pipelines and files atomically and
// confined to the project directory, detects concurrent edits through content
// versions, resolves pipeline variables and scaffolds new projects, including
// the taxi example (see Init).
//
// Every problem found in a project file is reported as an *Error carrying the
// file (relative to the project) and line; Load reports all of them at once.
package projects
