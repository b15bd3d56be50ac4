package projects

import (
	"reflect"
	"strings"
	"testing"
)

func TestPipeline_ResolveVars(t *testing.T) {
	pl := &Pipeline{Name: "p", Variables: Variables{
		{Name: "source", Type: "string", Default: "data/green"},
		{Name: "n", Type: "int", Default: "3"},
		{Name: "rate", Type: "float"},
		{Name: "dry", Type: "bool", Default: "false"},
	}}
	project := map[string]string{"source": "elsewhere", "region": "nyc", "rate": "0.5"}
	tests := []struct {
		name      string
		overrides map[string]string
		want      map[string]string
		wantErr   []string
	}{
		{"defaults", nil, map[string]string{"source": "data/green", "n": "3", "rate": "0.5", "dry": "false", "region": "nyc"}, nil},
		{"overrides", map[string]string{"n": "7", "region": "sf", "dry": "true"}, map[string]string{"source": "data/green", "n": "7", "rate": "0.5", "dry": "true", "region": "sf"}, nil},
		{"undeclared", map[string]string{"mnths": "x"}, nil, []string{`"mnths"`, "source, n, rate, dry, region"}},
		{"bad int", map[string]string{"n": "seven"}, nil, []string{`"n"`, `"seven"`, "int"}},
		{"bad float", map[string]string{"rate": "fast"}, nil, []string{`"rate"`, `"fast"`, "float"}},
		{"bad bool", map[string]string{"dry": "maybe"}, nil, []string{`"dry"`, `"maybe"`, "bool"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pl.ResolveVars(project, tt.overrides)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("got %v, want an error", got)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %s", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}
