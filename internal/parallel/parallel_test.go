package parallel

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

func TestFor_RunsEveryIndexOnceAndReturnsLowestError(t *testing.T) {
	for _, workers := range []int{0, 1, 2, 5} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			var seen [100]atomic.Int32
			err := For(len(seen), workers, func(i int) error { seen[i].Add(1); return nil })
			if err != nil {
				t.Fatal(err)
			}
			for i := range seen {
				if n := seen[i].Load(); n != 1 {
					t.Fatalf("index %d ran %d times", i, n)
				}
			}
			err = For(10, workers, func(i int) error {
				if i == 3 || i == 7 {
					return fmt.Errorf("index %d", i)
				}
				return nil
			})
			if err == nil || err.Error() != "index 3" {
				t.Fatalf("err %v, want index 3", err)
			}
		})
	}
	if err := For(0, 2, func(int) error { return errors.New("called") }); err != nil {
		t.Fatal(err)
	}
}

func TestWorkers(t *testing.T) {
	if Workers(Threshold-1) != 1 || Workers(Threshold) != 2 {
		t.Fatalf("Workers: %d below the threshold, %d at it", Workers(Threshold-1), Workers(Threshold))
	}
}
