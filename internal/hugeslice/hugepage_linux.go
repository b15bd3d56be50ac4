package hugeslice

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page.
const hugePage = 2 << 20

// adviseHugePages asks the kernel to back the size bytes at p (2 MiB-aligned)
// with transparent huge pages. A column of a year of trips is megabytes that
// are written once, right after allocation: faulting them in 4 KiB at a time
// cost more than the work done on them (~10 µs a fault on the target VM). The
// advice is best effort: kernels with THP disabled ignore it.
func adviseHugePages(p unsafe.Pointer, size uintptr) {
	_ = syscall.Madvise(unsafe.Slice((*byte)(p), size), syscall.MADV_HUGEPAGE)
}
