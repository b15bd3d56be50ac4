// Package schedule reads a pipeline's triggers (pipelines/<name>/triggers.yaml,
// the only source of truth for schedules) and fires them.
//
// A trigger is a cron expression (5 fields or @daily and friends) in an IANA
// time zone, a fixed interval, or a single time. Next computes fire times as
// a pure function. Cron times follow the wall clock of the trigger's zone:
// a time skipped by a daylight-saving jump (02:30 on the spring-forward day)
// fires once, shifted forward by the jump (03:30); a time that occurs twice
// when clocks go back fires once, at its first occurrence. Expressions whose
// hour field is '*' run by the clock instead: they simply have no fires in
// the skipped hour and fire in both copies of the repeated one. robfig/cron
// parses the expressions; its own Next is not used because it skips the
// spring-forward day and fires twice on the fall-back day.
//
// The Scheduler runs the triggers of a project with an injectable Clock, a
// Launch callback and an optional hook onto runs started elsewhere, applying
// each trigger's overlap policy (skip, queue, cancel) and, for fire times
// missed while nothing was running, its catch-up policy (none, latest, all,
// bounded by a window and a cap) computed from the last fire time kept in a
// FireStore (history.Store is one).
package schedule
