package editor

import "net/http"

// WorkerView is a cluster worker as GET /api/workers shows it.
type WorkerView struct {
	Name          string   `json:"name"`
	Labels        []string `json:"labels"`
	Slots         int      `json:"slots"`
	Running       []string `json:"running"` // run IDs
	LastHeartbeat string   `json:"last_heartbeat"`
}

// workers lists the cluster's connected workers; ok is false when runs execute on this machine.
func (s *Server) workers() (list []WorkerView, ok bool) {
	if s.opts.Workers == nil {
		return nil, false
	}
	list = s.opts.Workers()
	for i := range list {
		list[i].Labels = nonNil(list[i].Labels)
		list[i].Running = nonNil(list[i].Running)
	}
	return list, true
}

func (s *Server) listWorkers(w http.ResponseWriter, r *http.Request) error {
	list, cluster := s.workers()
	if list == nil {
		list = []WorkerView{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"cluster": cluster, "workers": list})
	return nil
}
