package projects

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
)

func TestLoad_BlockFileSymlinks(t *testing.T) {
	tests := []struct {
		name string
		// link replaces a path of the project with a symlink to target;
		// target "outside/…" is a file of a folder outside the project.
		link, target string
		refused      bool
	}{
		{"file to a file outside", "transformers/prepare.go", "outside/prepare.go", true},
		{"folder to a folder outside", "transformers", "outside", true},
		{"file to a file inside", "transformers/prepare.go", "transformers/other.go", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := newProject(t, validPipeline)
			outside := t.TempDir()
			filetest.WriteAll(t, outside, map[string]string{"prepare.go": "package prepare\n", "other.go": "package other\n"})
			target := filepath.Join(dir, filepath.FromSlash(tc.target))
			if rest, ok := strings.CutPrefix(tc.target, "outside"); ok {
				target = filepath.Join(outside, filepath.FromSlash(rest))
			}
			link := filepath.Join(dir, filepath.FromSlash(tc.link))
			if err := os.RemoveAll(link); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, link); err != nil {
				t.Skipf("symlinks unavailable: %v", err)
			}
			_, err := Load(dir)
			if !tc.refused {
				if err != nil {
					t.Fatalf("symlink inside the project refused: %v", err)
				}
				return
			}
			ps := Problems(err)
			if len(ps) != 1 {
				t.Fatalf("want one problem, got %v", err)
			}
			p := ps[0]
			if p.File != "pipelines/p/pipeline.yaml" || p.Line != 11 {
				t.Errorf("problem at %s:%d, want pipelines/p/pipeline.yaml:11 (the prepare block's file:)", p.File, p.Line)
			}
			for _, want := range []string{`block "prepare"`, "transformers/prepare.go", "symlink", "outside the project"} {
				if !strings.Contains(p.Msg, want) {
					t.Errorf("message %q lacks %q", p.Msg, want)
				}
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("err %v is not ErrInvalid", err)
			}
		})
	}
}

func TestProject_ReadFile_RefusesSymlinkOutside(t *testing.T) {
	dir := newProject(t, validPipeline)
	secret := filepath.Join(t.TempDir(), "secret.txt")
	filetest.WriteAll(t, filepath.Dir(secret), map[string]string{"secret.txt": "s3cret"})
	link := filepath.Join(dir, "transformers", "prepare.go")
	os.Remove(link)
	if err := os.Symlink(secret, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	secret, _ = filepath.EvalSymlinks(secret) // the message names the resolved target
	p := &Project{Dir: dir}
	data, err := p.ReadFile("transformers/prepare.go")
	if !errors.Is(err, ErrOutsideProject) || data != nil {
		t.Fatalf("ReadFile = %q, %v; want ErrOutsideProject", data, err)
	}
	if !strings.Contains(err.Error(), "transformers/prepare.go is a symlink to "+secret) {
		t.Errorf("error %q does not name the file and its target", err)
	}
	if err := p.WriteFile("transformers/prepare.go", []byte("x")); !errors.Is(err, ErrOutsideProject) {
		t.Fatalf("WriteFile through the symlink: %v", err)
	}
	if b, _ := os.ReadFile(secret); string(b) != "s3cret" {
		t.Fatal("the file outside was written")
	}
}
