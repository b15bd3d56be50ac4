import { useCallback, useEffect, useMemo, useState } from 'react'
import { RunDetail, RunsPage } from './RunsPage'
import { TriggersPage } from './TriggersPage'
import { WorkersPage } from './WorkersPage'
import { SecretsPage } from './SecretsPage'
import { ExperimentsPage, SearchPage } from './ExperimentsPage'
import { ModelsPage } from './ModelsPage'
import { api, errorText, type Completion, type Project } from '../lib/api'
import { Socket, wsURL } from '../lib/ws'
import { AppContext, href, useRoute, usePoll } from '../lib/hooks'
import { ProjectPage } from './ProjectPage'
import { PipelinePage } from './PipelinePage'
import { FilePage } from './FilePage'
import { StatusPill } from './StatusPill'

interface Toast {
  id: number
  msg: string
  kind: 'error' | 'info'
}

export function App() {
  const route = useRoute()
  const [project, setProject] = useState<Project | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [completions, setCompletions] = useState<Completion[]>([])
  const [socket] = useState(() => new Socket(wsURL()))
  const [up, setUp] = useState(false)
  const [toasts, setToasts] = useState<Toast[]>([])

  const toast = useCallback((msg: string, kind: 'error' | 'info' = 'error') => {
    const id = Date.now() + Math.random()
    setToasts((t) => [...t.slice(-3), { id, msg, kind }])
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 3000)
  }, [])

  const refreshProject = useCallback(() => {
    api
      .project()
      .then((p) => {
        // unchanged (most polls): keep the old object, so nothing re-renders
        setProject((prev) => (prev && JSON.stringify(prev) === JSON.stringify(p) ? prev : p))
        setLoadError(null)
      })
      .catch((e) => setLoadError(errorText(e)))
  }, [])

  useEffect(() => {
    refreshProject()
    api.completions().then(setCompletions).catch(() => {})
    const off1 = socket.onStatus(setUp)
    const off2 = socket.subscribe((m) => {
      if (
        m.type === 'run_finished' ||
        m.type === 'pipeline_changed' ||
        m.type === 'project_changed' ||
        m.type === 'reconnected'
      )
        refreshProject()
    })
    socket.start()
    return () => {
      off1()
      off2()
      socket.stop()
    }
  }, [socket, refreshProject])

  // The sidebar's and project page's last-run dots: runs of `golem run` elsewhere send no events here.
  usePoll(refreshProject, 5000)

  const ctx = useMemo(
    () => ({ socket, completions, project: project?.name ?? '', refreshProject, toast }),
    [socket, completions, project?.name, refreshProject, toast],
  )

  const activePipeline = route.page === 'pipeline' ? route.name : null
  const activeFile = route.page === 'file' ? route.path : null

  return (
    <AppContext.Provider value={ctx}>
      <div className="shell">
        <aside className="sidebar" data-testid="sidebar">
          <a className="brand" href={href({ page: 'project' })}>
            <span className="logo">G</span>
            <span>Golem</span>
          </a>
          <div className="project-name" title={project?.dir}>
            {project?.name ?? '…'}
          </div>
          <nav>
            <a className={`nav-item${route.page === 'project' ? ' active' : ''}`} href="#/" data-testid="nav-project">
              Overview
            </a>
            <a className={`nav-item${route.page === 'runs' || route.page === 'run' ? ' active' : ''}`} href="#/runs" data-testid="nav-runs">
              Runs
            </a>
            <a className={`nav-item${route.page === 'experiments' || route.page === 'search' ? ' active' : ''}`} href="#/experiments" data-testid="nav-experiments">
              Experiments
            </a>
            <a className={`nav-item${route.page === 'models' ? ' active' : ''}`} href="#/models" data-testid="nav-models">
              Models
            </a>
            <a className={`nav-item${route.page === 'workers' ? ' active' : ''}`} href="#/workers" data-testid="nav-workers">
              Workers
            </a>
            <a className={`nav-item${route.page === 'secrets' ? ' active' : ''}`} href="#/secrets" data-testid="nav-secrets">
              Secrets
            </a>
          </nav>
          <div className="side-section">Pipelines</div>
          <div className="side-list" data-testid="side-pipelines">
            {project?.pipelines.map((p) => (
              <a
                key={p.name}
                href={href({ page: 'pipeline', name: p.name, view: 'notebook' })}
                className={`nav-item small${activePipeline === p.name ? ' active' : ''}`}
                data-testid={`side-pipeline-${p.name}`}
              >
                <span className={`dot dot-${p.last_run?.status ?? 'idle'}`} />
                <span className="ellipsis">{p.name}</span>
              </a>
            ))}
            {project && project.pipelines.length === 0 && <div className="muted small pad">No pipelines yet</div>}
          </div>
          {activeFile && (
            <>
              <div className="side-section">File</div>
              <div className="nav-item small active ellipsis">{activeFile}</div>
            </>
          )}
          <div className="grow" />
          <div className="conn" data-testid="connection">
            <span className={`dot ${up ? 'dot-succeeded' : 'dot-failed'}`} /> {up ? 'live' : 'reconnecting…'}
          </div>
        </aside>
        <main className="main">
          {loadError && !project && (
            <div className="banner error" data-testid="load-error">
              Cannot load the project: {loadError}
            </div>
          )}
          {route.page === 'project' && <ProjectPage project={project} />}
          {route.page === 'pipeline' && (
            <PipelinePage key={route.name} name={route.name} view={route.view} />
          )}
          {route.page === 'file' && <FilePage key={route.path} path={route.path} />}
          {route.page === 'runs' && <RunsPage key={route.pipeline ?? ''} pipeline={route.pipeline} />}
          {route.page === 'run' && <RunDetail key={route.id} id={route.id} />}
          {route.page === 'triggers' && <TriggersPage key={route.name} name={route.name} />}
          {route.page === 'workers' && <WorkersPage />}
          {route.page === 'secrets' && <SecretsPage />}
          {route.page === 'experiments' && <ExperimentsPage key={route.pipeline ?? ''} pipeline={route.pipeline} />}
          {route.page === 'search' && <SearchPage key={route.id} id={route.id} />}
          {route.page === 'models' && <ModelsPage />}
        </main>
        <div className="toasts">
          {toasts.map((t) => (
            <div key={t.id} className={`toast ${t.kind}`} data-testid="toast">
              {t.msg}
            </div>
          ))}
        </div>
      </div>
    </AppContext.Provider>
  )
}

export { StatusPill }
