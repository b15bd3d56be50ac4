package editor

import "net/http"

// Health is the answer of GET /api/health.
type Health struct {
	// OK is false while Problems is not empty.
	OK bool `json:"ok"`
	// Problems are what the operator must fix, each "file:line:col: message": a triggers.yaml
	// that does not load (its pipeline keeps the schedules it had).
	Problems []string `json:"problems,omitempty"`
	// Cluster is set when runs execute on a cluster's workers; Workers counts the connected ones.
	Cluster bool `json:"cluster,omitempty"`
	Workers *int `json:"workers,omitempty"`
	// Warning says why runs wait: no worker is connected.
	Warning string `json:"warning,omitempty"`
}

// health answers {"ok": true}, or ok false with the problems to fix; on a cluster also the number
// of connected workers, with a warning when none is: runs then wait queued.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	out := Health{OK: true}
	if s.opts.Problems != nil {
		out.Problems = s.opts.Problems()
		out.OK = len(out.Problems) == 0
	}
	if list, cluster := s.workers(); cluster {
		n := len(list)
		out.Cluster, out.Workers = true, &n
		if n == 0 {
			out.Warning = "no worker is connected: runs wait queued until one is (golem worker --nats URL)"
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
