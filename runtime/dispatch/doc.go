// Package dispatch runs pipelines for long-lived processes (the editor, the scheduler, the API
// trigger): it validates a run request, records it in the history as queued before anything
// runs, starts it when the pipeline's concurrency limit allows, fans its events out to
// subscribers, records its progress and end, sends the pipeline's webhooks and prunes old runs.
package dispatch
