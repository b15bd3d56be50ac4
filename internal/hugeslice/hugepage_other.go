//go:build !linux

package hugeslice

import "unsafe"

// hugePage is the alignment makeSlice gives big slices.
const hugePage = 2 << 20

func adviseHugePages(p unsafe.Pointer, size uintptr) {}
