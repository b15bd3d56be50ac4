import { useCallback, useEffect, useMemo, useState } from 'react'
import { api, errorText, type Entry, type StepPoint } from '../lib/api'
import {
  filterEntries,
  fmtValue,
  importance,
  importanceBars,
  keysOf,
  metricBars,
  overTime,
  paramDiff,
  parallelCoords,
  sortEntries,
  stepLines,
  trialChart,
  type Filter,
  type Sort,
} from '../lib/experiments'
import { fmtTime } from '../lib/format'
import { href, useApp, usePoll } from '../lib/hooks'
import { EChart } from './EChart'

/** ExperimentsPage lists what blocks logged (ctx.LogParam, LogMetric, LogModel): sortable and
 * filterable, with a comparison of the entries selected and, for one pipeline, its metrics over time. */
export function ExperimentsPage({ pipeline }: { pipeline?: string }) {
  const { project } = useApp()
  const [entries, setEntries] = useState<Entry[] | null>(null)
  const [error, setError] = useState('')
  const [sort, setSort] = useState<Sort>({ key: 'started', desc: true })
  const [filter, setFilter] = useState<Filter>({})
  const [selected, setSelected] = useState<string[]>([])
  const load = useCallback(() => {
    api.experiments({ pipeline, trials: false }).then(
      (r) => {
        setEntries((old) => (old && JSON.stringify(old) === JSON.stringify(r.entries) ? old : r.entries))
        setError('')
      },
      (e) => setError(errorText(e)),
    )
  }, [pipeline])
  useEffect(load, [load])
  usePoll(load, 5000)

  const all = useMemo(() => entries ?? [], [entries])
  const params = useMemo(() => keysOf(all, 'params'), [all])
  const metrics = useMemo(() => keysOf(all, 'metrics'), [all])
  const pipelines = useMemo(() => [...new Set(all.map((e) => e.pipeline))].sort(), [all])
  const shown = useMemo(() => sortEntries(filterEntries(all, filter), sort), [all, filter, sort])
  const chosen = useMemo(() => all.filter((e) => selected.includes(e.id)), [all, selected])
  if (error) return <div className="banner error">{error}</div>
  if (!entries) return <div className="muted pad">Loading…</div>

  const th = (key: string, label: string) => (
    <th
      key={key}
      className="sortable"
      data-testid={`sort-${key}`}
      onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'started' ? false : true }))}
    >
      {label}
      {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
    </th>
  )
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]))
  return (
    <div className="page" data-testid="experiments-page">
      <header className="page-head">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'project' })}>{project || 'Project'}</a> /
          </div>
          <h1>Experiments{pipeline ? ` — ${pipeline}` : ''}</h1>
        </div>
      </header>
      <section className="card row gap wrap" data-testid="experiments-filters">
        <label>
          pipeline{' '}
          <select
            value={pipeline ?? ''}
            data-testid="filter-pipeline"
            onChange={(e) => (window.location.hash = href({ page: 'experiments', pipeline: e.target.value || undefined }))}
          >
            <option value="">all</option>
            {pipelines.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          parameter{' '}
          <select value={filter.param ?? ''} data-testid="filter-param" onChange={(e) => setFilter({ ...filter, param: e.target.value || undefined })}>
            <option value="">any</option>
            {params.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        {filter.param && (
          <input placeholder="value contains" data-testid="filter-param-value" value={filter.paramValue ?? ''} onChange={(e) => setFilter({ ...filter, paramValue: e.target.value })} />
        )}
        <label>
          metric{' '}
          <select value={filter.metric ?? ''} data-testid="filter-metric" onChange={(e) => setFilter({ ...filter, metric: e.target.value || undefined })}>
            <option value="">any</option>
            {metrics.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        {filter.metric && (
          <>
            <input type="number" placeholder="min" data-testid="filter-min" style={{ width: 80 }} onChange={(e) => setFilter({ ...filter, min: e.target.value === '' ? undefined : Number(e.target.value) })} />
            <input type="number" placeholder="max" data-testid="filter-max" style={{ width: 80 }} onChange={(e) => setFilter({ ...filter, max: e.target.value === '' ? undefined : Number(e.target.value) })} />
          </>
        )}
        <span className="muted">
          {shown.length} of {all.length} entries · {selected.length} selected
        </span>
      </section>
      {all.length === 0 ? (
        <p className="card muted" data-testid="experiments-empty">
          No experiment entries yet. Blocks log them with <code>ctx.LogParam</code>, <code>ctx.LogMetric</code>, <code>ctx.LogMetricStep</code> and{' '}
          <code>ctx.LogModel</code>.
        </p>
      ) : (
        <section className="card scroll-x">
          <table className="list" data-testid="experiments-table">
            <thead>
              <tr>
                <th />
                {th('started', 'Run')}
                {th('pipeline', 'Pipeline')}
                {th('block', 'Block')}
                {th('status', 'Status')}
                {metrics.map((m) => th(`metric:${m}`, m))}
                {params.map((p) => th(`param:${p}`, p))}
                <th>Model</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr key={e.id} data-testid={`entry-${e.id}`} className={selected.includes(e.id) ? 'selected' : ''}>
                  <td>
                    <input type="checkbox" checked={selected.includes(e.id)} onChange={() => toggle(e.id)} data-testid={`select-${e.id}`} />
                  </td>
                  <td className="mono">
                    <a href={href({ page: 'run', id: e.run_id })} title={e.run_id}>
                      {fmtTime(e.started)}
                    </a>
                  </td>
                  <td>{e.pipeline}</td>
                  <td>
                    {e.block}
                    {e.params?.['search.trials'] !== undefined && (
                      <>
                        {' '}
                        <a className="chip" href={href({ page: 'search', id: e.id })} data-testid={`search-${e.id}`}>
                          search
                        </a>
                      </>
                    )}
                  </td>
                  <td>{e.status}</td>
                  {metrics.map((m) => (
                    <td key={m} className="num">
                      {fmtValue(e.metrics?.[m])}
                    </td>
                  ))}
                  {params.map((p) => (
                    <td key={p} className="num">
                      {fmtValue(e.params?.[p])}
                    </td>
                  ))}
                  <td>{e.model ? <span className="chip">{`${e.model.name}/${e.model.version}`}</span> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {chosen.length >= 2 && <Compare entries={chosen} />}
      {pipeline && all.length > 1 && <OverTime entries={all} metrics={metrics} pipeline={pipeline} />}
    </div>
  )
}

/** Compare shows the entries selected side by side: parameter diff, metric bars, parallel
 * coordinates and their curves. */
function Compare({ entries }: { entries: Entry[] }) {
  const diff = paramDiff(entries)
  const metrics = keysOf(entries, 'metrics')
  const [steps, setSteps] = useState<{ entry: Entry; steps: Record<string, StepPoint[]> }[]>([])
  useEffect(() => {
    let live = true
    Promise.all(entries.filter((e) => e.stepped?.length).map((e) => api.experimentSteps(e.id).then((r) => ({ entry: e, steps: r.steps })))).then(
      (s) => live && setSteps(s),
      () => live && setSteps([]),
    )
    return () => {
      live = false
    }
  }, [entries])
  return (
    <section className="card" data-testid="compare">
      <div className="card-head">
        <strong>Compare {entries.length} entries</strong>
      </div>
      <table className="list" data-testid="param-diff">
        <thead>
          <tr>
            <th>parameter</th>
            {entries.map((e) => (
              <th key={e.id} className="mono">
                {e.block} {e.run_id.slice(-6)}
                {e.trial ? ` #${e.trial}` : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {diff.map((d) => (
            <tr key={d.name} className={d.differs ? 'differs' : ''} data-testid={`diff-${d.name}`} data-differs={d.differs}>
              <td className="mono">{d.name}</td>
              {d.values.map((v, i) => (
                <td key={i} className="num">
                  {fmtValue(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="grid2">
        <div data-testid="metric-bars">
          <h3>Metrics</h3>
          <EChart option={metricBars(entries, metrics)} height={260} />
        </div>
        <div data-testid="parallel-coords">
          <h3>Parallel coordinates</h3>
          <EChart option={parallelCoords(entries)} height={260} />
        </div>
      </div>
      {steps.length > 0 && (
        <div data-testid="step-lines">
          <h3>Curves</h3>
          <EChart option={stepLines(steps)} height={260} />
        </div>
      )}
    </section>
  )
}

function OverTime({ entries, metrics, pipeline }: { entries: Entry[]; metrics: string[]; pipeline: string }) {
  const [alerts, setAlerts] = useState<{ metric: string; above?: number; below?: number }[]>([])
  useEffect(() => {
    api.pipeline(pipeline).then(
      (p) => setAlerts(((p as unknown as { alerts?: { metric: string; above?: number; below?: number }[] }).alerts ?? [])),
      () => setAlerts([]),
    )
  }, [pipeline])
  const [picked, setPicked] = useState<string[]>(() => metrics.slice(0, 2))
  return (
    <section className="card" data-testid="over-time">
      <div className="card-head">
        <strong>Metrics over time</strong>
        <span className="muted">each run of {pipeline}; dashed lines are the pipeline's alert rules</span>
      </div>
      <div className="row gap wrap">
        {metrics.map((m) => (
          <label key={m}>
            <input type="checkbox" checked={picked.includes(m)} onChange={() => setPicked((p) => (p.includes(m) ? p.filter((x) => x !== m) : [...p, m]))} /> {m}
          </label>
        ))}
      </div>
      <EChart option={overTime(entries, picked, alerts)} height={260} />
    </section>
  )
}

/** SearchPage is a search's view: each trial's metric, the best so far, parameter importance and
 * the trials. */
export function SearchPage({ id }: { id: string }) {
  const [trials, setTrials] = useState<Entry[] | null>(null)
  const [search, setSearch] = useState<Entry | null>(null)
  const [error, setError] = useState('')
  const load = useCallback(() => {
    const [run] = id.split('/')
    Promise.all([api.experiments({ parent: id }), api.experiments({})]).then(
      ([t, all]) => {
        setTrials(t.entries)
        setSearch(all.entries.find((e) => e.id === id && e.run_id === run) ?? null)
        setError('')
      },
      (e) => setError(errorText(e)),
    )
  }, [id])
  useEffect(load, [load])
  usePoll(load, 3000)
  if (error) return <div className="banner error">{error}</div>
  if (!trials) return <div className="muted pad">Loading…</div>
  const metric = String(search?.params?.['search.metric'] ?? 'objective')
  const imp = importance(trials, metric)
  const params = keysOf(trials, 'params')
  return (
    <div className="page" data-testid="search-page">
      <header className="page-head">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'experiments', pipeline: search?.pipeline })}>Experiments</a> /
          </div>
          <h1>
            Search {id} ({trials.length} trials)
          </h1>
        </div>
      </header>
      <div className="grid2">
        <section className="card" data-testid="trial-chart">
          <h3>{metric} by trial</h3>
          <EChart option={trialChart(trials, metric)} height={260} />
        </section>
        <section className="card" data-testid="importance">
          <h3>Parameter importance</h3>
          {imp.length ? <EChart option={importanceBars(imp)} height={260} /> : <p className="muted">Needs three finished trials.</p>}
        </section>
      </div>
      <section className="card scroll-x">
        <table className="list" data-testid="trials-table">
          <thead>
            <tr>
              <th>trial</th>
              <th>status</th>
              <th>{metric}</th>
              {params.map((p) => (
                <th key={p}>{p}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {trials.map((t) => (
              <tr key={t.id} data-testid={`trial-${t.trial}`}>
                <td>{t.trial}</td>
                <td>{t.status}</td>
                <td className="num">{fmtValue(t.metrics?.[metric])}</td>
                {params.map((p) => (
                  <td key={p} className="num">
                    {fmtValue(t.params?.[p])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  )
}
