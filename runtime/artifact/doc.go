// Package artifact stores the files and models that blocks log for experiment tracking,
// content-addressed under <project>/.golem/artifacts: a file is named by the SHA-256 of its bytes,
// so logging the same bytes twice stores them once, and a stored artifact never changes. The
// history (runtime/history) records which entries and registered model versions point to which
// artifacts; golem gc removes only artifacts nothing points to.
package artifact
