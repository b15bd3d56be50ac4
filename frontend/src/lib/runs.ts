// Reducer for websocket run events (docs/EDITOR_API.md §9): the live status, logs, shape and error
// of every block of one pipeline, and the active run.

import type { ErrorBody, WSMessage as ServerMessage } from './api'

/** WSMessage is a websocket message (the server's, generated from Go), or one the socket makes itself ({type: 'reconnected'}). */
export type WSMessage = Partial<ServerMessage> & { type: string }

export interface BlockRunState {
  status: string // idle queued running succeeded failed cancelled skipped cached
  rows?: number
  cols?: number
  duration_ms?: number
  error?: ErrorBody | null
  logs: string[]
  run_id?: string
  /** finished counts block_finished events; components refetch output and charts when it changes. */
  finished: number
}

export interface RunState {
  pipeline: string
  activeRun: string | null
  /** runId is the run the header shows (runStatus, runDuration). */
  runId?: string | null
  runStatus: string | null
  runError?: ErrorBody | null
  runDuration?: number
  blocks: Record<string, BlockRunState>
}

/** MAX_LOG_LINES bounds the log lines kept per block in the page. */
export const MAX_LOG_LINES = 500

export function initialRunState(pipeline: string): RunState {
  return { pipeline, activeRun: null, runStatus: null, blocks: {} }
}

const idle = (): BlockRunState => ({ status: 'idle', logs: [], finished: 0 })

function update(state: RunState, name: string, f: (b: BlockRunState) => BlockRunState): RunState {
  const prev = state.blocks[name] ?? idle()
  return { ...state, blocks: { ...state.blocks, [name]: f(prev) } }
}

/** reduceRun applies one websocket message; messages of other pipelines leave the state unchanged. */
export function reduceRun(state: RunState, m: WSMessage): RunState {
  if (m.pipeline !== state.pipeline) return state
  switch (m.type) {
    case 'run_queued': {
      // Accepted and waiting for a slot (the pipeline's max_concurrent_runs); line says behind which run.
      if (m.line) return state.activeRun === m.run_id ? { ...state, runStatus: 'queued' } : state
      let s: RunState = { ...state, activeRun: m.run_id ?? null, runId: m.run_id, runStatus: 'queued', runError: null }
      for (const b of m.blocks ?? []) {
        s = update(s, b, (p) => ({ ...p, status: 'queued', logs: [], error: null, run_id: m.run_id }))
      }
      return s
    }
    case 'run_started': {
      let s: RunState = { ...state, activeRun: m.run_id ?? null, runId: m.run_id, runStatus: 'running', runError: null }
      for (const b of m.blocks ?? []) {
        s = update(s, b, (p) => ({ ...p, status: 'queued', logs: [], error: null, run_id: m.run_id }))
      }
      return s
    }
    case 'block_started':
      if (!m.block) return state
      return update(state, m.block, (p) => ({
        ...p,
        status: 'running',
        run_id: m.run_id,
        error: null,
        logs: p.run_id === m.run_id && p.status === 'queued' ? p.logs : [],
      }))
    case 'block_log':
      if (!m.block || m.line === undefined) return state
      return update(state, m.block, (p) => {
        const logs = p.logs.length >= MAX_LOG_LINES ? p.logs.slice(p.logs.length - MAX_LOG_LINES + 1) : p.logs.slice()
        logs.push(m.line as string)
        return { ...p, logs }
      })
    case 'block_finished':
      if (!m.block) return state
      return update(state, m.block, (p) => ({
        ...p,
        status: m.status ?? 'succeeded',
        rows: m.rows,
        cols: m.cols,
        duration_ms: m.duration_ms,
        error: m.error ?? null,
        run_id: m.run_id,
        finished: p.finished + 1,
      }))
    case 'run_finished': {
      if (state.activeRun && m.run_id && state.activeRun !== m.run_id) return state
      let s: RunState = {
        ...state,
        activeRun: null,
        runId: m.run_id ?? state.runId,
        runStatus: m.status ?? 'succeeded',
        runError: m.error ?? null,
        runDuration: m.duration_ms,
      }
      // Blocks still queued when the run ended never ran.
      for (const [name, b] of Object.entries(s.blocks)) {
        if (b.run_id === m.run_id && (b.status === 'queued' || b.status === 'running')) {
          s = update(s, name, (p) => ({ ...p, status: b.status === 'running' ? (m.status ?? 'cancelled') : 'skipped' }))
        }
      }
      return s
    }
    default:
      return state
  }
}

/** isActive tells whether a block status means work in progress. */
export const isActive = (status?: string) => status === 'queued' || status === 'running'

/** HistoryRun is a run as GET /api/runs and GET /api/runs/{id} show it. */
export interface HistoryRun {
  run_id: string
  pipeline: string
  status: string
  duration_ms?: number
  error?: string
  blocks?: { name: string; status: string; rows?: number; cols?: number; duration_ms?: number; error?: ErrorBody | null; logs?: string[] }[]
}

const activeRun = (status: string) => status === 'queued' || status === 'running' || status === 'retrying'

/**
 * seedFromRuns applies the history's newest runs of the pipeline (newest first), the one owner of
 * run state: on page load, after a reconnect (a server restart ends runs as crashed) and on each
 * poll (runs of `golem run` in another terminal send no websocket events). The header follows the
 * newest run; each block the newest run that ran it. A live run the list does not know yet is
 * kept, and nothing the page saw end goes back to running because of a reply sent before the end.
 */
export function seedFromRuns(state: RunState, runs: HistoryRun[]): RunState {
  runs = runs.filter((r) => r.pipeline === state.pipeline)
  if (!runs.length) return state
  const rank = new Map(runs.map((r, i) => [r.run_id, i])) // 0 = newest
  const blocks = { ...state.blocks }
  for (const run of [...runs].reverse()) {
    for (const b of run.blocks ?? []) {
      const prev = blocks[b.name]
      if (prev && prev.run_id && prev.run_id !== run.run_id && prev.status !== 'idle') {
        const pr = rank.get(prev.run_id)
        if (pr === undefined || pr < (rank.get(run.run_id) ?? 0)) continue // a newer run holds it
      }
      const same = prev?.run_id === run.run_id
      // history is written every 50 ms: a reply can lag the live events, never undo them
      const backwards =
        same &&
        prev &&
        ((!isActive(prev.status) && prev.status !== 'idle' && isActive(b.status)) ||
          (prev.status === 'running' && b.status === 'queued'))
      const status = backwards ? prev.status : b.status
      const logs = (b.logs ?? []).slice(-MAX_LOG_LINES)
      // An output that appeared since the page last looked makes the cell fetch it.
      const ended = prev && (prev.status !== status || prev.run_id !== run.run_id) && !isActive(status)
      const next: BlockRunState = {
        status,
        rows: b.rows,
        cols: b.cols,
        duration_ms: b.duration_ms,
        // the live event's error carries file:line; the history's only the message
        error: status === 'failed' ? (same && prev?.error ? prev.error : (b.error ?? null)) : null,
        logs: same && prev && prev.logs.length > logs.length ? prev.logs : logs,
        run_id: run.run_id,
        finished: (prev?.finished ?? 0) + (ended ? 1 : 0),
      }
      // an unchanged block keeps its object: a poll that brings nothing new re-renders nothing
      if (!prev || !sameBlock(prev, next)) blocks[b.name] = next
    }
  }
  const changed = Object.keys(blocks).some((k) => blocks[k] !== state.blocks[k])
  const s: RunState = changed ? { ...state, blocks } : state
  const newest = runs[0]
  if (state.activeRun && !rank.has(state.activeRun)) return s // started after the list was read
  if (state.runId === newest.run_id && state.runStatus && !activeRun(state.runStatus) && activeRun(newest.status)) return s
  const live = activeRun(newest.status)
  const head = {
    runId: newest.run_id,
    activeRun: live ? newest.run_id : null,
    runStatus: newest.status,
    runError: newest.error
      ? state.runError?.message === newest.error
        ? state.runError
        : { message: newest.error }
      : state.runId === newest.run_id
        ? state.runError
        : null,
    runDuration: live ? undefined : newest.duration_ms,
  }
  const same =
    s.runId === head.runId &&
    s.activeRun === head.activeRun &&
    s.runStatus === head.runStatus &&
    s.runError === head.runError &&
    s.runDuration === head.runDuration
  return same ? s : { ...s, ...head }
}

function sameBlock(a: BlockRunState, b: BlockRunState): boolean {
  return (
    a.status === b.status &&
    a.rows === b.rows &&
    a.cols === b.cols &&
    a.duration_ms === b.duration_ms &&
    a.run_id === b.run_id &&
    a.finished === b.finished &&
    a.logs.length === b.logs.length &&
    a.logs.at(-1) === b.logs.at(-1) &&
    (a.error?.message ?? null) === (b.error?.message ?? null)
  )
}

/** seedFromRun applies one run fetched over HTTP as if it were the newest. */
export const seedFromRun = (state: RunState, run: HistoryRun): RunState => seedFromRuns(state, [run])

/** mergeLogs fills in the logs and errors of blocks whose state comes from run (GET /api/runs/{id} has them, the list not). */
export function mergeLogs(state: RunState, run: HistoryRun): RunState {
  let s = state
  for (const b of run.blocks ?? []) {
    const prev = s.blocks[b.name]
    if (!prev || prev.run_id !== run.run_id) continue
    const logs = (b.logs ?? []).slice(-MAX_LOG_LINES)
    const error = prev.status === 'failed' && !prev.error ? (b.error ?? null) : prev.error
    if (logs.length <= prev.logs.length && error === prev.error) continue
    s = update(s, b.name, (p) => ({ ...p, logs: logs.length > p.logs.length ? logs : p.logs, error }))
  }
  return s
}

/**
 * planErrorFor is the part of a run's plan error (422) that block b shows in its cell: an error in its
 * file, one that names it (`block "prepare"`, `block prepare`), or one without a file when b was the
 * block run (`upstream "ingest" has no stored output`).
 */
export function planErrorFor(err: ErrorBody | null, b: { name: string; file: string }, ran: string | null): ErrorBody | null {
  if (!err) return null
  const all = [err, ...(err.details ?? [])]
  const esc = b.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const names = new RegExp(`\\bblocks? "?${esc}"?(?![\\w])`)
  if (all.some((p) => p.file && (p.file === b.file || b.file.endsWith('/' + p.file) || p.file.endsWith('/' + b.file)))) return err
  if (all.some((p) => names.test(p.message))) return err
  if (ran === b.name && all.every((p) => !p.file)) return err
  return null
}
