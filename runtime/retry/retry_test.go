package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// fakeClock advances its time by exactly the requested wait, so Do never sleeps.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestPolicy_Wait(t *testing.T) {
	tests := []struct {
		name    string
		p       Policy
		attempt int
		want    time.Duration
	}{
		{"zero policy", Policy{}, 1, 0},
		{"attempt zero", Policy{Delay: time.Second}, 0, 0},
		{"constant", Policy{Delay: time.Second}, 3, time.Second},
		{"backoff one is constant", Policy{Delay: time.Second, Backoff: 1}, 4, time.Second},
		{"exponential", Policy{Delay: time.Second, Backoff: 2}, 4, 8 * time.Second},
		{"capped", Policy{Delay: time.Second, Backoff: 2, MaxDelay: 5 * time.Second}, 4, 5 * time.Second},
		{"huge exponent saturates then caps", Policy{Delay: time.Second, Backoff: 10, MaxDelay: time.Minute}, 400, time.Minute},
		{"huge exponent without cap stays positive", Policy{Delay: time.Second, Backoff: 10}, 400, time.Duration(1<<62 - 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.Wait(tt.attempt, nil)
			if tt.name == "huge exponent without cap stays positive" {
				if got <= 0 {
					t.Fatalf("Wait = %v, want positive", got)
				}
				return
			}
			if got != tt.want {
				t.Fatalf("Wait(%d) = %v, want %v", tt.attempt, got, tt.want)
			}
		})
	}
}

func TestPolicy_Wait_JitterStaysInBand(t *testing.T) {
	p := Policy{Delay: 10 * time.Second, Jitter: 0.2, MaxDelay: 11 * time.Second}
	rnd := rand.New(rand.NewPCG(1, 2))
	var seenLow bool
	for range 1000 {
		w := p.Wait(1, rnd)
		if w < 8*time.Second || w > 11*time.Second {
			t.Fatalf("Wait = %v, want within [8s, 11s]", w)
		}
		if w < 9*time.Second {
			seenLow = true
		}
	}
	if !seenLow {
		t.Fatal("jitter never went below the base delay")
	}
}

func TestPolicy_Validate(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		ok   bool
	}{
		{"zero", Policy{}, true},
		{"full", Policy{Count: 3, Delay: time.Second, Backoff: 2, MaxDelay: time.Minute, Jitter: 0.1}, true},
		{"negative count", Policy{Count: -1}, false},
		{"negative delay", Policy{Delay: -time.Second}, false},
		{"jitter above one", Policy{Jitter: 1.5}, false},
		{"negative backoff", Policy{Backoff: -2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidPolicy) {
				t.Fatalf("error %v does not wrap ErrInvalidPolicy", err)
			}
		})
	}
}

func TestDo_AttemptTimes(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		p         Policy
		failUntil int // attempts 1..failUntil fail
		work      time.Duration
		wantStart []time.Duration // offsets from t0
		wantErr   error
	}{
		{"succeeds first time", Policy{Count: 3, Delay: time.Second}, 0, 0, []time.Duration{0}, nil},
		{"no retries", Policy{}, 5, 0, []time.Duration{0}, ErrExhausted},
		{"constant delay", Policy{Count: 2, Delay: time.Second}, 1, 0, []time.Duration{0, time.Second}, nil},
		{
			"exponential with cap, exhausted", Policy{Count: 4, Delay: time.Second, Backoff: 3, MaxDelay: 5 * time.Second}, 99, 0,
			// waits 1s, 3s, 5s (capped from 9s), 5s
			[]time.Duration{0, 1 * time.Second, 4 * time.Second, 9 * time.Second, 14 * time.Second}, ErrExhausted,
		},
		{
			"work time counts before the wait", Policy{Count: 2, Delay: time.Second, Backoff: 2}, 2, 500 * time.Millisecond,
			[]time.Duration{0, 1500 * time.Millisecond, 4 * time.Second}, nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: t0}
			attempts, err := Do(t.Context(), clock, tt.p, func(ctx context.Context, n int) error {
				clock.now = clock.now.Add(tt.work)
				if n <= tt.failUntil {
					return boom
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil && !errors.Is(err, boom) {
				t.Fatalf("err = %v does not wrap the last error", err)
			}
			if len(attempts) != len(tt.wantStart) {
				t.Fatalf("got %d attempts, want %d", len(attempts), len(tt.wantStart))
			}
			for i, a := range attempts {
				if got := a.Start.Sub(t0); got != tt.wantStart[i] {
					t.Errorf("attempt %d started at +%v, want +%v", i+1, got, tt.wantStart[i])
				}
				if a.N != i+1 || a.End.Sub(a.Start) != tt.work {
					t.Errorf("attempt %d = %+v", i+1, a)
				}
			}
		})
	}
}

func TestDo_JitterIsRepeatableWithFakeClock(t *testing.T) {
	p := Policy{Count: 3, Delay: time.Second, Backoff: 2, Jitter: 0.5}
	run := func() []time.Time {
		clock := &fakeClock{now: t0}
		attempts, _ := Do(t.Context(), clock, p, func(context.Context, int) error { return errors.New("x") })
		var out []time.Time
		for _, a := range attempts {
			out = append(out, a.Start)
		}
		return out
	}
	a, b := run(), run()
	for i := range a {
		if !a[i].Equal(b[i]) {
			t.Fatalf("attempt %d: %v vs %v", i, a[i], b[i])
		}
	}
	// 1s±50%, 2s±50%, 4s±50% → total between 3.5s and 10.5s
	if total := a[3].Sub(t0); total < 3500*time.Millisecond || total > 10500*time.Millisecond {
		t.Fatalf("total wait %v out of the jitter band", total)
	}
}

func TestDo_StopsEarly(t *testing.T) {
	tests := []struct {
		name    string
		fn      func(cancel context.CancelFunc) error
		wantN   int
		wantErr func(error) bool
	}{
		{"permanent error", func(context.CancelFunc) error { return Permanent(errors.New("bad config")) }, 1, IsPermanent},
		{"context cancelled", func(cancel context.CancelFunc) error { cancel(); return errors.New("x") }, 1,
			func(err error) bool { return err != nil && !errors.Is(err, ErrExhausted) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			attempts, err := Do(ctx, &fakeClock{now: t0}, Policy{Count: 5, Delay: time.Second}, func(context.Context, int) error { return tt.fn(cancel) })
			if len(attempts) != tt.wantN || !tt.wantErr(err) {
				t.Fatalf("attempts=%d err=%v", len(attempts), err)
			}
		})
	}
}
