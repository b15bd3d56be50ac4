// Package retry computes the waits between attempts of a failing block or
// webhook and runs a function under such a policy.
//
// A Policy says how many times to retry (Count), how long to wait before the
// first retry (Delay), how the wait grows (Backoff, a multiplier), the cap on
// any single wait (MaxDelay) and how much random spread to add (Jitter, a
// fraction). Do runs a function until it succeeds, the attempts run out, the
// error is Permanent, or the context ends; it takes a Clock so tests can
// check the attempt times without sleeping.
package retry
