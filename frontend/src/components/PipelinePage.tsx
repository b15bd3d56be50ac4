import { lazy, Suspense, useCallback, useEffect, useReducer, useRef, useState } from 'react'
import { api, ApiError, errorText, type ErrorBody, type Pipeline, type RunMode } from '../lib/api'
import { initialRunState, mergeLogs, reduceRun, planErrorFor, seedFromRuns, type HistoryRun, type RunState, type WSMessage } from '../lib/runs'
import { href, useApp, useLocalStorage, usePoll, useWS } from '../lib/hooks'
import { fmtDuration } from '../lib/format'
import { sqlScope } from '../lib/sqlcomplete'
import { StatusPill } from './StatusPill'
import { BlockCell } from './BlockCell'
import { AddBlock } from './AddBlock'
import { VariablesPanel } from './VariablesPanel'
import { PipelineTabs } from './PipelineTabs'
// The DAG view (and @xyflow/react) loads on first use.
const DagView = lazy(() => import('./DagView').then((m) => ({ default: m.DagView })))

type Action = { t: 'ws'; m: WSMessage } | { t: 'seed'; runs: HistoryRun[] } | { t: 'logs'; run: HistoryRun }

function reducer(s: RunState, a: Action): RunState {
  if (a.t === 'ws') return reduceRun(s, a.m)
  return a.t === 'seed' ? seedFromRuns(s, a.runs) : mergeLogs(s, a.run)
}

/** SEED_RUNS is how many of the newest runs the page reads to find each block's last run. */
const SEED_RUNS = 5
/** POLL_MS: runs of `golem run` in another terminal reach the page through the history, read this often. */
const POLL_MS = 2000

export function PipelinePage({ name, view }: { name: string; view: 'notebook' | 'dag' }) {
  const { toast, refreshProject } = useApp()
  const [pipeline, setPipeline] = useState<Pipeline | null>(null)
  const [loadErr, setLoadErr] = useState<string | null>(null)
  const [runs, dispatch] = useReducer(reducer, name, initialRunState)
  const [planError, setPlanError] = useState<ErrorBody | null>(null)
  // the block whose ▶ Run got the plan error: an error without a file shows in its cell
  const [planBlock, setPlanBlock] = useState<string | null>(null)
  const [vars, setVars] = useLocalStorage<Record<string, string>>(`golem.vars.${name}`, {})
  const [showVars, setShowVars] = useState(true)

  const load = useCallback(() => {
    api
      .pipeline(name)
      .then((p) => {
        setPipeline(p)
        setLoadErr(null)
      })
      .catch((e) => setLoadErr(errorText(e)))
  }, [name])

  // run id → status as last read from the history; a change means new logs to fetch
  const seen = useRef(new Map<string, string>())
  const loadRuns = useCallback(
    (all: boolean) => {
      api
        .runsWithBlocks(name, SEED_RUNS)
        .then((rs) => {
          dispatch({ t: 'seed', runs: rs })
          // The list has no logs: fetch the runs that hold a block's state and ended since last looked.
          const owners = new Set<string>()
          const claimed = new Set<string>()
          for (const r of rs)
            for (const b of r.blocks ?? [])
              if (!claimed.has(b.name)) {
                claimed.add(b.name)
                owners.add(r.run_id)
              }
          let ended = false
          for (const r of rs) {
            const before = seen.current.get(r.run_id)
            seen.current.set(r.run_id, r.status)
            const changed = before !== r.status && !['queued', 'running', 'retrying'].includes(r.status)
            if (!all && changed) ended = true // a run that ended since the last look, or between two looks
            if (owners.has(r.run_id) && (all || changed))
              api.getRun(r.run_id).then((full) => dispatch({ t: 'logs', run: full }), () => {})
          }
          if (ended) load() // a run elsewhere stored outputs: refresh the blocks' output info
        })
        .catch(() => {})
    },
    [name, load],
  )

  useEffect(() => {
    seen.current = new Map()
    load()
    loadRuns(true)
  }, [load, loadRuns])
  usePoll(() => loadRuns(false), POLL_MS)

  useWS((m) => {
    dispatch({ t: 'ws', m })
    if (m.type === 'reconnected') {
      load()
      loadRuns(true)
    } else if (m.type === 'pipeline_changed' && m.pipeline === name) {
      if (m.version === '') setLoadErr(`pipeline ${name} was deleted`)
      else if (m.version !== pipeline?.version) load()
    } else if (m.type === 'file_changed' && pipeline?.blocks.some((b) => b.file === m.path)) {
      load()
    } else if (m.type === 'run_finished' && m.pipeline === name) {
      load()
    } else if (m.type === 'run_started' && m.pipeline === name) {
      setPlanError(null)
    }
  })

  const run = useCallback(
    async (mode: RunMode, block?: string) => {
      setPlanError(null)
      setPlanBlock(block ?? null)
      const used: Record<string, string> = {}
      for (const [k, v] of Object.entries(vars)) if (v !== '' && pipeline?.variables?.[k]) used[k] = v
      try {
        await api.run(name, mode, block, used)
      } catch (e) {
        if (e instanceof ApiError && e.status === 422) setPlanError(e.body)
        else toast(errorText(e))
      }
    },
    [name, vars, pipeline, toast],
  )

  const cancel = async () => {
    if (!runs.activeRun) return
    try {
      await api.cancelRun(runs.activeRun)
    } catch (e) {
      toast(errorText(e))
    }
  }

  const changed = (p?: Pipeline) => {
    if (p && p.blocks) setPipeline(p)
    else load()
    refreshProject()
  }

  const move = async (block: string, dir: -1 | 1) => {
    if (!pipeline) return
    const names = pipeline.blocks.map((b) => b.name)
    const i = names.indexOf(block)
    const j = i + dir
    if (i < 0 || j < 0 || j >= names.length) return
    ;[names[i], names[j]] = [names[j], names[i]]
    try {
      changed(await api.reorder(name, names))
    } catch (e) {
      toast(errorText(e))
    }
  }

  if (loadErr && !pipeline)
    return (
      <div className="page">
        <div className="banner error" data-testid="pipeline-error">
          {loadErr}
        </div>
      </div>
    )
  if (!pipeline) return <div className="page muted pad">Loading {name}…</div>

  const running = !!runs.activeRun
  const names = pipeline.blocks.map((b) => b.name)

  return (
    <div className="page pipeline-page" data-testid="pipeline-page">
      <header className="page-head sticky">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'project' })}>Pipelines</a> /
          </div>
          <h1 data-testid="pipeline-name">{pipeline.name}</h1>
          {pipeline.description && <span className="muted small desc">{pipeline.description}</span>}
        </div>
        <PipelineTabs name={name} active={view} />
        <div className="row gap-s">
          {runs.runStatus && (
            <span className="row gap-s small muted" data-testid="run-status">
              run <StatusPill status={runs.runStatus} testId="run-status-pill" />
              {runs.runDuration !== undefined && !running && fmtDuration(runs.runDuration)}
            </span>
          )}
          <button
            className="btn xs ghost"
            onClick={() => setShowVars(!showVars)}
            data-testid="toggle-variables"
            title="Variables panel"
          >
            Variables
          </button>
          {running && (
            <button className="btn danger" onClick={cancel} data-testid="cancel-run">
              ■ Cancel
            </button>
          )}
          <button
            className="btn primary"
            onClick={() => run('pipeline')}
            disabled={running || pipeline.blocks.length === 0}
            data-testid="run-pipeline"
          >
            ▶ Run pipeline
          </button>
        </div>
      </header>
      {planError && !pipeline.blocks.some((b) => planErrorFor(planError, b, planBlock)) && (
        <div className="banner error mono" data-testid="plan-error">
          <button className="close" onClick={() => setPlanError(null)}>
            ×
          </button>
          {errorText(new ApiError(422, planError))}
        </div>
      )}
      {runs.runError && runs.runStatus !== 'succeeded' && !planError && !Object.values(runs.blocks).some((b) => b.run_id === runs.runId && b.error) && (
        <div className="banner error mono small" data-testid="run-error">
          {runs.runError.message}
        </div>
      )}
      <div className="pipeline-body">
        <div className="notebook-col">
          {view === 'dag' ? (
            <Suspense fallback={<div className="muted pad">Loading DAG…</div>}>
              <DagView pipeline={pipeline} runs={runs} onChanged={changed} />
            </Suspense>
          ) : (
            <div className="notebook" data-testid="notebook">
              {pipeline.blocks.length === 0 && (
                <div className="empty">This pipeline has no blocks yet: add a data loader below.</div>
              )}
              {pipeline.blocks.map((b, i) => (
                <BlockCell
                  key={`${b.name}|${b.file}`}
                  pipeline={name}
                  block={b}
                  names={names}
                  index={i}
                  count={pipeline.blocks.length}
                  run={runs.blocks[b.name]}
                  pipelineRunning={running}
                  planError={planErrorFor(planError, b, planBlock)}
                  onRun={run}
                  onCancel={cancel}
                  onChanged={changed}
                  onMove={(d) => move(b.name, d)}
                  sqlScope={b.file.endsWith('.sql') ? sqlScope(pipeline.blocks, b, pipeline.variables) : undefined}
                />
              ))}
              <AddBlock pipeline={pipeline} onAdded={() => changed()} />
            </div>
          )}
        </div>
        {showVars && (
          <aside className="side-panel">
            <VariablesPanel pipeline={pipeline} values={vars} setValues={setVars} onChanged={changed} />
          </aside>
        )}
      </div>
    </div>
  )
}

