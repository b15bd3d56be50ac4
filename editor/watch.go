package editor

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/golemlabs/golem/projects"
)

// maxWatched bounds the files a poll looks at (a project, not a data lake).
const maxWatched = 20000

// fileState is what a poll compares.
type fileState struct {
	mod  time.Time
	size int64
}

// watcher polls the project files (mtime + size) to notice edits made
// outside the editor: vim, VS Code, git pull.
type watcher struct {
	dir      string
	mu       sync.Mutex
	known    map[string]fileState // slash-separated relative path
	versions map[string]versioned // content versions by path, valid for a state
}

type versioned struct {
	st  fileState
	ver string
}

// maxVersioned is the largest file whose version GET /api/files reports.
const maxVersioned = maxEditable

// version returns the content version of rel in state st ("" for files
// too large to edit), hashing only files that changed since last asked.
func (w *watcher) version(rel string, st fileState) string {
	if st.size > maxVersioned {
		return ""
	}
	w.mu.Lock()
	v, ok := w.versions[rel]
	w.mu.Unlock()
	if ok && v.st.mod.Equal(st.mod) && v.st.size == st.size {
		return v.ver
	}
	data, err := os.ReadFile(filepath.Join(w.dir, filepath.FromSlash(rel)))
	if err != nil {
		return ""
	}
	ver := projects.Version(data)
	w.mu.Lock()
	if w.versions == nil {
		w.versions = map[string]versioned{}
	}
	w.versions[rel] = versioned{st, ver}
	w.mu.Unlock()
	return ver
}

func newWatcher(dir string) *watcher { return &watcher{dir: dir} }

// skipDir reports whether a folder is never served nor watched.
func skipDir(name string) bool {
	return name == ".golem" || name == ".git" || name == "node_modules" || (strings.HasPrefix(name, ".") && name != ".")
}

// scan lists the project's files with their state.
func (w *watcher) scan() map[string]fileState {
	out := map[string]fileState{}
	_ = filepath.WalkDir(w.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != w.dir && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if len(out) >= maxWatched {
			return filepath.SkipAll
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(w.dir, p)
		out[filepath.ToSlash(rel)] = fileState{info.ModTime(), info.Size()}
		return nil
	})
	return out
}

// changes returns the paths created, modified or deleted since the last call
// (nothing on the first call, which takes the baseline).
func (w *watcher) changes() []string {
	// Scan under the lock: a write noted between a scan and the comparison
	// would otherwise be reported again on every later poll.
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.scan()
	if w.known == nil {
		w.known = now
		return nil
	}
	var changed []string
	for p, st := range now {
		if old, ok := w.known[p]; !ok || !old.mod.Equal(st.mod) || old.size != st.size {
			changed = append(changed, p)
		}
	}
	for p := range w.known {
		if _, ok := now[p]; !ok {
			changed = append(changed, p)
		}
	}
	w.known = now
	return changed
}

// note records the current state of rel after the editor wrote or deleted
// it, so the next poll does not announce the editor's own change again.
func (w *watcher) note(rel string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.known == nil {
		return
	}
	info, err := os.Stat(filepath.Join(w.dir, filepath.FromSlash(rel)))
	if err != nil {
		delete(w.known, rel)
		return
	}
	w.known[rel] = fileState{info.ModTime(), info.Size()}
}

// forget drops every known file under prefix (a deleted or renamed folder).
func (w *watcher) forget(prefix string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.known {
		if strings.HasPrefix(p, prefix) {
			delete(w.known, p)
		}
	}
}

// watch polls every interval until ctx is done and broadcasts what changed.
func (s *Server) watch(ctx context.Context, every time.Duration) {
	s.files.changes() // baseline
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.poll()
	}
}

// poll announces what changed since the last poll; a failure is logged,
// never fatal.
func (s *Server) poll() {
	defer func() {
		if p := recover(); p != nil {
			s.log.Printf("editor: watching files: %v", p)
		}
	}()
	for _, rel := range s.files.changes() {
		s.announce(rel, "disk")
	}
}

// announce broadcasts file_changed for rel, plus pipeline_changed or
// project_changed when rel is a pipeline.yaml or golem.yaml.
func (s *Server) announce(rel, source string) {
	if s.opts.OnChange != nil {
		s.opts.OnChange(rel)
	}
	ver := ""
	if data, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(rel))); err == nil {
		ver = projects.Version(data)
	}
	s.hub.broadcast(WSMessage{Type: "file_changed", Path: rel, Version: ptr(ver), Source: source})
	switch {
	case rel == projects.ConfigFile:
		s.hub.broadcast(WSMessage{Type: "project_changed", Version: ptr(ver), Source: source})
	case strings.HasPrefix(rel, projects.PipelinesDir+"/") && path.Base(rel) == projects.PipelineFile && strings.Count(rel, "/") == 2:
		name := strings.Split(rel, "/")[1]
		s.hub.broadcast(WSMessage{Type: "pipeline_changed", Pipeline: name, Version: ptr(ver), Source: source})
	}
}

// wrote records and announces a change the editor made itself.
func (s *Server) wrote(rels ...string) {
	for _, rel := range rels {
		s.files.note(rel)
		s.announce(rel, "api")
	}
}
