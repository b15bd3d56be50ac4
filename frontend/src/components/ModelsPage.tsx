import { useCallback, useEffect, useState } from 'react'
import { api, errorText, type RegisteredModel } from '../lib/api'
import { fmtValue } from '../lib/experiments'
import { fmtTime } from '../lib/format'
import { href, useApp } from '../lib/hooks'

const ALIASES = ['champion', 'challenger']

/** ModelsPage is the model registry: every model's versions with their lineage (the run that
 * registered it, its pipeline and block, code hash, variables, metrics); aliases set or moved
 * with a click. */
export function ModelsPage() {
  const { project } = useApp()
  const [models, setModels] = useState<RegisteredModel[] | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const load = useCallback(() => {
    api.models().then(
      (r) => {
        setModels(r.models)
        setError('')
      },
      (e) => setError(errorText(e)),
    )
  }, [])
  useEffect(load, [load])
  const act = (p: Promise<unknown>) => {
    setBusy(true)
    p.then(load, (e) => setError(errorText(e))).finally(() => setBusy(false))
  }
  if (!models && error) return <div className="banner error">{error}</div>
  if (!models) return <div className="muted pad">Loading…</div>
  return (
    <div className="page" data-testid="models-page">
      <header className="page-head">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'project' })}>{project || 'Project'}</a> /
          </div>
          <h1>Models</h1>
        </div>
      </header>
      {error && <div className="banner error">{error}</div>}
      {models.length === 0 && (
        <p className="card muted" data-testid="models-empty">
          No registered models yet. A block registers a version with <code>ctx.LogModel(name, model)</code>; blocks load one with{' '}
          <code>ml.LoadModel(ctx, "name@champion")</code>.
        </p>
      )}
      {models.map((m) => (
        <section className="card" key={m.name} data-testid={`model-${m.name}`}>
          <div className="card-head">
            <strong className="mono">{m.name}</strong>
            <span className="muted">
              {m.versions.length} versions · aliases:{' '}
              {Object.keys(m.aliases ?? {}).length
                ? Object.entries(m.aliases)
                    .map(([a, v]) => `${a} → ${v}`)
                    .join(', ')
                : 'none'}
            </span>
          </div>
          <table className="list">
            <thead>
              <tr>
                <th>Version</th>
                <th>Aliases</th>
                <th>Created</th>
                <th>Lineage</th>
                <th>Metrics</th>
                <th>Set alias</th>
              </tr>
            </thead>
            <tbody>
              {m.versions.map((v) => (
                <tr key={v.version} data-testid={`version-${m.name}-${v.version}`}>
                  <td className="mono strong">{v.version}</td>
                  <td data-testid={`aliases-${m.name}-${v.version}`}>
                    {v.aliases.map((a) => (
                      <span key={a} className="chip" data-testid={`alias-${m.name}-${v.version}-${a}`}>
                        {a}{' '}
                        <button className="btn ghost xs" title={`remove ${a}`} disabled={busy} onClick={() => act(api.removeAlias(m.name, a))}>
                          ×
                        </button>
                      </span>
                    ))}
                  </td>
                  <td>{fmtTime(v.created)}</td>
                  <td className="small">
                    <a href={href({ page: 'run', id: v.run_id })} className="mono" data-testid={`lineage-${m.name}-${v.version}`}>
                      {v.run_id}
                    </a>
                    <div className="muted">
                      {v.pipeline}/{v.block} · code {v.code_hash.slice(0, 10)}
                    </div>
                    {v.vars && (
                      <div className="muted mono" title={JSON.stringify(v.vars)}>
                        {['train', 'validation', 'month', 'months', 'features'].filter((k) => v.vars?.[k]).map((k) => `${k}=${v.vars?.[k]}`).join(' ')}
                      </div>
                    )}
                  </td>
                  <td className="small mono">
                    {Object.entries(v.metrics ?? {})
                      .filter(([k]) => /rmse|mae|r2|loss|auc|acc/.test(k))
                      .map(([k, x]) => `${k}=${fmtValue(x)}`)
                      .join(' ')}
                  </td>
                  <td>
                    {ALIASES.map((a) => (
                      <button
                        key={a}
                        className="btn xs"
                        disabled={busy || m.aliases?.[a] === v.version}
                        data-testid={`set-${a}-${m.name}-${v.version}`}
                        onClick={() => act(api.setAlias(m.name, a, v.version))}
                      >
                        {a}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  )
}
