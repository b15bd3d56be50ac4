package main

import (
	"encoding/json"
	"testing"
)

// statuses runs the example pipeline and returns each block's status.
func statuses(t *testing.T, dir string, args ...string) map[string]string {
	t.Helper()
	stdout, stderr, err := golem(t, append([]string{"run", dir, "data_preparation", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	var s runSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, b := range s.Blocks {
		out[b.Name] = b.Status
	}
	return out
}

func TestRun_Cache(t *testing.T) {
	pl := "pipelines/data_preparation/pipeline.yaml"
	cases := []struct {
		name   string
		change func(t *testing.T, dir string)
		args   []string
		want   map[string]string // statuses on the second run
	}{
		{"unchanged hits", nil, nil,
			map[string]string{"ingest": "cached", "prepare": "cached", "export_trips": "succeeded"}},
		{"no-cache forces a run", nil, []string{"--no-cache"},
			map[string]string{"ingest": "succeeded", "prepare": "succeeded"}},
		{"source edit misses", func(t *testing.T, dir string) {
			replaceIn(t, dir, "transformers/prepare.go", "all := trips.NumRows()", "all := trips.NumRows() // edited")
		}, nil, map[string]string{"ingest": "cached", "prepare": "succeeded"}},
		{"utils edit misses", func(t *testing.T, dir string) {
			replaceIn(t, dir, "utils/cleaning/cleaning.go", "package cleaning", "package cleaning // edited")
		}, nil, map[string]string{"ingest": "cached", "prepare": "succeeded"}},
		{"variable change misses everything downstream", nil, []string{"--var", "months=2023-02"},
			map[string]string{"ingest": "succeeded", "prepare": "succeeded"}},
		{"upstream change misses", func(t *testing.T, dir string) {
			replaceIn(t, dir, "data_loaders/ingest.go", "package ingest", "package ingest // edited")
		}, nil, map[string]string{"ingest": "succeeded", "prepare": "succeeded"}},
		{"expired misses", func(t *testing.T, dir string) {
			replaceIn(t, dir, pl, "cache: {ttl: 1h}", "cache: {ttl: 1ns}")
		}, nil, map[string]string{"ingest": "succeeded"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := example(t)
			replaceIn(t, dir, pl, "retries: {count: 2, delay: 1s}", "retries: {count: 2, delay: 1s}\n    cache: {ttl: 1h}")
			replaceIn(t, dir, pl, "upstream: [ingest]", "upstream: [ingest]\n    cache: {ttl: 1h}")
			first := statuses(t, dir)
			for b, s := range first {
				if s != "succeeded" {
					t.Fatalf("first run: %s %s", b, s)
				}
			}
			if tc.change != nil {
				tc.change(t, dir)
			}
			got := statuses(t, dir, tc.args...)
			for b, want := range tc.want {
				if got[b] != want {
					t.Errorf("%s: %s, want %s (all: %v)", b, got[b], want, got)
				}
			}
		})
	}
}
