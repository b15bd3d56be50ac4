import { useCallback, useEffect, useState } from 'react'
import { api, errorText, type SecretList } from '../lib/api'
import { href, useApp, usePoll } from '../lib/hooks'

/** SecretsPage lists the project's secrets and connection profiles by name; values never reach the page. */
export function SecretsPage() {
  const { project } = useApp()
  const [list, setList] = useState<SecretList | null>(null)
  const [error, setError] = useState('')
  const load = useCallback(() => {
    api.secrets().then(
      (l) => {
        setList(l)
        setError('')
      },
      (e) => setError(errorText(e)),
    )
  }, [])
  useEffect(load, [load])
  usePoll(load, 5000)
  if (error) return <div className="banner error">{error}</div>
  if (!list) return <div className="muted pad">Loading…</div>
  return (
    <div className="page" data-testid="secrets-page">
      <header className="page-head">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'project' })}>{project || 'Project'}</a> /
          </div>
          <h1>Secrets</h1>
        </div>
      </header>
      <p className="card muted">
        Set a secret with <code>golem secrets set DIR NAME</code> (encrypted to <code className="mono">{list.key_file}</code>) or the
        variable <code>GOLEM_SECRET_NAME</code>; a connection profile uses it as <code>{'${secret:NAME}'}</code>. Values are never shown
        here, and are masked in logs and run history.
      </p>
      <section className="card">
        <h2>Connections</h2>
        {list.connections.length === 0 ? (
          <p className="muted">
            No connection profiles: add <code>connections:</code> to golem.yaml or connections.yaml.
          </p>
        ) : (
          <table className="list" data-testid="connections-table">
            <thead>
              <tr>
                <th>Connection</th>
                <th>Type</th>
                <th>Defined at</th>
                <th>References</th>
              </tr>
            </thead>
            <tbody>
              {list.connections.map((c) => (
                <tr key={c.name} data-testid={`connection-${c.name}`}>
                  <td className="mono strong">{c.name}</td>
                  <td>
                    <span className="chip">{c.type}</span>
                  </td>
                  <td>
                    <a className="mono" href={href({ page: 'file', path: c.file })}>
                      {c.file}:{c.line}
                    </a>
                  </td>
                  <td>
                    {c.refs.length === 0
                      ? '—'
                      : c.refs.map((r) => (
                          <span key={r.kind + r.name} className={`chip${r.set ? '' : ' chip-warn'}`} title={r.set ? 'set' : 'not set'}>
                            {r.kind}:{r.name}
                            {r.set ? '' : ' (not set)'}
                          </span>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h2>Secrets</h2>
        {list.secrets.length === 0 ? (
          <p className="muted">No secrets yet.</p>
        ) : (
          <table className="list" data-testid="secrets-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {list.secrets.map((s) => (
                <tr key={s.name} data-testid={`secret-${s.name}`}>
                  <td className="mono strong">{s.name}</td>
                  <td>{s.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}
