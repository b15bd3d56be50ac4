//go:build unix

package worker

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS returns the peak resident memory of an ended process, 0 when unknown.
func peakRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss // bytes on macOS
	}
	return ru.Maxrss << 10 // KiB on Linux and the BSDs
}
