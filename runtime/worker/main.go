package worker

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// maxStack bounds a worker goroutine's stack: unbounded recursion in a block ends as "stack
// overflow" after 256 MiB of stack instead of Go's default 1 GiB (about ten seconds and gigabytes
// of memory in the interpreter).
const maxStack = 256 << 20

// Main is the worker process's main: it serves one job on stdin and stdout and returns the exit
// code. The supervisor decides when the run stops: Ctrl-C in a terminal, which reaches the whole
// process group, is ignored here (SIGTERM still cancels the run).
func Main() int {
	signal.Ignore(os.Interrupt)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	debug.SetMaxStack(maxStack)
	// stdout carries the protocol: anything else that writes to os.Stdout goes to stderr, which
	// the supervisor keeps for crash reports.
	proto := os.Stdout
	os.Stdout = os.Stderr
	if err := Serve(ctx, os.Stdin, proto); err != nil {
		fmt.Fprintf(os.Stderr, "golem worker: %v\n", err)
		return 1
	}
	return 0
}
