package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The embedded completions and docs/REFERENCE.md are what the generator
// makes from today's sources: a name added to blocks, blocks/frame,
// blocks/ml or blocks/conn without `make generate` fails here (and in CI's check-generated).
func TestGenerated_UpToDate(t *testing.T) {
	data, md, err := generate([]string{"../../../blocks", "../../../blocks/frame", "../../../blocks/ml", "../../../blocks/conn"})
	if err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string][]byte{"../../completions.json": data, "../../../docs/REFERENCE.md": md} {
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run make generate", file)
		}
	}
}

// Every exported name of the three packages has an entry with a signature
// and an example, and the reference lists it.
func TestGenerated_EveryNameHasAnExample(t *testing.T) {
	data, md, err := generate([]string{"../../../blocks", "../../../blocks/frame", "../../../blocks/ml", "../../../blocks/conn"})
	if err != nil {
		t.Fatal(err)
	}
	var items []item
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, it := range items {
		seen[it.Package+"."+it.Label] = true
		if it.Example == "" || it.Detail == "" {
			t.Errorf("%s.%s: no example or signature", it.Package, it.Label)
		}
		if !strings.Contains(string(md), "**"+it.Label+"**") {
			t.Errorf("%s.%s missing from the reference", it.Package, it.Label)
		}
	}
	for _, name := range []string{"frame.Join", "frame.When", "frame.Where", "frame.DateFromParts", "frame.Quantile", "frame.ReadCSVWith", "ml.NewDictVectorizer", "ml.RMSE", "blocks.Context"} {
		if !seen[name] {
			t.Errorf("%s not listed", name)
		}
	}
}

func TestExamples(t *testing.T) {
	cases := []struct{ doc, want string }{
		{"Join joins.\n\n\ttrips.Join(zones, \"left\", \"PULocationID\")\n", `trips.Join(zones, "left", "PULocationID")`},
		{"No example here.\n", ""},
	}
	for _, tc := range cases {
		if got := docExample(tc.doc); got != tc.want {
			t.Errorf("docExample(%q) = %q, want %q", tc.doc, got, tc.want)
		}
	}
	for typ, want := range map[string]string{"Frame": "f", "CSR": "csr", "DictVectorizer": "dictVectorizer", "Func": "f", "CSVOptions": "opts", "Error": "e"} {
		if got := varName(typ); got != want {
			t.Errorf("varName(%q) = %q, want %q", typ, got, want)
		}
	}
}
