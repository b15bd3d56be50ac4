package editor

import (
	"fmt"
	"net/http"
	"runtime/debug"
)

//go:generate go run ./internal/genapi -ts ../frontend/src/lib/api.gen.ts -md ../docs/EDITOR_API.md . ../blocks ../blocks/chart ./internal/completion ../projects ../projects/secret ../runtime/history

// apiFunc is a handler that returns its error; api turns it into JSON.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// api adapts f: a returned error becomes the JSON error body, a panic a 500
// (the server keeps serving).
func (s *Server) api(f apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				e := toAPIError(fmt.Errorf("internal error: %v", p))
				e.ID = newErrorID()
				s.log.Printf("editor: error %s: panic in %s %s: %v\n%s", e.ID, r.Method, r.URL.Path, p, debug.Stack())
				writeError(w, e, nil)
			}
		}()
		if err := f(w, r); err != nil {
			writeError(w, err, s.log)
		}
	})
}

// routes lists every route of the editor (docs/EDITOR_API.md).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, f apiFunc) { mux.Handle(pattern, s.api(f)) }

	h("GET /api/health", s.health)
	h("GET /api/workers", s.listWorkers)
	if s.opts.Headless {
		h("POST /api/pipelines/{name}/runs", s.startRun)
		h("/", func(w http.ResponseWriter, r *http.Request) error {
			return errorf(http.StatusNotFound, codeNotFound, "no route %s %s: golem start --no-editor serves only GET /api/health and POST /api/pipelines/{name}/runs", r.Method, r.URL.Path)
		})
		return mux
	}
	h("GET /api/project", s.getProject)

	h("GET /api/pipelines", s.listPipelines)
	h("POST /api/pipelines", s.createPipeline)
	h("GET /api/pipelines/{name}", s.getPipeline)
	h("PUT /api/pipelines/{name}", s.updatePipeline)
	h("DELETE /api/pipelines/{name}", s.deletePipeline)
	h("PUT /api/pipelines/{name}/order", s.reorderBlocks)

	h("POST /api/pipelines/{name}/blocks", s.addBlock)
	h("PATCH /api/pipelines/{name}/blocks/{block}", s.patchBlock)
	h("DELETE /api/pipelines/{name}/blocks/{block}", s.deleteBlock)
	h("GET /api/pipelines/{name}/triggers", s.listTriggers)
	h("PUT /api/pipelines/{name}/triggers/{trigger}/enabled", s.setTriggerEnabled)
	h("GET /api/pipelines/{name}/blocks/{block}/output", s.blockOutput)
	h("GET /api/pipelines/{name}/blocks/{block}/summary", s.blockSummary)

	h("GET /api/pipelines/{name}/blocks/{block}/charts", s.listCharts)
	h("POST /api/pipelines/{name}/blocks/{block}/charts", s.createChart)
	h("POST /api/pipelines/{name}/blocks/{block}/charts/preview", s.previewChart)
	h("GET /api/pipelines/{name}/blocks/{block}/charts/{chart}", s.getChart)
	h("PUT /api/pipelines/{name}/blocks/{block}/charts/{chart}", s.updateChart)
	h("DELETE /api/pipelines/{name}/blocks/{block}/charts/{chart}", s.deleteChart)

	h("GET /api/files", s.listFiles)
	h("GET /api/files/{path...}", s.getFile)
	h("PUT /api/files/{path...}", s.putFile)
	h("DELETE /api/files/{path...}", s.deleteFile)

	h("POST /api/pipelines/{name}/runs", s.startRun)
	h("GET /api/runs", s.listRuns)
	h("GET /api/runs/{id}", s.getRun)
	h("POST /api/runs/{id}/cancel", s.cancelRun)
	h("POST /api/runs/{id}/retry", s.retryRun)
	h("POST /api/runs/{id}/rerun", s.rerunRun)

	h("GET /api/experiments", s.listExperiments)
	h("GET /api/experiments/steps", s.experimentSteps)
	h("GET /api/models", s.listModels)
	h("PUT /api/models/{name}/aliases/{alias}", s.setModelAlias)
	h("DELETE /api/models/{name}/aliases/{alias}", s.removeModelAlias)

	h("POST /api/markdown/render", s.renderMarkdown)
	h("GET /api/completions", s.completions)
	h("GET /api/secrets", s.listSecrets)

	h("GET /ws", s.serveWS)

	h("/api/", func(w http.ResponseWriter, r *http.Request) error {
		return errorf(http.StatusNotFound, codeNotFound, "no route %s %s (see docs/EDITOR_API.md)", r.Method, r.URL.Path)
	})
	mux.Handle("/", s.frontendHandler())
	return mux
}
