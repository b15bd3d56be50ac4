package search

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/golemlabs/golem/blocks"
)

// Algorithms.
const (
	Random = "random" // independent draws from the space
	TPE    = "tpe"    // Tree-structured Parzen Estimator (hyperopt's algorithm), after Startup random trials
)

// Pruners: how a search stops weak trials early from the points they log at steps
// (ctx.LogMetricStep of the search's Metric).
const (
	NoPruning = ""
	Median    = "median"  // stop a trial whose best value so far is worse than the median of finished trials at that step
	Halving   = "halving" // asynchronous successive halving: at steps MinSteps·Eta^k keep only the best 1/Eta
)

// Options configure a search.
type Options struct {
	Space     []Param
	Trials    int    // how many trials; default 20
	Parallel  int    // trials at once, each in a worker process; default 1
	Algorithm string // TPE (default) or Random
	Seed      int64  // the same seed, space and options give the same trials (see Run)
	// Metric names the value the trial function returns; it is logged on each trial under this
	// name, and its stepped points drive pruning. Default "objective".
	Metric   string
	Maximize bool   // default: minimise
	Entry    string // the block's trial function; default "Trial"
	// Startup is how many random trials TPE runs before it models the space; default Trials/4,
	// at least 3.
	Startup int
	Pruner  string // NoPruning (default), Median or Halving
	// MinSteps is the step before which no trial is pruned (Median) or the first rung (Halving);
	// default 10. Eta is Halving's reduction factor; default 3.
	MinSteps int
	Eta      int
	// MinFinished is how many trials must have finished before Median prunes; default 5.
	MinFinished int
}

// Trial is one finished trial.
type Trial struct {
	Number   int                `json:"number"`
	Params   map[string]any     `json:"params"`
	Value    float64            `json:"value"`
	Status   string             `json:"status"` // succeeded, failed, pruned
	Metrics  map[string]float64 `json:"metrics,omitempty"`
	Duration time.Duration      `json:"duration_ns"`
	Err      string             `json:"error,omitempty"`
}

// Result is a finished search: its best trial and all of them, by number.
type Result struct {
	Best   Trial
	Trials []Trial
}

// Float returns the best trial's parameter name as a float64 (0 when it has none).
func (r *Result) Float(name string) float64 {
	switch v := r.Best.Params[name].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	}
	return 0
}

// Int returns the best trial's parameter name as an int (0 when it has none).
func (r *Result) Int(name string) int {
	switch v := r.Best.Params[name].(type) {
	case int:
		return v
	case float64:
		return int(math.Round(v))
	}
	return 0
}

// String returns the best trial's parameter name as a string.
func (r *Result) String(name string) string {
	if v, ok := r.Best.Params[name]; ok {
		return format(v)
	}
	return ""
}

// ErrNoTrial reports a search none of whose trials succeeded.
var ErrNoTrial = errors.New("search: no trial succeeded")

func (o *Options) defaults() error {
	if o.Trials <= 0 {
		o.Trials = 20
	}
	if o.Parallel <= 0 {
		o.Parallel = 1
	}
	if o.Algorithm == "" {
		o.Algorithm = TPE
	}
	if o.Metric == "" {
		o.Metric = "objective"
	}
	if o.Entry == "" {
		o.Entry = "Trial"
	}
	if o.Startup <= 0 {
		o.Startup = max(3, o.Trials/4)
	}
	if o.MinSteps <= 0 {
		o.MinSteps = 10
	}
	if o.Eta <= 1 {
		o.Eta = 3
	}
	if o.MinFinished <= 0 {
		o.MinFinished = 5
	}
	if o.Algorithm != TPE && o.Algorithm != Random {
		return fmt.Errorf("search: algorithm %q: want %q or %q", o.Algorithm, TPE, Random)
	}
	if o.Pruner != NoPruning && o.Pruner != Median && o.Pruner != Halving {
		return fmt.Errorf("search: pruner %q: want %q, %q or none", o.Pruner, Median, Halving)
	}
	if len(o.Space) == 0 {
		return fmt.Errorf("search: the space has no parameters")
	}
	seen := map[string]bool{}
	for _, p := range o.Space {
		if err := p.check(); err != nil {
			return err
		}
		if seen[p.Name] {
			return fmt.Errorf("search: parameter %q appears twice", p.Name)
		}
		seen[p.Name] = true
	}
	return nil
}

// Run searches the space: each trial runs the block's trial function (Options.Entry, default
// Trial) in a worker process of its own, with the same inputs as the block and the trial's
// parameters as variables (ctx.Float("learning_rate", ...) reads them; ctx.TrialParams has them as
// values). The function returns the value to minimise (or maximise) and may log a curve of it
// with ctx.LogMetricStep(Metric, step, v), which the pruner watches. Every trial is an entry of
// the run, whose parent is the block's entry, with its parameters, metrics and status.
//
// With a seed, trial n always gets the same parameters for the same results so far: TPE's trial
// n sees exactly the trials up to n-Parallel (it waits for them), so a search with the same
// Parallel is reproducible, and a random search is reproducible with any Parallel. Which trials a
// pruner stops can depend on timing when Parallel > 1.
func Run(ctx *blocks.Context, o Options) (*Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	ctx.LogParams(map[string]any{"search.algorithm": o.Algorithm, "search.trials": o.Trials, "search.seed": o.Seed,
		"search.parallel": o.Parallel, "search.pruner": o.Pruner, "search.metric": o.Metric})
	res, err := run(o, func(req blocks.TrialRequest, params map[string]any) blocks.TrialResult {
		ctx.LogTrial(req.Number, "running", params, nil)
		out := ctx.RunTrial(req)
		m := map[string]float64{}
		for k, v := range out.Metrics {
			m[k] = v
		}
		if out.Status == "succeeded" || out.Status == "pruned" {
			m[o.Metric] = out.Value
		}
		ctx.LogTrial(req.Number, out.Status, nil, m)
		return out
	}, ctx.Logf, ctx.Err)
	if err != nil {
		return res, err
	}
	best := res.Best
	ctx.LogMetric("best_"+o.Metric, best.Value)
	ctx.LogParam("best_trial", best.Number)
	return res, nil
}

// run is the search loop; eval runs one trial.
func run(o Options, eval func(blocks.TrialRequest, map[string]any) blocks.TrialResult, logf func(string, ...any), cancelled func() error) (*Result, error) {
	s := &state{o: o, done: make([]bool, o.Trials+1), trials: make([]*Trial, o.Trials+1), curves: map[int]map[int]float64{}}
	s.cond = sync.NewCond(&s.mu)
	var wg sync.WaitGroup
	next := 1
	for range min(o.Parallel, o.Trials) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				s.mu.Lock()
				n := next
				next++
				if n > o.Trials || (cancelled != nil && cancelled() != nil) {
					s.mu.Unlock()
					return
				}
				x := s.suggest(n)
				s.mu.Unlock()
				params := map[string]any{}
				vars := map[string]string{}
				for d, p := range o.Space {
					params[p.Name] = p.value(x[d])
					vars[p.Name] = format(params[p.Name])
				}
				start := time.Now()
				out := eval(blocks.TrialRequest{Number: n, Entry: o.Entry, Params: vars, Values: params,
					OnStep: func(metric string, step int, v float64) bool { return s.report(n, metric, step, v) }}, params)
				t := &Trial{Number: n, Params: params, Value: out.Value, Status: out.Status, Metrics: out.Metrics, Duration: time.Since(start)}
				if out.Err != nil {
					t.Err = out.Err.Error()
				}
				if logf != nil {
					logf("%s", describe(t, o.Metric))
				}
				s.mu.Lock()
				s.coords(n, x)
				s.trials[n], s.done[n] = t, true
				s.cond.Broadcast()
				s.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res := &Result{}
	bestSet := false
	for _, t := range s.trials[1:] {
		if t == nil {
			continue
		}
		res.Trials = append(res.Trials, *t)
		if t.Status == "succeeded" && (!bestSet || s.better(t.Value, res.Best.Value)) {
			res.Best, bestSet = *t, true
		}
	}
	if cancelled != nil {
		if err := cancelled(); err != nil {
			return res, err
		}
	}
	if !bestSet {
		first := ""
		for _, t := range res.Trials {
			if t.Err != "" {
				first = ": trial " + strconv.Itoa(t.Number) + ": " + t.Err
				break
			}
		}
		return res, fmt.Errorf("%w (%d trials)%s", ErrNoTrial, len(res.Trials), first)
	}
	if logf != nil {
		logf("best: trial %d, %s %.6g, %s", res.Best.Number, o.Metric, res.Best.Value, paramString(res.Best.Params, o.Space))
	}
	return res, nil
}

func describe(t *Trial, metric string) string {
	switch t.Status {
	case "succeeded":
		return fmt.Sprintf("trial %d: %s %.6g (%s)", t.Number, metric, t.Value, t.Duration.Round(time.Millisecond))
	case "pruned":
		return fmt.Sprintf("trial %d: pruned at %s %.6g (%s)", t.Number, metric, t.Value, t.Duration.Round(time.Millisecond))
	}
	return fmt.Sprintf("trial %d: %s: %s", t.Number, t.Status, t.Err)
}

func paramString(params map[string]any, space []Param) string {
	s := ""
	for i, p := range space {
		if i > 0 {
			s += ", "
		}
		v := params[p.Name]
		if f, ok := v.(float64); ok {
			s += fmt.Sprintf("%s=%.4g", p.Name, f)
		} else {
			s += fmt.Sprintf("%s=%v", p.Name, v)
		}
	}
	return s
}

// state is a running search; mu guards everything.
type state struct {
	o      Options
	mu     sync.Mutex
	cond   *sync.Cond
	done   []bool
	trials []*Trial
	xs     map[int][]float64
	curves map[int]map[int]float64 // trial → step → best value so far (as a loss) of the metric
	rungs  map[int][]float64       // Halving: step → losses of trials that reached it
}

func (s *state) coords(n int, x []float64) {
	if s.xs == nil {
		s.xs = map[int][]float64{}
	}
	s.xs[n] = x
}

func (s *state) better(a, b float64) bool {
	if s.o.Maximize {
		return a > b
	}
	return a < b
}

func (s *state) loss(v float64) float64 {
	if s.o.Maximize {
		return -v
	}
	return v
}

// suggest returns the internal coordinates of trial n; the caller holds mu. TPE's trial n waits
// until trials 1..n-Parallel are done and sees only those, so the suggestion does not depend on
// which of the trials in flight finish first.
func (s *state) suggest(n int) []float64 {
	rng := rand.New(rand.NewPCG(uint64(s.o.Seed), uint64(n)))
	if s.o.Algorithm == Random || n <= s.o.Startup {
		return s.prior(rng)
	}
	upto := n - s.o.Parallel
	for i := 1; i <= upto; i++ {
		for !s.done[i] {
			s.cond.Wait()
		}
	}
	var obs []observation
	for i := 1; i <= upto; i++ {
		t := s.trials[i]
		if t.Status != "succeeded" && t.Status != "pruned" {
			continue
		}
		obs = append(obs, observation{x: s.xs[i], loss: s.loss(t.Value)})
	}
	if len(obs) < 2 {
		return s.prior(rng)
	}
	return tpeSuggest(s.o.Space, obs, rng)
}

func (s *state) prior(rng *rand.Rand) []float64 {
	x := make([]float64, len(s.o.Space))
	for d, p := range s.o.Space {
		x[d] = p.sample(rng)
	}
	return x
}

// report takes a stepped point of trial n and says whether to stop it.
func (s *state) report(n int, metric string, step int, v float64) bool {
	if metric != s.o.Metric || s.o.Pruner == NoPruning {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.curves[n]
	if c == nil {
		c = map[int]float64{}
		s.curves[n] = c
	}
	l := s.loss(v)
	best := l
	for st, prev := range c {
		if st <= step && prev < best {
			best = prev
		}
	}
	c[step] = best
	if step < s.o.MinSteps {
		return false
	}
	switch s.o.Pruner {
	case Median:
		var others []float64
		for i, t := range s.trials {
			if t == nil || t.Status != "succeeded" || i == n {
				continue
			}
			if b, ok := bestUpTo(s.curves[i], step); ok {
				others = append(others, b)
			}
		}
		if len(others) < s.o.MinFinished {
			return false
		}
		sort.Float64s(others)
		med := others[len(others)/2]
		if len(others)%2 == 0 {
			med = (others[len(others)/2-1] + others[len(others)/2]) / 2
		}
		return best > med
	case Halving:
		rung := s.o.MinSteps
		for rung*s.o.Eta <= step {
			rung *= s.o.Eta
		}
		if step != rung {
			return false
		}
		if s.rungs == nil {
			s.rungs = map[int][]float64{}
		}
		s.rungs[rung] = append(s.rungs[rung], best)
		vals := append([]float64(nil), s.rungs[rung]...)
		sort.Float64s(vals)
		k := len(vals)/s.o.Eta - 1
		if k < 0 {
			k = 0
		}
		return best > vals[k]
	}
	return false
}

// bestUpTo returns the best loss of a curve at or before step.
func bestUpTo(c map[int]float64, step int) (float64, bool) {
	best, ok := math.Inf(1), false
	for st, v := range c {
		if st <= step && v < best {
			best, ok = v, true
		}
	}
	return best, ok
}
