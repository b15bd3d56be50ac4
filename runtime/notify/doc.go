// Package notify posts a message to webhooks when a pipeline run ends, as
// configured per pipeline in pipeline.yaml:
//
//	notifications:
//	  - {url: https://hooks.slack.com/..., on: [failure], format: slack}
//	  - {url: http://ops.internal/golem, on: [failure, success], format: json}
//
// The json format posts a Payload (run id, pipeline, status, error,
// duration, failed block, link to the run in the editor); the slack format
// posts {"text": "..."}, which Slack, Mattermost, Discord's /slack endpoint
// and most chat webhooks accept. Delivery is retried with backoff
// (runtime/retry) on network errors, timeouts, 408, 429 and 5xx answers, a
// bounded number of times; other 4xx answers are not retried.
package notify
