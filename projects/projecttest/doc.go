// Package projecttest builds small Golem projects in temporary directories for tests.
package projecttest
