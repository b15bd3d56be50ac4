// Reducer for websocket run events (docs/EDITOR_API.md §9): the live status, logs, shape and error
// of every block of one pipeline, and the active run.

import type { ErrorBody } from './api'

export interface WSMessage {
  type: string
  time?: string
  run_id?: string
  pipeline?: string
  block?: string
  blocks?: string[]
  mode?: string
  line?: string
  status?: string
  rows?: number
  cols?: number
  duration_ms?: number
  error?: ErrorBody | null
  path?: string
  version?: string
  source?: string
  project?: string
}

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
      let s: RunState = { ...state, activeRun: m.run_id ?? null, runStatus: 'queued', runError: null }
      for (const b of m.blocks ?? []) {
        s = update(s, b, (p) => ({ ...p, status: 'queued', logs: [], error: null, run_id: m.run_id }))
      }
      return s
    }
    case 'run_started': {
      let s: RunState = { ...state, activeRun: m.run_id ?? null, runStatus: 'running', runError: null }
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

/** seedFromRun restores block statuses, shapes, errors and logs from a run fetched over HTTP (page load). */
export function seedFromRun(state: RunState, run: {
  run_id: string
  pipeline: string
  status: string
  duration_ms?: number
  blocks: { name: string; status: string; rows?: number; cols?: number; duration_ms?: number; error?: ErrorBody | null; logs?: string[] }[]
}): RunState {
  if (run.pipeline !== state.pipeline) return state
  const running = run.status === 'running' || run.status === 'queued'
  const blocks = { ...state.blocks }
  for (const b of run.blocks ?? []) {
    const prev = blocks[b.name]
    // A newer live event wins over history.
    if (prev && prev.run_id && prev.run_id !== run.run_id && prev.status !== 'idle') continue
    blocks[b.name] = {
      status: b.status,
      rows: b.rows,
      cols: b.cols,
      duration_ms: b.duration_ms,
      error: b.error ?? null,
      logs: (b.logs ?? []).slice(-MAX_LOG_LINES),
      run_id: run.run_id,
      finished: prev?.finished ?? 0,
    }
  }
  return {
    ...state,
    blocks,
    activeRun: running ? run.run_id : state.activeRun,
    runStatus: running ? 'running' : (state.runStatus ?? run.status),
    runDuration: running ? undefined : run.duration_ms,
  }
}
