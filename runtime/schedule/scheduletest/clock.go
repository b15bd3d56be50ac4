// Package scheduletest provides a fake Clock for tests of code that waits:
// time moves only when the test calls Advance.
package scheduletest

import (
	"sort"
	"sync"
	"time"

	"github.com/golemlabs/golem/runtime/schedule"
)

// Clock is a fake schedule.Clock (and retry.Clock). The zero value is not
// usable; call NewClock.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*timer
	changed chan struct{} // closed and replaced whenever the set of timers changes
}

// NewClock returns a Clock reading t.
func NewClock(t time.Time) *Clock {
	return &Clock{now: t, changed: make(chan struct{})}
}

type timer struct {
	c     *Clock
	at    time.Time
	ch    chan time.Time
	fired bool
}

func (t *timer) C() <-chan time.Time { return t.ch }

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	for i, x := range t.c.timers {
		if x == t {
			t.c.timers = append(t.c.timers[:i], t.c.timers[i+1:]...)
			t.c.notify()
			return true
		}
	}
	return false
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when Advance passes now+d.
func (c *Clock) NewTimer(d time.Duration) schedule.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		t.fired = true
		return t
	}
	c.timers = append(c.timers, t)
	c.notify()
	return t
}

// After is NewTimer(d).C(), for retry.Clock.
func (c *Clock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }

func (c *Clock) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Advance moves the time forward by d, firing due timers in order.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves the time to t (which may be in the past), firing due timers.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if !tm.at.After(t) {
			tm.ch <- tm.at
			tm.fired = true
			continue
		}
		kept = append(kept, tm)
	}
	c.timers = kept
	c.notify()
}

// Timers returns the number of pending timers.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// WaitTimers blocks until exactly n timers are pending (without sleeping:
// it wakes whenever timers change) and returns the earliest deadline.
func (c *Clock) WaitTimers(n int) time.Time {
	for {
		c.mu.Lock()
		if len(c.timers) == n {
			var first time.Time
			for _, t := range c.timers {
				if first.IsZero() || t.at.Before(first) {
					first = t.at
				}
			}
			c.mu.Unlock()
			return first
		}
		ch := c.changed
		c.mu.Unlock()
		<-ch
	}
}
