import { useCallback, useEffect, useState } from 'react'
import { api, errorText, type Pipeline, type TriggerList } from '../lib/api'
import { fmtTime } from '../lib/format'
import { href, useApp } from '../lib/hooks'
import { PipelineTabs } from './PipelineTabs'
import { StatusPill } from './StatusPill'
import { initialValues, inputKind, toRunVars, type FormValue } from '../lib/runform'

/** TriggersPage lists a pipeline's triggers (triggers.yaml) with their next run, and a "run now" form. */
export function TriggersPage({ name }: { name: string }) {
  const { toast } = useApp()
  const [list, setList] = useState<TriggerList | null>(null)
  const [error, setError] = useState('')
  const load = useCallback(() => {
    api.triggers(name).then(setList, (e) => setError(errorText(e)))
  }, [name])
  useEffect(load, [load])
  const toggle = (trigger: string, enabled: boolean) =>
    api.setTriggerEnabled(name, trigger, enabled).then(load, (e) => toast(errorText(e), 'error'))
  return (
    <div className="page" data-testid="triggers-page">
      <header className="page-head">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'project' })}>Pipelines</a> /{' '}
            <a href={href({ page: 'pipeline', name, view: 'notebook' })}>{name}</a> /
          </div>
          <h1>Triggers</h1>
        </div>
        <PipelineTabs name={name} active="triggers" />
      </header>
      {error && <div className="banner error">{error}</div>}
      {list && (
        <section className="card">
          <div className="card-head">
            <h2>Schedules</h2>
            <span className="muted small mono">{list.file}</span>
          </div>
          {list.problems.map((p, i) => (
            <div key={i} className="banner error" data-testid="trigger-problem">
              {p.message}
            </div>
          ))}
          {list.triggers.length === 0 && list.problems.length === 0 && (
            <div className="empty">No triggers: add them in {list.file}.</div>
          )}
          {list.triggers.length > 0 && (
            <table className="list" data-testid="triggers-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Schedule</th>
                  <th>Timezone</th>
                  <th>Next run</th>
                  <th>Enabled</th>
                </tr>
              </thead>
              <tbody>
                {list.triggers.map((t) => (
                  <tr key={t.name} data-testid={`trigger-row-${t.name}`}>
                    <td className="mono strong">{t.name}</td>
                    <td>
                      <span className="chip">{t.type}</span>
                    </td>
                    <td>
                      <code className="mono">{t.schedule}</code>
                    </td>
                    <td className="muted">{t.timezone}</td>
                    <td data-testid="trigger-next" title={t.next_run ?? ''}>
                      {t.next_run && t.enabled ? fmtTime(t.next_run) : '—'}
                    </td>
                    <td>
                      <label className="row gap-s">
                      <input
                        type="checkbox"
                        checked={t.enabled}
                        onChange={(e) => toggle(t.name, e.target.checked)}
                        data-testid="trigger-enabled"
                      />
                      <StatusPill status={t.enabled ? 'enabled' : 'disabled'} />
                      </label>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      <RunNow name={name} />
    </div>
  )
}

/** RunNow is a form generated from the pipeline's declared variables that starts a full run. */
function RunNow({ name }: { name: string }) {
  const { toast } = useApp()
  const [pipeline, setPipeline] = useState<Pipeline | null>(null)
  const [values, setValues] = useState<Record<string, FormValue>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  useEffect(() => {
    api.pipeline(name).then(
      (p) => {
        setPipeline(p)
        setValues(initialValues(p.variables ?? {}))
      },
      (e) => toast(errorText(e), 'error'),
    )
  }, [name, toast])
  if (!pipeline) return null
  const decl = pipeline.variables ?? {}
  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    const r = toRunVars(decl, values)
    setErrors(r.errors)
    if (Object.keys(r.errors).length) return
    api.run(name, 'pipeline', undefined, r.vars).then(
      (res) => {
        window.location.hash = href({ page: 'run', id: res.run_id })
      },
      (err) => toast(errorText(err), 'error'),
    )
  }
  return (
    <form className="card run-now" onSubmit={submit} data-testid="run-now-form">
      <div className="card-head">
        <h2>Run now</h2>
        <span className="muted small">a full run with these variables</span>
      </div>
      {Object.keys(decl).length === 0 && <div className="muted small">This pipeline declares no variables.</div>}
      {Object.entries(decl).map(([v, d]) => {
        const kind = inputKind(d.type)
        const val = values[v]
        return (
          <label key={v} className="form-row">
            <span className="form-label">
              <span className="mono">{v}</span> <span className="chip">{d.type || 'string'}</span>
            </span>
            {kind === 'checkbox' ? (
              <input
                type="checkbox"
                checked={val === true}
                onChange={(e) => setValues({ ...values, [v]: e.target.checked })}
                data-testid={`run-var-${v}`}
              />
            ) : (
              <input
                type={kind}
                step={d.type === 'float' ? 'any' : undefined}
                value={typeof val === 'string' ? val : ''}
                onChange={(e) => setValues({ ...values, [v]: e.target.value })}
                data-testid={`run-var-${v}`}
              />
            )}
            {d.description && <span className="muted small"> {d.description}</span>}
            {errors[v] && <span className="form-error small"> {errors[v]}</span>}
          </label>
        )
      })}
      <div className="row">
        <button className="btn primary" type="submit" data-testid="run-now">
          ▶ Run now
        </button>
      </div>
    </form>
  )
}
