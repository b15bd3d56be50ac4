package editor

import "net/http"

// WorkerInfo is a cluster worker as GET /api/workers shows it.
type WorkerInfo struct {
	Name          string   `json:"name"`
	Labels        []string `json:"labels"`
	Slots         int      `json:"slots"`
	Running       []string `json:"running"` // run IDs
	LastHeartbeat string   `json:"last_heartbeat"`
}

// WorkerList is the answer of GET /api/workers.
type WorkerList struct {
	// Cluster is false when runs execute on the editor's machine.
	Cluster bool         `json:"cluster"`
	Workers []WorkerInfo `json:"workers"`
}

// workers lists the cluster's connected workers; ok is false when runs execute on this machine.
func (s *Server) workers() (list []WorkerInfo, ok bool) {
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
		list = []WorkerInfo{}
	}
	writeJSON(w, http.StatusOK, WorkerList{Cluster: cluster, Workers: list})
	return nil
}
