// Command runlatency measures how long a one-block run takes from the API trigger's POST to its
// recorded end, for one golem binary or two side by side (a baseline, such as the previous
// release, against the current build), in one go so that both see the same machine.
//
// For each binary it scaffolds a project with a no-op one-block pipeline, starts `golem start` on
// a free port with an API token, sends -warmup runs and then -n runs one after another, each
// waiting for the previous to end, and reads each run's recorded end from `golem runs --json`:
// the latency of a run is its recorded end minus the moment before its POST.
//
//	go run ./bench/runlatency -golem bin/golem [-baseline /path/to/old/golem] [-n 40] [-gap 200ms]
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	bins := []string{*golem}
	if *baseline != "" {
		bins = append(bins, *baseline)
	}
	medians := map[string]time.Duration{}
	for _, bin := range bins {
		lat, err := measure(bin, *n, *warmup, *gap)
		if err != nil {
			return fmt.Errorf("%s: %w", bin, err)
		}
		slices.Sort(lat)
		med := lat[len(lat)/2]
		medians[bin] = med
		fmt.Fprintf(out, "%-40s POST → recorded end over %d runs: min %s  median %s  p90 %s  max %s\n", bin, len(lat),
			ms(lat[0]), ms(med), ms(lat[len(lat)*9/10]), ms(lat[len(lat)-1]))
	}
	if *baseline != "" {
		fmt.Fprintf(out, "median ratio %s / %s: %.2f\n", *golem, *baseline, float64(medians[*golem])/float64(medians[*baseline]))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// measure returns the latencies of n runs of a one-block pipeline through bin's API trigger.
func measure(bin string, n, warmup int, gap time.Duration) ([]time.Duration, error) {
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
		"golem.yaml":                  "name: bench\nsettings:\n  api_token: " + token + "\n",
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
	cmd := exec.Command(bin, "start", dir, "--port", "0")
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
	base := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "http://") {
			base = strings.TrimRight(strings.SplitN(line, "?", 2)[0], "/")
			break
		}
	}
	if base == "" {
		return nil, errors.New("golem start printed no URL")
	}
	go io.Copy(io.Discard, stdout)

	sent := map[string]time.Time{}
	var order []string
	for i := 0; i < warmup+n; i++ {
		time.Sleep(gap)
		t0 := time.Now()
		id, err := post(base, token)
		if err != nil {
			return nil, err
		}
		if err := waitEnd(base, id); err != nil {
			return nil, err
		}
		if i >= warmup {
			sent[id] = t0
			order = append(order, id)
		}
	}
	out, err := exec.Command(bin, "runs", dir, "--json", "--limit", fmt.Sprint(warmup+n+10)).Output()
	if err != nil {
		return nil, fmt.Errorf("golem runs: %w", err)
	}
	var runs []struct {
		ID      string    `json:"id"`
		Status  string    `json:"status"`
		EndedAt time.Time `json:"ended_at"`
	}
	if err := json.Unmarshal(out, &runs); err != nil {
		return nil, err
	}
	var lat []time.Duration
	for _, r := range runs {
		if t0, ok := sent[r.ID]; ok {
			if r.Status != "succeeded" {
				return nil, fmt.Errorf("run %s %s", r.ID, r.Status)
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
	deadline := time.Now().Add(30 * time.Second)
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
