package editor

import "testing"

func TestWorkers_ListAndHealthOnACluster(t *testing.T) {
	var workers []WorkerInfo
	ts := newTestServer(t, Options{Workers: func() []WorkerInfo { return workers }})
	var h struct {
		OK      bool   `json:"ok"`
		Cluster bool   `json:"cluster"`
		Workers int    `json:"workers"`
		Warning string `json:"warning"`
	}
	ts.must(200, "GET", "/api/health", nil, &h)
	if !h.OK || !h.Cluster || h.Workers != 0 || h.Warning == "" {
		t.Fatalf("health without workers: %+v", h)
	}
	workers = []WorkerInfo{{Name: "w1", Slots: 2, LastHeartbeat: "2026-11-29T18:00:00Z"}}
	var l struct {
		Cluster bool         `json:"cluster"`
		Workers []WorkerInfo `json:"workers"`
	}
	ts.must(200, "GET", "/api/workers", nil, &l)
	if !l.Cluster || len(l.Workers) != 1 || l.Workers[0].Name != "w1" || l.Workers[0].Labels == nil {
		t.Fatalf("workers: %+v", l)
	}
	h.Warning = ""
	ts.must(200, "GET", "/api/health", nil, &h)
	if h.Workers != 1 || h.Warning != "" {
		t.Fatalf("health with a worker: %+v", h)
	}
}

func TestWorkers_LocalServerHasNoCluster(t *testing.T) {
	ts := newTestServer(t, Options{})
	var l struct {
		Cluster bool         `json:"cluster"`
		Workers []WorkerInfo `json:"workers"`
	}
	ts.must(200, "GET", "/api/workers", nil, &l)
	if l.Cluster || l.Workers == nil || len(l.Workers) != 0 {
		t.Fatalf("workers: %+v", l)
	}
}
