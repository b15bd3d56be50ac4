package hugeslice

import (
	"testing"
	"unsafe"
)

func TestMake_BigSlicesAlignedZeroedAndInBounds(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 1 << 19, 1<<19 + 1, 3<<18 + 12345, 787_060} {
		s := Make[int64](n)
		if len(s) != n || cap(s) != n {
			t.Fatalf("n=%d: len %d cap %d", n, len(s), cap(s))
		}
		for i, v := range s {
			if v != 0 {
				t.Fatalf("n=%d: s[%d] = %d", n, i, v)
			}
		}
		if n*8 >= 2*hugePage && uintptr(unsafe.Pointer(&s[0]))%hugePage != 0 {
			t.Fatalf("n=%d: not aligned to a huge page", n)
		}
		b := Make[bool](n)
		if len(b) != n {
			t.Fatalf("n=%d: bool len %d", n, len(b))
		}
	}
}
