import { useCallback, useEffect, useState } from 'react'
import { api, errorText, type Run } from '../lib/api'
import { fmtDuration, fmtTime } from '../lib/format'
import { canRerun, canRetry, filterRuns, runGrid, RUN_STATUSES, timelineBars } from '../lib/history'
import { href, useApp, useWS } from '../lib/hooks'
import { StatusPill } from './StatusPill'

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
  const shown = filterRuns(runs, status)
  return (
    <div className="page" data-testid="runs-page">
      <h1>Runs{pipeline ? ` of ${pipeline}` : ''}</h1>
      <label>
        Status{' '}
        <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="runs-status-filter">
          <option value="">all</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {error && <div className="banner error">{error}</div>}
      {pipeline && <RunGrid pipeline={pipeline} runs={runs} />}
      <table className="table" data-testid="runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Pipeline</th>
            <th>Trigger</th>
            <th>Status</th>
            <th>Started</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.run_id} data-testid={`run-row-${r.run_id}`} data-pipeline={r.pipeline} data-status={r.status} className="run-row">
              <td>
                <a href={href({ page: 'run', id: r.run_id })} data-testid="run-link">
                  {r.run_id}
                </a>
              </td>
              <td>
                <a href={href({ page: 'runs', pipeline: r.pipeline })}>{r.pipeline}</a>
              </td>
              <td>{r.mode}</td>
              <td>
                <StatusPill status={r.status} testId="run-status" />
              </td>
              <td>{r.started_at ? fmtTime(r.started_at) : ''}</td>
              <td>{r.duration_ms != null ? fmtDuration(r.duration_ms) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <div className="muted pad">No runs{status ? ` with status ${status}` : ''}.</div>}
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
  const cell = { width: 14, height: 14, padding: 0, cursor: 'pointer' }
  return (
    <div style={{ overflowX: 'auto', margin: '8px 0 16px' }}>
      <table className="run-grid" data-testid="run-grid" style={{ borderCollapse: 'separate', borderSpacing: 2 }}>
        <thead>
          <tr>
            <th />
            {grid.columns.map((c) => (
              <th key={c.run_id} style={{ padding: 0 }}>
                <div
                  className={`bar pill-${c.status}`}
                  data-testid={`grid-col-${c.run_id}`}
                  data-status={c.status}
                  title={`${c.run_id} · ${c.status}${c.started_at ? ` · ${fmtTime(c.started_at)}` : ''}`}
                  onClick={() => open(c.run_id)}
                  style={{ ...cell, height: 20, borderRadius: 3 }}
                />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row) => (
            <tr key={row.block} data-testid={`grid-row-${row.block}`}>
              <td className="ellipsis" style={{ maxWidth: 180, paddingRight: 8, textAlign: 'right' }}>
                {row.block}
              </td>
              {row.cells.map((c) => (
                <td key={c.run_id} style={{ padding: 0 }}>
                  <div
                    className={c.status ? `bar pill-${c.status}` : 'bar'}
                    data-testid="grid-cell"
                    data-run={c.run_id}
                    data-status={c.status}
                    title={c.status ? `${row.block}: ${c.status}${c.ms != null ? ` · ${fmtDuration(c.ms)}` : ''}` : `${row.block}: not in this run`}
                    onClick={() => open(c.run_id)}
                    style={{ ...cell, borderRadius: 2, border: '1px solid var(--border, #333)', opacity: c.status ? 1 : 0.3 }}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
  return (
    <div className="page" data-testid="run-detail">
      <h1>
        Run {run.run_id} <StatusPill status={run.status} testId="run-detail-status" />
      </h1>
      <p>
        <a href={href({ page: 'pipeline', name: run.pipeline, view: 'notebook' })}>{run.pipeline}</a> · {run.mode}
        {run.started_at ? ` · ${fmtTime(run.started_at)}` : ''}
        {run.duration_ms != null ? ` · ${fmtDuration(run.duration_ms)}` : ''}
      </p>
      {run.status === 'running' && (
        <button onClick={cancel} data-testid="run-cancel">
          Cancel
        </button>
      )}
      {canRetry(run.status) && (
        <button onClick={again(api.retryRun)} data-testid="run-retry">
          Retry from failed
        </button>
      )}
      {canRerun(run.status) && (
        <button onClick={again(api.rerunRun)} data-testid="run-rerun">
          Rerun
        </button>
      )}
      {run.error && run.status !== 'succeeded' && (
        <div className="banner error" data-testid="run-error">
          {run.error}
        </div>
      )}
      {run.stderr && run.stderr.length > 0 && (
        <details data-testid="run-stderr">
          <summary>Worker process output (the run's worker died)</summary>
          <pre className="logs">{run.stderr.join('\n')}</pre>
        </details>
      )}
      <h2>Timeline</h2>
      <div className="timeline" data-testid="run-timeline">
        {timelineBars(run.blocks ?? [], run.started_at).map((b) => (
          <div key={b.name} className="timeline-row" style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
            <span style={{ width: 160 }} className="ellipsis">
              {b.name}
            </span>
            <div style={{ position: 'relative', flex: 1, height: 12, background: 'var(--bg-2, #eee)' }}>
              <div
                className={`bar pill-${b.status}`}
                data-testid={`timeline-bar-${b.name}`}
                title={`${b.name}: ${fmtDuration(b.ms)}`}
                data-left={b.left.toFixed(2)}
                data-width={b.width.toFixed(2)}
                style={{ position: 'absolute', left: `${b.left}%`, width: `${Math.max(b.width, 0.5)}%`, height: '100%', opacity: b.attempts.length > 1 ? 0.35 : 1 }}
              />
              {b.attempts.length > 1 &&
                b.attempts.map((a, i) => (
                  <div
                    key={i}
                    className={`bar pill-${a.error ? 'failed' : b.status}`}
                    title={`attempt ${i + 1}${a.error ? `: ${a.error}` : ''}`}
                    style={{ position: 'absolute', left: `${a.left}%`, width: `${Math.max(a.width, 0.5)}%`, height: '100%' }}
                  />
                ))}
            </div>
            <span style={{ width: 70 }}>{fmtDuration(b.ms)}</span>
          </div>
        ))}
      </div>
      <h2>Blocks</h2>
      {(run.blocks ?? []).map((b) => (
        <section key={b.name} data-testid={`run-block-${b.name}`}>
          <h3>
            {b.name} <StatusPill status={b.status} testId="run-block-status" />
          </h3>
          {b.error && <pre className="banner error">{b.error.message}</pre>}
          <pre className="logs" data-testid="run-block-logs">
            {(b.logs ?? []).map((l, i) => (
              <div key={i} data-testid="run-log-line">
                {l}
              </div>
            ))}
          </pre>
        </section>
      ))}
    </div>
  )
}
