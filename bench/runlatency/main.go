// Command runlatency measures how long a one-block run takes from the API trigger's POST to its
// recorded end, for one golem binary or two side by side (a baseline, such as the previous
// release, against the current build), in one go so that both see the same machine. With
// -workers N it measures the cluster path too — golem start --nats-listen with N golem worker
// processes — against the local path of the same binary; -parallel keeps that many runs in
// flight and reports runs per second.
//
// For each binary it scaffolds a project with a no-op one-block pipeline, starts `golem start` on
// a free port with an API token, sends -warmup runs and then -n runs one after another, each
// waiting for the previous to end, and reads each run's recorded end from `golem runs --json`:
// the latency of a run is its recorded end minus the moment before its POST.
//
//	go run ./bench/runlatency -golem bin/golem [-baseline /path/to/old/golem] [-n 40] [-gap 200ms]
//	go run ./bench/runlatency -golem bin/golem -workers 2 -n 1000 -parallel 16
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "runlatency:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("runlatency", flag.ContinueOnError)
	golem := fs.String("golem", "bin/golem", "the golem binary to measure")
	baseline := fs.String("baseline", "", "a second golem binary to measure beside it")
	n := fs.Int("n", 40, "runs measured per binary")
	warmup := fs.Int("warmup", 5, "runs sent first and not measured")
	gap := fs.Duration("gap", 0, "pause between the end of a run and the next POST")
	workers := fs.Int("workers", 0, "also measure the cluster path with this many golem worker processes")
	parallel := fs.Int("parallel", 1, "runs in flight at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bins := []string{*golem}
	if *baseline != "" {
		bins = append(bins, *baseline)
	}
	type setup struct {
		name    string
		bin     string
		workers int
	}
	var setups []setup
	for _, b := range bins {
		setups = append(setups, setup{b + " (local)", b, 0})
	}
	if *workers > 0 {
		setups = append(setups, setup{fmt.Sprintf("%s (cluster, %d workers)", *golem, *workers), *golem, *workers})
	}
	medians := map[string]time.Duration{}
	for _, st := range setups {
		begin := time.Now()
		lat, err := measure(st.bin, *n, *warmup, *gap, st.workers, max(*parallel, 1))
		if err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		wall := time.Since(begin)
		slices.Sort(lat)
		med := lat[len(lat)/2]
		medians[st.name] = med
		fmt.Fprintf(out, "%-44s POST → recorded end over %d runs: min %s  median %s  p90 %s  p99 %s  max %s",
			st.name, len(lat), ms(lat[0]), ms(med), ms(lat[len(lat)*9/10]), ms(lat[len(lat)*99/100]), ms(lat[len(lat)-1]))
		if *parallel > 1 {
			fmt.Fprintf(out, "  (%.1f runs/s with %d in flight, warm-up included)", float64(*n+*warmup)/wall.Seconds(), *parallel)
		}
		fmt.Fprintln(out)
	}
	if *baseline != "" {
		fmt.Fprintf(out, "median ratio %s / %s: %.2f\n", *golem, *baseline, float64(medians[setups[0].name])/float64(medians[setups[1].name]))
	}
	if *workers > 0 {
		fmt.Fprintf(out, "median ratio cluster / local: %.2f\n", float64(medians[setups[len(setups)-1].name])/float64(medians[setups[0].name]))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// measure returns the latencies of n runs of a one-block pipeline through bin's API trigger.
func measure(bin string, n, warmup int, gap time.Duration, workers, parallel int) ([]time.Duration, error) {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "runlatency-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	if out, err := exec.Command(bin, "init", dir).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("init: %v: %s", err, out)
	}
	const token = "bench-token"
	files := map[string]string{
		"golem.yaml":                  "name: bench\nsettings:\n  keep_runs: 100000\n  api_token: " + token + "\n",
		"pipelines/one/pipeline.yaml": "name: one\nblocks:\n  - {name: noop, kind: data_loader, file: data_loaders/noop.go, upstream: []}\n",
		"data_loaders/noop.go":        "package noop\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n",
	}
	for rel, content := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	args := []string{"start", dir, "--port", "0"}
	if workers > 0 {
		args = append(args, "--nats-listen", "127.0.0.1:0")
	}
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	base, natsURL := "", ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "nats://"); i >= 0 && natsURL == "" {
			natsURL = strings.Fields(line[i:])[0]
		}
		if strings.HasPrefix(line, "http://") {
			base = strings.TrimRight(strings.SplitN(line, "?", 2)[0], "/")
			break
		}
	}
	if base == "" {
		return nil, errors.New("golem start printed no URL")
	}
	go io.Copy(io.Discard, stdout)
	for i := range workers {
		wdir, err := os.MkdirTemp("", "runlatency-worker-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(wdir)
		w := exec.Command(bin, "worker", "--nats", natsURL, "--name", fmt.Sprintf("w%d", i+1), "--slots", "2", "--dir", wdir)
		w.Dir = wdir
		if err := w.Start(); err != nil {
			return nil, err
		}
		defer func() {
			_ = w.Process.Signal(os.Interrupt)
			_ = w.Wait()
		}()
	}

	sent := map[string]time.Time{}
	var order []string
	var mu sync.Mutex
	var firstErr error
	next := make(chan int)
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				time.Sleep(gap)
				t0 := time.Now()
				id, err := post(base, token)
				if err == nil {
					err = waitEnd(base, id)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil && i >= warmup {
					sent[id] = t0
					order = append(order, id)
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < warmup+n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	out, err := exec.Command(bin, "runs", dir, "--json", "--limit", fmt.Sprint(warmup+n+10)).Output()
	if err != nil {
		return nil, fmt.Errorf("golem runs: %w", err)
	}
	var runs []struct {
		ID      string    `json:"id"`
		Status  string    `json:"status"`
		Error   string    `json:"error"`
		EndedAt time.Time `json:"ended_at"`
	}
	if err := json.Unmarshal(out, &runs); err != nil {
		return nil, err
	}
	var lat []time.Duration
	for _, r := range runs {
		if t0, ok := sent[r.ID]; ok {
			if r.Status != "succeeded" {
				return nil, fmt.Errorf("run %s %s: %s", r.ID, r.Status, r.Error)
			}
			lat = append(lat, r.EndedAt.Sub(t0))
		}
	}
	if len(lat) != len(order) {
		return nil, fmt.Errorf("%d of %d runs in the history", len(lat), len(order))
	}
	return lat, nil
}

func post(base, token string) (string, error) {
	req, _ := http.NewRequest("POST", base+"/api/pipelines/one/runs", bytes.NewReader([]byte(`{"mode":"pipeline"}`)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var r struct {
		RunID string `json:"run_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != http.StatusAccepted {
		return "", fmt.Errorf("POST: %s %v", resp.Status, err)
	}
	return r.RunID, nil
}

// waitEnd polls the run until it has ended.
func waitEnd(base, id string) error {
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("GET", base+"/api/runs/"+id, nil)
		req.Header.Set("Origin", base)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		var r struct {
			Status string `json:"status"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		switch r.Status {
		case "succeeded", "failed", "cancelled", "crashed", "skipped":
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("run %s did not end", id)
}
