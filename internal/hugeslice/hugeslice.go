// Package hugeslice allocates the big slices of frame columns so that the kernel backs them with
// transparent huge pages: on the VMs Golem is measured on, faulting fresh memory in 4 KiB pages
// costs far more than writing it (126 MiB: 250 ms fresh against 8 ms reused, 63 ms with huge
// pages). Both the frame package and the SQL engine's results use it.
package hugeslice

import "unsafe"

// Make returns a zeroed slice of n elements. A big one starts on a
// huge-page boundary and is backed by huge pages (see adviseHugePages): the
// allocation is padded by up to 2 MiB of address space that is never touched.
func Make[T any](n int) []T {
	var zero T
	size := unsafe.Sizeof(zero)
	bytes := uintptr(n) * size
	if bytes < 2*hugePage || size == 0 || hugePage%size != 0 {
		return make([]T, n)
	}
	pad := int(hugePage / size)
	s := make([]T, n+pad)
	p := uintptr(unsafe.Pointer(&s[0]))
	k := int((hugePage - p%hugePage) % hugePage / size)
	s = s[k : k+n : k+n]
	// Round the advised length up when that covers at most 1 MiB more and
	// stays within the allocation.
	adv := bytes &^ (hugePage - 1)
	if bytes-adv > hugePage/2 && uintptr(k)*size+adv+hugePage <= uintptr(n+pad)*size {
		adv += hugePage
	}
	adviseHugePages(unsafe.Pointer(&s[0]), adv)
	return s
}
