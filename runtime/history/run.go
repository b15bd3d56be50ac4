package history

import (
	"fmt"
	"strings"
	"time"
)

// Status is the state of a run or of a block within a run.
type Status string

// The states of runs and blocks.
const (
	Queued    Status = "queued"
	Running   Status = "running"
	Retrying  Status = "retrying"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	Cancelled Status = "cancelled"
	Crashed   Status = "crashed"
	Skipped   Status = "skipped"
	Cached    Status = "cached"
)

// Statuses lists every valid Status.
var Statuses = []Status{Queued, Running, Retrying, Succeeded, Failed, Cancelled, Crashed, Skipped, Cached}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Terminal reports whether s is final: nothing more will happen to the run or block.
func (s Status) Terminal() bool {
	switch s {
	case Succeeded, Failed, Cancelled, Crashed, Skipped, Cached:
		return true
	}
	return false
}

// Triggers of runs that are not schedule: or retry: ones.
const (
	TriggerManual = "manual" // started from the editor
	TriggerEditor = "editor" // synonym of manual used by the runtime contract
	TriggerCLI    = "cli"    // golem run
	TriggerAPI    = "api"    // the API trigger endpoint
)

// ScheduleTrigger returns the Trigger value of a run started by the named schedule.
func ScheduleTrigger(name string) string { return "schedule:" + name }

// RetryTrigger returns the Trigger value of a run that retries run id.
func RetryTrigger(id string) string { return "retry:" + id }

// BackfillTrigger returns the Trigger value of the runs of backfill group: they share it.
func BackfillTrigger(group string) string { return "backfill:" + group }

// ValidateTrigger checks that trigger is manual, editor, cli, api,
// schedule:<name> or retry:<runid>.
func ValidateTrigger(trigger string) error {
	switch trigger {
	case TriggerManual, TriggerEditor, TriggerCLI, TriggerAPI:
		return nil
	}
	if name, ok := strings.CutPrefix(trigger, "schedule:"); ok && name != "" {
		return nil
	}
	if id, ok := strings.CutPrefix(trigger, "retry:"); ok && ValidID(id) {
		return nil
	}
	if group, ok := strings.CutPrefix(trigger, "backfill:"); ok && group != "" && !strings.ContainsAny(group, "\x00/") {
		return nil
	}
	return fmt.Errorf("%w: %q (want manual, cli, api, schedule:<name> or retry:<runid>)", ErrInvalidTrigger, trigger)
}

// PipelineRun is one run of a pipeline as recorded in the history.
type PipelineRun struct {
	ID       string            `json:"id"`
	Pipeline string            `json:"pipeline"`
	Trigger  string            `json:"trigger"`
	Vars     map[string]string `json:"vars,omitempty"`
	Status   Status            `json:"status"`
	// ScheduledAt is the fire time of a scheduled run (the execution time blocks see).
	ScheduledAt time.Time  `json:"scheduled_at,omitzero"`
	QueuedAt    time.Time  `json:"queued_at"`
	StartedAt   time.Time  `json:"started_at,omitzero"`
	EndedAt     time.Time  `json:"ended_at,omitzero"`
	Error       string     `json:"error,omitempty"`
	PID         int        `json:"pid"`
	Host        string     `json:"host"`
	ProcStart   string     `json:"proc_start,omitempty"` // start marker of process PID, see ProcessStart
	Blocks      []BlockRun `json:"blocks,omitempty"`
	// Stderr holds the last lines (or the crash report) of the run's worker process when it died.
	Stderr []string `json:"stderr,omitempty"`
	// PeakRSS is the peak resident memory of the run's worker process in bytes, 0 when unknown.
	PeakRSS int64 `json:"peak_rss,omitempty"`
	// Workers are the cluster workers of the run's attempts, in order (empty for a local run).
	Workers []string `json:"workers,omitempty"`
}

// Duration is EndedAt − StartedAt, or 0 while the run has not ended.
func (r *PipelineRun) Duration() time.Duration {
	if r.StartedAt.IsZero() || r.EndedAt.IsZero() {
		return 0
	}
	return r.EndedAt.Sub(r.StartedAt)
}

// Block returns the named block of the run, adding it (queued) if missing.
func (r *PipelineRun) Block(name string) *BlockRun {
	for i := range r.Blocks {
		if r.Blocks[i].Name == name {
			return &r.Blocks[i]
		}
	}
	r.Blocks = append(r.Blocks, BlockRun{Name: name, Status: Queued})
	return &r.Blocks[len(r.Blocks)-1]
}

// FailedBlock returns the first failed or crashed block, or nil.
func (r *PipelineRun) FailedBlock() *BlockRun {
	for i := range r.Blocks {
		if s := r.Blocks[i].Status; s == Failed || s == Crashed {
			return &r.Blocks[i]
		}
	}
	return nil
}

// BlockRun is one block within a run.
type BlockRun struct {
	Name     string    `json:"name"`
	Status   Status    `json:"status"`
	Attempts []Attempt `json:"attempts,omitempty"`
	Rows     int       `json:"rows,omitempty"`
	Cols     int       `json:"cols,omitempty"`
	// OutputRef locates the block's saved output (e.g. a path under .golem/outputs).
	OutputRef string        `json:"output_ref,omitempty"`
	Duration  time.Duration `json:"duration,omitempty"`
}

// Attempt is one try of a block; a block with retries has several.
type Attempt struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end,omitzero"`
	Error string    `json:"error,omitempty"`
}

func (r *PipelineRun) validate() error {
	if err := validName("pipeline", r.Pipeline); err != nil {
		return err
	}
	if !ValidID(r.ID) {
		return fmt.Errorf("%w: %q", ErrInvalidID, r.ID)
	}
	if !r.Status.Valid() {
		return fmt.Errorf("%w: run %s: %q", ErrInvalidStatus, r.ID, r.Status)
	}
	for _, b := range r.Blocks {
		if !b.Status.Valid() {
			return fmt.Errorf("%w: run %s block %q: %q", ErrInvalidStatus, r.ID, b.Name, b.Status)
		}
	}
	return ValidateTrigger(r.Trigger)
}

// validName rejects names that are empty, contain NUL (the index separator)
// or could leave the logs directory.
func validName(what, name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "\x00/\\") {
		return fmt.Errorf("%w: %s %q", ErrInvalidName, what, name)
	}
	return nil
}
