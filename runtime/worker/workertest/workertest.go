// Package workertest lets a package's tests run worker processes: the test binary itself, started
// again, serves as the golem worker.
package workertest

import (
	"os"
	"testing"

	"github.com/golemlabs/golem/runtime/worker"
)

const envVar = "GOLEM_TEST_WORKER"

// Main is a TestMain: in a process started by Options it is the worker, otherwise it runs the tests.
func Main(m *testing.M) {
	if os.Getenv(envVar) == "1" {
		os.Exit(worker.Main())
	}
	os.Exit(m.Run())
}

// Options return worker options that start this test binary as the worker (see Main).
func Options() worker.Options {
	return worker.Options{Command: []string{os.Args[0]}, Env: []string{envVar + "=1"}}
}
