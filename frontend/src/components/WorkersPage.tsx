import { useCallback, useEffect, useState } from 'react'
import { api, errorText, type WorkerList } from '../lib/api'
import { fmtTime } from '../lib/format'
import { href, useApp, usePoll } from '../lib/hooks'

/** WorkersPage lists the cluster's connected workers (docs/CLUSTER.md), refreshed every 2 s. */
export function WorkersPage() {
  const { project } = useApp()
  const [list, setList] = useState<WorkerList | null>(null)
  const [error, setError] = useState('')
  const load = useCallback(() => {
    api.workers().then(
      (l) => {
        setList(l)
        setError('')
      },
      (e) => setError(errorText(e)),
    )
  }, [])
  useEffect(load, [load])
  usePoll(load, 2000)
  if (error) return <div className="banner error">{error}</div>
  if (!list) return <div className="muted pad">Loading…</div>
  return (
    <div className="page" data-testid="workers-page">
      <header className="page-head">
        <div className="head-title">
          <div className="crumbs">
            <a href={href({ page: 'project' })}>{project || 'Project'}</a> /
          </div>
          <h1>Workers</h1>
        </div>
      </header>
      {!list.cluster && (
        <p className="card muted" data-testid="workers-local">
          Runs execute on this machine, each in a worker process of its own. Start the editor with{' '}
          <code>--nats-listen</code> or <code>--nats</code> and connect <code>golem worker</code>s to run them on a cluster.
        </p>
      )}
      {list.cluster && list.workers.length === 0 && (
        <div className="banner error" data-testid="workers-none">
          No worker is connected: runs wait queued until one is (<code>golem worker --nats URL</code>).
        </div>
      )}
      {list.workers.length > 0 && (
        <section className="card">
        <table className="list" data-testid="workers-table">
          <thead>
            <tr>
              <th>Worker</th>
              <th>Labels</th>
              <th>Slots</th>
              <th>Running</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {list.workers.map((w) => (
              <tr key={w.name} data-testid={`worker-${w.name}`}>
                <td className="mono strong">{w.name}</td>
                <td>{w.labels.length ? w.labels.map((l) => <span key={l} className="chip">{l}</span>) : '—'}</td>
                <td>{w.slots}</td>
                <td>
                  {w.running.length === 0
                    ? 'idle'
                    : w.running.map((id) => (
                        <a key={id} href={href({ page: 'run', id })} className="mono">
                          {id}{' '}
                        </a>
                      ))}
                </td>
                <td>{fmtTime(w.last_heartbeat)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </section>
      )}
    </div>
  )
}
