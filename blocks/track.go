package blocks

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// RecordKind says what a Record logs.
type RecordKind string

// Record kinds.
const (
	RecordParam    RecordKind = "param"    // Name = Value (JSON)
	RecordMetric   RecordKind = "metric"   // Name = Number, at Step when Stepped
	RecordArtifact RecordKind = "artifact" // Name (the file's project path) stored as Hash
	RecordModel    RecordKind = "model"    // a new version of the registered model Name, stored as Hash
	RecordTrial    RecordKind = "trial"    // a trial of the block's search starts (Value: its parameters) or ends (Status)
)

// Record is one thing a block logs for experiment tracking: a parameter, a metric point, an
// artifact or a model. The runtime sends it to the supervisor, which stores it with the run's
// history as part of the entry of the run and block (and of the trial, for a search's trials).
type Record struct {
	Kind    RecordKind      `json:"kind"`
	Name    string          `json:"name,omitempty"`
	Value   json.RawMessage `json:"value,omitempty"`
	Number  float64         `json:"number,omitempty"`
	Step    int             `json:"step,omitempty"`
	Stepped bool            `json:"stepped,omitempty"`
	Hash    string          `json:"hash,omitempty"`
	Size    int64           `json:"size,omitempty"`
	// CodeHash identifies the block's code (its file and the utils packages it reaches), set by the
	// runtime on model records: a model's lineage.
	CodeHash string `json:"code_hash,omitempty"`
	// Trial is the number (from 1) of the search trial the record belongs to; 0 for the block itself.
	Trial  int       `json:"trial,omitempty"`
	Status string    `json:"status,omitempty"` // RecordTrial: running, succeeded, failed, pruned
	Time   time.Time `json:"time"`
}

// ModelVersion describes a registered model version that LoadModel resolved.
type ModelVersion struct {
	Name     string `json:"name"`
	Version  int    `json:"version"`
	Alias    string `json:"alias,omitempty"` // the alias the reference named, if any
	RunID    string `json:"run_id"`
	Pipeline string `json:"pipeline"`
	Block    string `json:"block"`
	Hash     string `json:"hash"` // the stored model's content address
}

// Tracker is what the runtime gives a Context for experiment tracking, the model registry and
// searches. A Context without one logs nothing and cannot load or register models.
type Tracker interface {
	// Record sends one record to the run's history.
	Record(r Record)
	// PutArtifact stores data content-addressed with the project's history and returns its hash.
	PutArtifact(data []byte) (string, error)
	// Model resolves a registry reference (name, name@alias, name/version) and reads the model.
	Model(ref string) (ModelVersion, []byte, error)
	// RunTrial runs one trial of a search of this block in a worker process of its own.
	RunTrial(t TrialRequest) TrialResult
}

// TrialRequest asks for one trial of a search: the block's function Entry, run with Params as
// variables, in a worker process of its own.
type TrialRequest struct {
	Number int               // from 1
	Entry  string            // the function of the block file to run, e.g. "Trial"
	Params map[string]string // variables of the trial (the sampled parameters, formatted)
	Values map[string]any    // the same parameters as values, for the trial's entry
	// OnStep receives each stepped point the trial logs; returning true stops the trial (pruned).
	OnStep func(metric string, step int, value float64) bool
}

// TrialResult is the outcome of a trial.
type TrialResult struct {
	Status  string             // succeeded, failed, pruned, cancelled
	Value   float64            // what the trial's function returned (or its last reported value when pruned)
	Metrics map[string]float64 // the last value of each metric it logged
	Err     error
}

func (c *Context) record(r Record) {
	if c.tracker == nil {
		return
	}
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	c.tracker.Record(r)
}

// LogParam records a parameter of this run's block, for the Experiments page and golem
// experiments: numbers, strings and bools are kept as they are, other values as JSON.
func (c *Context) LogParam(name string, value any) {
	b, err := json.Marshal(value)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprint(value))
	}
	c.record(Record{Kind: RecordParam, Name: name, Value: b})
}

// LogParams records several parameters (see LogParam), in name order.
func (c *Context) LogParams(params map[string]any) {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		c.LogParam(k, params[k])
	}
}

// LogMetric records the value of a metric of this run's block; logging it again replaces it.
// NaN and infinities are refused with a panic naming the metric, as they cannot be compared.
func (c *Context) LogMetric(name string, value float64) {
	checkFinite(name, value)
	c.record(Record{Kind: RecordMetric, Name: name, Number: value})
}

// LogMetricStep records the value of a metric at a step (an iteration, an epoch), for curves
// such as a boosted model's validation loss per round; the metric's value is its last point.
// In a search trial, the points of the search's metric drive the pruning of weak trials.
func (c *Context) LogMetricStep(name string, step int, value float64) {
	checkFinite(name, value)
	c.record(Record{Kind: RecordMetric, Name: name, Number: value, Step: step, Stepped: true})
}

func checkFinite(name string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		panic(fmt.Errorf("metric %q is %v: log finite values", name, v))
	}
}

// LogArtifact stores a copy of the file at path (relative to the project) with the run's history,
// content-addressed under .golem/artifacts, and records it on the block's entry.
func (c *Context) LogArtifact(path string) error {
	if c.tracker == nil {
		return nil
	}
	data, err := os.ReadFile(c.Path(path))
	if err != nil {
		return fmt.Errorf("log artifact: %w", err)
	}
	hash, err := c.tracker.PutArtifact(data)
	if err != nil {
		return fmt.Errorf("log artifact %s: %w", path, err)
	}
	name := path
	if rel, err := filepath.Rel(c.dir, c.Path(path)); err == nil && !filepath.IsAbs(path) {
		name = filepath.ToSlash(rel)
	}
	c.record(Record{Kind: RecordArtifact, Name: name, Hash: hash, Size: int64(len(data))})
	return nil
}

// LogModel registers model (any value that marshals to JSON, such as an *ml.Bundle) as a new
// version of the registered model name: the version gets the next number and keeps its lineage
// (this run, pipeline, block, the block's code hash, the run's variables and the block's
// parameters and metrics). ml.LoadModel(ctx, "name") then loads it.
func (c *Context) LogModel(name string, model any) error {
	if err := ValidModelName(name); err != nil {
		return err
	}
	if c.tracker == nil {
		return fmt.Errorf("log model %q: no model registry in this run", name)
	}
	data, err := json.Marshal(model)
	if err != nil {
		return fmt.Errorf("log model %q: %w", name, err)
	}
	hash, err := c.tracker.PutArtifact(data)
	if err != nil {
		return fmt.Errorf("log model %q: %w", name, err)
	}
	c.record(Record{Kind: RecordModel, Name: name, Hash: hash, Size: int64(len(data))})
	c.Logf("registered a new version of model %q", name)
	return nil
}

// ModelData resolves a registry reference — "name" (the latest version), "name@alias" or
// "name/3" — and returns the version and the stored model; ml.LoadModel decodes it.
func (c *Context) ModelData(ref string) (ModelVersion, []byte, error) {
	if c.tracker == nil {
		return ModelVersion{}, nil, fmt.Errorf("load model %q: no model registry in this run", ref)
	}
	return c.tracker.Model(ref)
}

// RunTrial runs one trial of a search in a worker process of its own; blocks/search calls it.
func (c *Context) RunTrial(t TrialRequest) TrialResult {
	if c.tracker == nil {
		return TrialResult{Status: "failed", Err: fmt.Errorf("trial %d: searches need a run (golem run or the editor)", t.Number)}
	}
	return c.tracker.RunTrial(t)
}

// LogTrial records that a trial of this block's search starts or ends; blocks/search calls it.
func (c *Context) LogTrial(number int, status string, params map[string]any, metrics map[string]float64) {
	var v json.RawMessage
	if params != nil {
		v, _ = json.Marshal(params)
	}
	c.record(Record{Kind: RecordTrial, Trial: number, Status: status, Value: v})
	for _, k := range sortedMetricNames(metrics) {
		c.record(Record{Kind: RecordMetric, Trial: number, Name: k, Number: metrics[k]})
	}
}

func sortedMetricNames(m map[string]float64) []string {
	names := make([]string, 0, len(m))
	for k, v := range m {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}

// TrialParams returns the parameters of the search trial this block runs as (nil outside a trial).
func (c *Context) TrialParams() map[string]any { return c.trialParams }

// ValidModelName checks a registered model's name: letters, digits, '-', '_' and '.', at most 100.
func ValidModelName(name string) error {
	if name == "" || len(name) > 100 {
		return fmt.Errorf("model name %q: 1 to 100 characters", name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("model name %q: only letters, digits, '-', '_' and '.'", name)
		}
	}
	return nil
}
