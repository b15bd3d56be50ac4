package projects

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/golemlabs/golem/projects/sample"
)

// examples holds the example projects. Go block sources are stored as
// *.go.txt so that go build and go vet leave these yaegi scripts alone; Init
// writes them as *.go.
//
//go:embed examples
var examples embed.FS

// Examples lists the example names Init accepts.
var Examples = []string{"taxi"}

// Folders are the folders of a new project.
var Folders = []string{"data_loaders", "transformers", "data_exporters", "custom", "sensors", "markdowns", "utils", PipelinesDir}

// GitIgnore is the .gitignore of a new project.
const GitIgnore = ".golem/\noutput/\n"

// Init scaffolds a project in dir, which must not exist or be empty
// (ErrNotEmpty otherwise): golem.yaml, the block folders, pipelines/ and a
// .gitignore for .golem/. With example "taxi" it writes the taxi example
// project instead, with deterministic sample data in data/green/<year>/<MM>.parquet
// (months sample.Months).
func Init(dir, example string) error {
	if example != "" && example != "taxi" {
		return fmt.Errorf("init: unknown example %q (examples: %s)", example, strings.Join(Examples, ", "))
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("init %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("init %s: %w", dir, ErrNotEmpty)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	write := func(rel string, data []byte) error {
		return writeAtomic(filepath.Join(dir, filepath.FromSlash(rel)), data)
	}
	if example == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("init: %w", err)
		}
		cfg, err := MarshalConfig(&Config{Name: projectName(filepath.Base(abs))})
		if err != nil {
			return err
		}
		if err := write(ConfigFile, cfg); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	} else {
		root := "examples/" + example
		err := fs.WalkDir(examples, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := examples.ReadFile(p)
			if err != nil {
				return err
			}
			rel := strings.TrimSuffix(strings.TrimPrefix(p, root+"/"), ".txt")
			if path.Ext(rel) != ".go" && strings.HasSuffix(p, ".txt") {
				rel += ".txt"
			}
			return write(rel, data)
		})
		if err != nil {
			return fmt.Errorf("init example %s: %w", example, err)
		}
		if err := sample.WriteFiles(filepath.Join(dir, "data", "green"), sample.Months); err != nil {
			return fmt.Errorf("init example %s: %w", example, err)
		}
	}
	for _, f := range Folders {
		if err := os.MkdirAll(filepath.Join(dir, f), 0o755); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	if err := write(".gitignore", []byte(GitIgnore)); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	return nil
}

var nonName = regexp.MustCompile(`[^a-z0-9_]+`)

// projectName derives a project name from a folder name.
func projectName(base string) string {
	n := strings.Trim(nonName.ReplaceAllString(strings.ToLower(base), "_"), "_")
	if n == "" {
		return "project"
	}
	return n
}
