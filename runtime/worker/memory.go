package worker

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// fallbackMemory is assumed when the machine's memory cannot be read.
const fallbackMemory = 8 << 30

// DefaultMemoryLimit is the memory limit of a run whose project sets none: half of the machine's
// memory, or of the cgroup's limit when that is smaller.
func DefaultMemoryLimit() int64 {
	total := int64(0)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				total = kb << 10
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 && (total == 0 || v < total) {
			total = v
		}
	}
	if total <= 0 {
		total = fallbackMemory
	}
	return total / 2
}

// residentBytes returns the resident memory of process pid, 0 when unknown (no /proc).
func residentBytes(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
