import type { Run, RunBlock } from './api'

/** RUN_STATUSES are the run states a runs list can be filtered by. */
export const RUN_STATUSES = ['queued', 'running', 'retrying', 'succeeded', 'failed', 'cancelled', 'crashed']

/** filterRuns keeps the runs of pipeline (all when empty) with status (all when empty). */
export function filterRuns(runs: Run[], status: string, pipeline = ''): Run[] {
  return runs.filter((r) => (!status || r.status === status) && (!pipeline || r.pipeline === pipeline))
}

export interface Bar {
  name: string
  status: string
  ms: number
  /** left and width in percent of the run's span */
  left: number
  width: number
}

/**
 * timelineBars lays out blocks in their listed order, each bar starting where
 * the previous ended, scaled so that the whole run fills 100%; a block that
 * did not run gets a zero-width bar.
 */
export function timelineBars(blocks: RunBlock[]): Bar[] {
  const total = blocks.reduce((s, b) => s + Math.max(0, b.duration_ms ?? 0), 0)
  let at = 0
  return blocks.map((b) => {
    const ms = Math.max(0, b.duration_ms ?? 0)
    const bar = { name: b.name, status: b.status, ms, left: total ? (at / total) * 100 : 0, width: total ? (ms / total) * 100 : 0 }
    at += ms
    return bar
  })
}

/** RETRYABLE are the run states "Retry from failed" is offered for. */
export const RETRYABLE = ['failed', 'crashed', 'cancelled']

/** canRetry reports whether a run may be retried from its failed blocks. */
export const canRetry = (status: string) => RETRYABLE.includes(status)

/** canRerun reports whether a run has ended, so it may be run again. */
export const canRerun = (status: string) => !['queued', 'running', 'retrying'].includes(status)
