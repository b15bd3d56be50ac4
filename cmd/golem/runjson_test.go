package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// With --json, a run that fails before it starts still prints a JSON object on stdout, with the
// error; a negative --max-parallel is refused.
func TestRun_JSONErrorBeforeStart(t *testing.T) {
	tests := []struct {
		name string
		args func(dir string) []string
		want string // in the error
	}{
		{"unknown pipeline", func(dir string) []string { return []string{"run", dir, "nope", "--json"} }, "nope"},
		{"invalid --var", func(dir string) []string {
			return []string{"run", dir, "data_preparation", "--json", "--var", "undeclared=1"}
		}, "undeclared"},
		{"negative --max-parallel", func(dir string) []string {
			return []string{"run", dir, "data_preparation", "--json", "--max-parallel", "-1"}
		}, "--max-parallel"},
		{"missing project", func(dir string) []string { return []string{"run", dir + "/missing", "p", "--json"} }, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := example(t)
			stdout, _, err := golem(t, tt.args(dir)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want one containing %q", err, tt.want)
			}
			var got struct {
				Status string `json:"status"`
				Error  string `json:"error"`
			}
			if jerr := json.Unmarshal([]byte(stdout), &got); jerr != nil {
				t.Fatalf("stdout is not a JSON object (%v):\n%s", jerr, stdout)
			}
			if got.Status != "failed" || got.Error != err.Error() {
				t.Errorf("got %+v, want status failed and error %q", got, err)
			}
		})
	}
}
