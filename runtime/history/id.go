package history

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"time"
)

// crockford is the base32 alphabet of run IDs: sortable, no I L O U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// IDLen is the length of a run ID.
const IDLen = 26

// IDGen makes run IDs: 48 bits of Unix milliseconds then 80 random bits,
// written as 26 Crockford base32 characters (the ULID layout), so IDs sort by
// creation time. Within one millisecond a generator increments the random
// part, so its IDs are strictly increasing. The zero IDGen uses crypto/rand.
type IDGen struct {
	Rand io.Reader // nil means crypto/rand

	mu     sync.Mutex
	lastMS uint64
	last   [10]byte
}

// New returns a fresh ID for time t.
func (g *IDGen) New(t time.Time) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := uint64(max(t.UnixMilli(), 0)) & (1<<48 - 1)
	if ms <= g.lastMS && g.lastMS != 0 {
		ms = g.lastMS
		for i := len(g.last) - 1; i >= 0; i-- { // increment with carry
			g.last[i]++
			if g.last[i] != 0 {
				break
			}
		}
	} else {
		r := g.Rand
		if r == nil {
			r = rand.Reader
		}
		if _, err := io.ReadFull(r, g.last[:]); err != nil {
			panic(fmt.Sprintf("history: random source: %v", err)) // crypto/rand never fails
		}
		g.last[0] &= 0x7f // leave room to increment within the millisecond
		g.lastMS = ms
	}
	var b [16]byte
	binary.BigEndian.PutUint16(b[0:], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:], uint32(ms))
	copy(b[6:], g.last[:])
	return encodeID(b)
}

func encodeID(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[0:8])
	lo := binary.BigEndian.Uint64(b[8:16])
	var out [IDLen]byte
	// 128 bits → 26 chars of 5 bits, the first char carries the top 3 bits.
	for i := IDLen - 1; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// ValidID reports whether id has the shape of a run ID.
func ValidID(id string) bool {
	if len(id) != IDLen || id[0] > '7' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if decodeChar(id[i]) < 0 {
			return false
		}
	}
	return true
}

func decodeChar(c byte) int {
	for i := 0; i < len(crockford); i++ {
		if crockford[i] == c {
			return i
		}
	}
	return -1
}

// IDTime returns the creation time (millisecond precision) encoded in id.
func IDTime(id string) (time.Time, error) {
	if !ValidID(id) {
		return time.Time{}, fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	var ms uint64
	for i := 0; i < 10; i++ {
		ms = ms<<5 | uint64(decodeChar(id[i]))
	}
	return time.UnixMilli(int64(ms)), nil
}

// IDAt returns the smallest ID of time t, usable as Filter.Before to list runs
// created before t.
func IDAt(t time.Time) string {
	var b [16]byte
	ms := uint64(max(t.UnixMilli(), 0))
	binary.BigEndian.PutUint16(b[0:], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:], uint32(ms))
	return encodeID(b)
}
