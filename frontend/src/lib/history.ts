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
  /** each attempt's left and width in percent (retries show as segments) */
  attempts: { left: number; width: number; error?: string }[]
}

const ms = (t?: string) => (t ? Date.parse(t) : NaN)

/**
 * timelineBars places each block at its real start offset from the run's
 * start (the earliest of runStart and the blocks' starts), as wide as it ran,
 * scaled so that the run's span (to the latest end, or now for a block still
 * running) fills 100%: parallel blocks overlap. A block with no recorded
 * times gets a zero-width bar at 0. Without any times (an old run) blocks
 * are laid end to end by duration.
 */
export function timelineBars(blocks: RunBlock[], runStart?: string, now = Date.now()): Bar[] {
  const timed = blocks.filter((b) => !isNaN(ms(b.started_at)))
  if (timed.length === 0) return sequentialBars(blocks)
  let origin = Math.min(...timed.map((b) => ms(b.started_at)))
  if (!isNaN(ms(runStart))) origin = Math.min(origin, ms(runStart))
  const endOf = (b: RunBlock) => (isNaN(ms(b.ended_at)) ? now : ms(b.ended_at))
  const span = Math.max(...timed.map(endOf)) - origin
  const pct = (t: number) => (span > 0 ? ((t - origin) / span) * 100 : 0)
  return blocks.map((b) => {
    if (isNaN(ms(b.started_at))) return { name: b.name, status: b.status, ms: Math.max(0, b.duration_ms ?? 0), left: 0, width: 0, attempts: [] }
    const s = ms(b.started_at)
    const e = endOf(b)
    const attempts = (b.attempts ?? []).map((a) => {
      const as = ms(a.start)
      const ae = isNaN(ms(a.end)) ? now : ms(a.end)
      return { left: pct(as), width: pct(ae) - pct(as), ...(a.error ? { error: a.error } : {}) }
    })
    return { name: b.name, status: b.status, ms: isNaN(ms(b.ended_at)) ? Math.max(0, e - s) : (b.duration_ms ?? Math.max(0, e - s)), left: pct(s), width: pct(e) - pct(s), attempts }
  })
}

function sequentialBars(blocks: RunBlock[]): Bar[] {
  const total = blocks.reduce((s, b) => s + Math.max(0, b.duration_ms ?? 0), 0)
  let at = 0
  return blocks.map((b) => {
    const d = Math.max(0, b.duration_ms ?? 0)
    const bar = { name: b.name, status: b.status, ms: d, left: total ? (at / total) * 100 : 0, width: total ? (d / total) * 100 : 0, attempts: [] }
    at += d
    return bar
  })
}

/** RETRYABLE are the run states "Retry from failed" is offered for. */
export const RETRYABLE = ['failed', 'crashed', 'cancelled']

/** canRetry reports whether a run may be retried from its failed blocks. */
export const canRetry = (status: string) => RETRYABLE.includes(status)

/** canRerun reports whether a run has ended, so it may be run again. */
export const canRerun = (status: string) => !['queued', 'running', 'retrying'].includes(status)

export interface GridColumn {
  run_id: string
  status: string
  started_at?: string
}

export interface GridCell {
  run_id: string
  /** the block's status in that run, '' when the run did not include it */
  status: string
  ms?: number
}

export interface GridRow {
  block: string
  cells: GridCell[]
}

/**
 * runGrid builds a runs × blocks grid: one row per block (the pipeline's
 * blocks in order, then blocks only older runs had), one column per run, the
 * newest limit runs newest first; each cell is that block's status in that run.
 */
export function runGrid(blocks: string[], runs: Run[], limit = 25): { columns: GridColumn[]; rows: GridRow[] } {
  const cols = [...runs].sort((a, b) => (b.started_at ?? '').localeCompare(a.started_at ?? '')).slice(0, limit)
  const names = [...blocks]
  for (const r of cols) for (const b of r.blocks ?? []) if (!names.includes(b.name)) names.push(b.name)
  return {
    columns: cols.map((r) => ({ run_id: r.run_id, status: r.status, ...(r.started_at ? { started_at: r.started_at } : {}) })),
    rows: names.map((name) => ({
      block: name,
      cells: cols.map((r) => {
        const b = (r.blocks ?? []).find((x) => x.name === name)
        return b ? { run_id: r.run_id, status: b.status, ...(b.duration_ms != null ? { ms: b.duration_ms } : {}) } : { run_id: r.run_id, status: '' }
      }),
    })),
  }
}
