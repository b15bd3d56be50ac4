// Package parallel runs indexed work on a few goroutines: the one worker pool
// of the frame operations and of the parquet codec (the target machine has two
// cores, so a pool of two is the common case).
package parallel

import "sync"

// Threshold is the row count above which frame-wide work (one task per column)
// is worth splitting over two goroutines.
const Threshold = 1 << 15

// Workers returns the number of goroutines for one task per column over rows
// rows: 2 for big inputs, 1 below Threshold.
func Workers(rows int) int {
	if rows < Threshold {
		return 1
	}
	return 2
}

// For calls fn(i) for every i in [0, n) on up to workers goroutines, each
// taking the next index as it finishes one, and returns the error of the
// lowest index that failed. With one worker the calls run in order on the
// calling goroutine and stop at the first error; with more, every index runs.
func For(n, workers int, fn func(i int) error) error {
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				errs[i] = fn(i)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
