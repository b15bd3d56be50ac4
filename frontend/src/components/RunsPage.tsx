import { useCallback, useEffect, useState } from 'react'
import { api, errorText, type Run } from '../lib/api'
import { fmtDuration, fmtTime } from '../lib/format'
import { canRerun, canRetry, filterRuns, runGrid, RUN_STATUSES, timelineBars } from '../lib/history'
import { href, useApp, usePoll, useWS } from '../lib/hooks'
import { StatusPill } from './StatusPill'
import { PipelineTabs } from './PipelineTabs'

/** POLL_MS: runs of `golem run` elsewhere send no websocket events; the pages read the history this often. */
const POLL_MS = 2000

/** RunsPage lists the runs of the project, or of one pipeline, filtered by status. */
export function RunsPage({ pipeline }: { pipeline?: string }) {
  const [runs, setRuns] = useState<Run[]>([])
  const [status, setStatus] = useState('')
  const [error, setError] = useState('')
  const load = useCallback(() => {
    api.runs(pipeline).then(setRuns, (e) => setError(errorText(e)))
  }, [pipeline])
  useEffect(load, [load])
  useWS((m) => {
    if (m.type === 'run_started' || m.type === 'run_finished') load()
  })
  usePoll(load, POLL_MS)
  const shown = filterRuns(runs, status)
  return (
    <div className="page" data-testid="runs-page">
      <header className="page-head">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'project' })}>Pipelines</a> /{' '}
            {pipeline && (
              <>
                <a href={href({ page: 'pipeline', name: pipeline, view: 'notebook' })}>{pipeline}</a> /
              </>
            )}
          </div>
          <h1>Runs</h1>
        </div>
        {pipeline && <PipelineTabs name={pipeline} active="runs" />}
        <label className="row gap-s small muted">
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="runs-status-filter">
            <option value="">all</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </header>
      {error && <div className="banner error">{error}</div>}
      {pipeline && <RunGrid pipeline={pipeline} runs={runs} />}
      <section className="card">
        <div className="card-head">
          <h2>{pipeline ? 'History' : 'All runs'}</h2>
          <span className="muted small">{shown.length} shown</span>
        </div>
      <table className="list" data-testid="runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Pipeline</th>
            <th>Trigger</th>
            <th>Status</th>
            <th>Started</th>
            <th className="num">Duration</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.run_id} data-testid={`run-row-${r.run_id}`} data-pipeline={r.pipeline} data-status={r.status} className="run-row">
              <td className="mono">
                <a href={href({ page: 'run', id: r.run_id })} data-testid="run-link">
                  {r.run_id}
                </a>
              </td>
              <td>
                <a href={href({ page: 'runs', pipeline: r.pipeline })}>{r.pipeline}</a>
              </td>
              <td>
                <span className="chip">{r.mode}</span>
              </td>
              <td>
                <StatusPill status={r.status} testId="run-status" />
              </td>
              <td className="muted" title={r.started_at}>
                {r.started_at ? fmtTime(r.started_at) : ''}
              </td>
              <td className="num">{r.duration_ms != null ? fmtDuration(r.duration_ms) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <div className="empty">No runs{status ? ` with status ${status}` : ''}.</div>}
      </section>
    </div>
  )
}

const GRID_RUNS = 25

/**
 * RunGrid is the runs × blocks grid of a pipeline: a row per block, a column
 * per run (the last 25, newest first), each cell coloured by the block's
 * status in that run; a column opens its run.
 */
function RunGrid({ pipeline, runs }: { pipeline: string; runs: Run[] }) {
  const [blocks, setBlocks] = useState<string[]>([])
  const [withBlocks, setWithBlocks] = useState<Run[]>([])
  // reload when the run list changes (a run started or finished)
  const key = runs
    .slice(0, GRID_RUNS)
    .map((r) => r.run_id + r.status)
    .join()
  useEffect(() => {
    api.pipeline(pipeline).then(
      (p) => setBlocks(p.blocks.map((b) => b.name)),
      () => setBlocks([]),
    )
    api.runsWithBlocks(pipeline, GRID_RUNS).then(setWithBlocks, () => setWithBlocks([]))
  }, [pipeline, key])
  const grid = runGrid(blocks, withBlocks, GRID_RUNS)
  if (grid.columns.length === 0) return null
  const open = (id: string) => {
    window.location.hash = href({ page: 'run', id })
  }
  return (
    <section className="card run-grid-card">
      <div className="card-head">
        <h2>Runs × blocks</h2>
        <span className="muted small">newest first, the last {GRID_RUNS}</span>
      </div>
      <div className="run-grid-scroll">
      <table className="run-grid" data-testid="run-grid">
        <thead>
          <tr>
            <th />
            {grid.columns.map((c) => (
              <th key={c.run_id}>
                <div
                  className={`grid-head bar-${c.status}`}
                  data-testid={`grid-col-${c.run_id}`}
                  data-status={c.status}
                  title={`${c.run_id} · ${c.status}${c.started_at ? ` · ${fmtTime(c.started_at)}` : ''}`}
                  onClick={() => open(c.run_id)}
                />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row) => (
            <tr key={row.block} data-testid={`grid-row-${row.block}`}>
              <td className="grid-block ellipsis mono">
                {row.block}
              </td>
              {row.cells.map((c) => (
                <td key={c.run_id}>
                  <div
                    className={`grid-cell ${c.status ? `bar-${c.status}` : 'bar-none'}`}
                    data-testid="grid-cell"
                    data-run={c.run_id}
                    data-status={c.status}
                    title={c.status ? `${row.block}: ${c.status}${c.ms != null ? ` · ${fmtDuration(c.ms)}` : ''}` : `${row.block}: not in this run`}
                    onClick={() => open(c.run_id)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  )
}

/** RunDetail shows one run: its blocks' status, logs and a timeline of their durations. */
export function RunDetail({ id }: { id: string }) {
  const { toast } = useApp()
  const [run, setRun] = useState<Run | null>(null)
  const [error, setError] = useState('')
  const load = useCallback(() => {
    api.getRun(id).then(setRun, (e) => setError(errorText(e)))
  }, [id])
  useEffect(load, [load])
  useWS((m) => {
    if (m.run_id === id && (m.type === 'block_finished' || m.type === 'run_finished')) load()
  })
  const going = !run || ['queued', 'running', 'retrying'].includes(run.status)
  usePoll(() => going && load(), POLL_MS)
  if (error) return <div className="banner error">{error}</div>
  if (!run) return <div className="muted pad">Loading…</div>
  const cancel = () => api.cancelRun(id).then(load, (e) => toast(errorText(e), 'error'))
  const again = (f: (id: string) => Promise<{ run_id: string }>) => () =>
    f(id).then(
      (r) => {
        window.location.hash = href({ page: 'run', id: r.run_id })
      },
      (e) => toast(errorText(e), 'error'),
    )
  const bars = timelineBars(run.blocks ?? [], run.started_at)
  return (
    <div className="page" data-testid="run-detail">
      <header className="page-head">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'pipeline', name: run.pipeline, view: 'notebook' })}>{run.pipeline}</a> /{' '}
            <a href={href({ page: 'runs', pipeline: run.pipeline })}>Runs</a> /
          </div>
          <h1 className="mono">{run.run_id}</h1>
          <StatusPill status={run.status} testId="run-detail-status" />
        </div>
        <PipelineTabs name={run.pipeline} active={null} />
        <div className="row gap-s">
          {(run.status === 'running' || run.status === 'queued') && (
            <button className="btn danger" onClick={cancel} data-testid="run-cancel">
              ■ Cancel
            </button>
          )}
          {canRetry(run.status) && (
            <button className="btn primary" onClick={again(api.retryRun)} data-testid="run-retry">
              ↻ Retry from failed
            </button>
          )}
          {canRerun(run.status) && (
            <button className="btn" onClick={again(api.rerunRun)} data-testid="run-rerun">
              ▶ Rerun
            </button>
          )}
        </div>
      </header>
      <div className="run-meta small">
        <span>
          <span className="muted">trigger</span> <span className="chip">{run.mode}</span>
        </span>
        {run.started_at && (
          <span title={run.started_at}>
            <span className="muted">started</span> {fmtTime(run.started_at)}
          </span>
        )}
        {run.duration_ms != null && (
          <span>
            <span className="muted">took</span> {fmtDuration(run.duration_ms)}
          </span>
        )}
        <span>
          <span className="muted">blocks</span> {(run.blocks ?? []).length}
        </span>
      </div>
      {run.error && run.status !== 'succeeded' && (
        <div className="banner error mono" data-testid="run-error">
          {run.error}
        </div>
      )}
      {run.stderr && run.stderr.length > 0 && (
        <details className="card" data-testid="run-stderr">
          <summary className="small">Worker process output (the run's worker died)</summary>
          <pre className="log-lines">{run.stderr.join('\n')}</pre>
        </details>
      )}
      <section className="card">
        <div className="card-head">
          <h2>Timeline</h2>
        </div>
        <div className="timeline" data-testid="run-timeline">
          {bars.map((b) => (
            <div key={b.name} className="timeline-row">
              <span className="timeline-name mono ellipsis" title={b.name}>
                {b.name}
              </span>
              <div className="timeline-track">
                <div
                  className={`timeline-bar bar-${b.status}`}
                  data-testid={`timeline-bar-${b.name}`}
                  title={`${b.name}: ${fmtDuration(b.ms)}`}
                  data-left={b.left.toFixed(2)}
                  data-width={b.width.toFixed(2)}
                  style={{ left: `${b.left}%`, width: `${Math.max(b.width, 0.5)}%`, opacity: b.attempts.length > 1 ? 0.35 : 1 }}
                />
                {b.attempts.length > 1 &&
                  b.attempts.map((a, i) => (
                    <div
                      key={i}
                      className={`timeline-bar bar-${a.error ? 'failed' : b.status}`}
                      title={`attempt ${i + 1}${a.error ? `: ${a.error}` : ''}`}
                      style={{ left: `${a.left}%`, width: `${Math.max(a.width, 0.5)}%` }}
                    />
                  ))}
              </div>
              <span className="timeline-ms muted small">{fmtDuration(b.ms)}</span>
            </div>
          ))}
          {bars.length === 0 && <div className="muted small">No block ran.</div>}
        </div>
      </section>
      <h2 className="section-title">Blocks</h2>
      <div className="notebook">
        {(run.blocks ?? []).map((b) => (
          <section key={b.name} className={`cell status-${b.status}`} data-testid={`run-block-${b.name}`}>
            <div className="cell-head">
              <span className="cell-name">{b.name}</span>
              <span className="grow" />
              {b.duration_ms != null && b.duration_ms > 0 && <span className="muted small">{fmtDuration(b.duration_ms)}</span>}
              <StatusPill status={b.status} testId="run-block-status" />
            </div>
            {b.error && <div className="block-error mono">{b.error.message}</div>}
            <div className="logs">
              <div className="logs-head">logs ({(b.logs ?? []).length})</div>
              <pre className="log-lines" data-testid="run-block-logs">
                {(b.logs ?? []).map((l, i) => (
                  <div key={i} data-testid="run-log-line">
                    {l}
                  </div>
                ))}
              </pre>
            </div>
          </section>
        ))}
      </div>
    </div>
  )
}
