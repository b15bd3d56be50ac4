package editor

import (
	"net/http"
	"slices"
	"time"

	"github.com/golemlabs/golem/blocks/chart"
	"github.com/golemlabs/golem/projects"
)

func (s *Server) listCharts(w http.ResponseWriter, r *http.Request) error {
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	pl, err := p.Pipeline(r.PathValue("name"))
	if err != nil {
		return err
	}
	b, err := blockOf(pl, r.PathValue("block"))
	if err != nil {
		return err
	}
	out := append([]chart.Spec{}, b.Charts...)
	writeJSON(w, http.StatusOK, ChartList{Charts: out})
	return nil
}

func chartIndex(b *projects.Block, name string) int {
	return slices.IndexFunc(b.Charts, func(c chart.Spec) bool { return c.Name == name })
}

func (s *Server) createChart(w http.ResponseWriter, r *http.Request) error {
	var spec chart.Spec
	if err := readJSON(r, &spec); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	_, _, err := s.changePipeline(r, r.PathValue("name"), func(_ *projects.Project, pl *projects.Pipeline) error {
		b, err := blockOf(pl, r.PathValue("block"))
		if err != nil {
			return err
		}
		if chartIndex(b, spec.Name) >= 0 {
			return errorf(http.StatusConflict, codeConflict, "block %q already has a chart %q", b.Name, spec.Name)
		}
		b.Charts = append(b.Charts, spec)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, spec)
	return nil
}

func (s *Server) updateChart(w http.ResponseWriter, r *http.Request) error {
	var spec chart.Spec
	if err := readJSON(r, &spec); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	name := r.PathValue("chart")
	_, _, err := s.changePipeline(r, r.PathValue("name"), func(_ *projects.Project, pl *projects.Pipeline) error {
		b, err := blockOf(pl, r.PathValue("block"))
		if err != nil {
			return err
		}
		i := chartIndex(b, name)
		if i < 0 {
			return errorf(http.StatusNotFound, codeNotFound, "block %q has no chart %q", b.Name, name)
		}
		if spec.Name != name && chartIndex(b, spec.Name) >= 0 {
			return errorf(http.StatusConflict, codeConflict, "block %q already has a chart %q", b.Name, spec.Name)
		}
		b.Charts[i] = spec
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, spec)
	return nil
}

func (s *Server) deleteChart(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("chart")
	_, _, err := s.changePipeline(r, r.PathValue("name"), func(_ *projects.Project, pl *projects.Pipeline) error {
		b, err := blockOf(pl, r.PathValue("block"))
		if err != nil {
			return err
		}
		i := chartIndex(b, name)
		if i < 0 {
			return errorf(http.StatusNotFound, codeNotFound, "block %q has no chart %q", b.Name, name)
		}
		b.Charts = slices.Delete(b.Charts, i, i+1)
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ChartList is the answer of GET .../blocks/{block}/charts.
type ChartList struct {
	Charts []chart.Spec `json:"charts"`
}

// ChartData is the body of GET .../charts/{chart}.
type ChartData struct {
	Spec   chart.Spec     `json:"spec"`
	Option map[string]any `json:"option"`
	Rows   int            `json:"rows"`
	TookMS float64        `json:"took_ms"`
}

func (s *Server) getChart(w http.ResponseWriter, r *http.Request) error {
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	pl, err := p.Pipeline(r.PathValue("name"))
	if err != nil {
		return err
	}
	b, err := blockOf(pl, r.PathValue("block"))
	if err != nil {
		return err
	}
	i := chartIndex(b, r.PathValue("chart"))
	if i < 0 {
		return errorf(http.StatusNotFound, codeNotFound, "block %q has no chart %q", b.Name, r.PathValue("chart"))
	}
	return s.drawChart(w, pl.Name, b.Name, b.Charts[i])
}

func (s *Server) previewChart(w http.ResponseWriter, r *http.Request) error {
	var spec chart.Spec
	if err := readJSON(r, &spec); err != nil {
		return err
	}
	if spec.Name == "" {
		spec.Name = "preview"
	}
	pipeline, block, err := s.blockRef(r)
	if err != nil {
		return err
	}
	return s.drawChart(w, pipeline, block, spec)
}

func (s *Server) drawChart(w http.ResponseWriter, pipeline, block string, spec chart.Spec) error {
	f, _, err := s.storedFrame(pipeline, block)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := chart.Build(f, spec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ChartData{Spec: res.Spec, Option: res.Option, Rows: res.Rows, TookMS: float64(time.Since(start).Microseconds()) / 1000})
	return nil
}
