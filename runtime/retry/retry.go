package retry

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Policy describes how often and how patiently a failing operation is retried.
// The zero Policy runs the operation once.
type Policy struct {
	// Count is the number of retries after the first attempt.
	Count int `yaml:"count" json:"count"`
	// Delay is the wait before the first retry.
	Delay time.Duration `yaml:"delay" json:"delay"`
	// Backoff multiplies the wait after every retry; 0 and 1 keep it constant.
	Backoff float64 `yaml:"backoff" json:"backoff"`
	// MaxDelay caps every single wait, jitter included; 0 means no cap.
	MaxDelay time.Duration `yaml:"max_delay" json:"max_delay"`
	// Jitter spreads each wait uniformly over [w·(1−Jitter), w·(1+Jitter)]; 0 to 1.
	Jitter float64 `yaml:"jitter" json:"jitter"`
}

// Validate reports fields out of range, wrapped in ErrInvalidPolicy.
func (p Policy) Validate() error {
	var errs []error
	if p.Count < 0 {
		errs = append(errs, fmt.Errorf("count %d is negative", p.Count))
	}
	if p.Delay < 0 {
		errs = append(errs, fmt.Errorf("delay %s is negative", p.Delay))
	}
	if p.Backoff < 0 || math.IsNaN(p.Backoff) || math.IsInf(p.Backoff, 0) {
		errs = append(errs, fmt.Errorf("backoff %v must be a finite number >= 0", p.Backoff))
	}
	if p.MaxDelay < 0 {
		errs = append(errs, fmt.Errorf("max_delay %s is negative", p.MaxDelay))
	}
	if p.Jitter < 0 || p.Jitter > 1 || math.IsNaN(p.Jitter) {
		errs = append(errs, fmt.Errorf("jitter %v must be between 0 and 1", p.Jitter))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalidPolicy, errors.Join(errs...))
	}
	return nil
}

// Wait returns how long to wait before retry number attempt (1 is the first
// retry, i.e. the second attempt): Delay·Backoff^(attempt−1), spread by Jitter
// using rnd (nil means no jitter), then capped at MaxDelay. It returns 0 for
// attempt < 1. (It is not called Delay because Go forbids a method and a
// field of the same name.)
func (p Policy) Wait(attempt int, rnd *rand.Rand) time.Duration {
	if attempt < 1 || p.Delay <= 0 {
		return 0
	}
	w := float64(p.Delay)
	if p.Backoff > 0 && p.Backoff != 1 {
		w *= math.Pow(p.Backoff, float64(attempt-1))
	}
	if p.Jitter > 0 && rnd != nil {
		w *= 1 + p.Jitter*(2*rnd.Float64()-1)
	}
	const maxWait = float64(math.MaxInt64 / 2)
	if math.IsInf(w, 0) || math.IsNaN(w) || w > maxWait {
		w = maxWait
	}
	d := time.Duration(w)
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	return max(d, 0)
}

// Clock is the time source Do waits on; Real is the wall clock.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// Real is the Clock backed by package time.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Attempt records one call of the function passed to Do.
type Attempt struct {
	N     int // 1-based
	Start time.Time
	End   time.Time
	Err   error
}

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying: Do returns it at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Do calls fn until it returns nil, returns a Permanent error, the policy's
// retries are used up or ctx ends, waiting p.Wait(n) on clock between calls.
// It returns every attempt made. Jitter draws from a generator seeded with
// the clock's start time, so a fake clock gives repeatable waits. When all
// attempts fail the error wraps both ErrExhausted and the last error.
func Do(ctx context.Context, clock Clock, p Policy, fn func(ctx context.Context, attempt int) error) ([]Attempt, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if clock == nil {
		clock = Real{}
	}
	start := clock.Now()
	rnd := rand.New(rand.NewPCG(uint64(start.UnixNano()), 0x9e3779b97f4a7c15))
	var attempts []Attempt
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return attempts, err
		}
		a := Attempt{N: n, Start: clock.Now()}
		err := fn(ctx, n)
		a.End, a.Err = clock.Now(), err
		attempts = append(attempts, a)
		switch {
		case err == nil:
			return attempts, nil
		case IsPermanent(err):
			return attempts, err
		case ctx.Err() != nil:
			return attempts, err
		case n > p.Count:
			return attempts, fmt.Errorf("%w after %d attempts: %w", ErrExhausted, n, err)
		}
		if w := p.Wait(n, rnd); w > 0 {
			select {
			case <-ctx.Done():
				return attempts, ctx.Err()
			case <-clock.After(w):
			}
		}
	}
}
