import { useEffect, useState } from 'react'
import { api, errorText, type FileInfo, type Project } from '../lib/api'
import { fmtDuration, fmtTime, toName } from '../lib/format'
import { href, useApp, useWS } from '../lib/hooks'
import { StatusPill } from './StatusPill'
import { FileTree } from './FileTree'

export function ProjectPage({ project }: { project: Project | null }) {
  const { refreshProject, toast } = useApp()
  const [newName, setNewName] = useState('')
  const [newDesc, setNewDesc] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [renameTo, setRenameTo] = useState('')
  const [deleting, setDeleting] = useState<string | null>(null)

  const create = async (e: React.FormEvent) => {
    e.preventDefault()
    const name = toName(newName)
    if (!name) return
    try {
      await api.createPipeline(name, newDesc || undefined)
      setNewName('')
      setNewDesc('')
      setError(null)
      refreshProject()
      window.location.hash = href({ page: 'pipeline', name, view: 'notebook' })
    } catch (err) {
      setError(errorText(err))
    }
  }

  const rename = async (from: string) => {
    const to = toName(renameTo)
    setRenaming(null)
    if (!to || to === from) return
    try {
      await api.updatePipeline(from, { name: to })
      refreshProject()
    } catch (err) {
      toast(errorText(err))
    }
  }

  const remove = async (name: string) => {
    setDeleting(null)
    try {
      await api.deletePipeline(name)
      refreshProject()
    } catch (err) {
      toast(errorText(err))
    }
  }

  return (
    <div className="page" data-testid="project-page">
      <header className="page-head">
        <div>
          <h1>{project?.name ?? 'Project'}</h1>
          <div className="muted small mono">{project?.dir}</div>
        </div>
      </header>
      {project?.problems?.map((p, i) => (
        <div key={i} className={`banner ${p.severity === 'warning' ? 'warn' : 'error'}`} data-testid="project-problem" data-severity={p.severity ?? 'error'}>
          {p.file && <span className="mono">{p.line ? `${p.file}:${p.line}` : p.file}</span>} {p.message}
        </div>
      ))}
      <div className="project-grid">
        <section className="card">
          <div className="card-head">
            <h2>Pipelines</h2>
          </div>
          <form className="row gap create-pipeline" onSubmit={create}>
            <input
              placeholder="new_pipeline_name"
              value={newName}
              onChange={(e) => setNewName(e.target.value)}
              data-testid="new-pipeline-name"
              pattern="[a-zA-Z0-9_ -]+"
            />
            <input
              placeholder="description (optional)"
              value={newDesc}
              onChange={(e) => setNewDesc(e.target.value)}
              className="grow"
            />
            <button className="btn primary" type="submit" data-testid="create-pipeline" disabled={!toName(newName)}>
              + New pipeline
            </button>
          </form>
          {error && (
            <div className="banner error" data-testid="create-error">
              {error}
            </div>
          )}
          <table className="list" data-testid="pipelines-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Blocks</th>
                <th>Last run</th>
                <th>Duration</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {project?.pipelines.map((p) => (
                <tr key={p.name} data-testid={`pipeline-row-${p.name}`}>
                  <td>
                    {renaming === p.name ? (
                      <input
                        autoFocus
                        value={renameTo}
                        onChange={(e) => setRenameTo(e.target.value)}
                        onBlur={() => rename(p.name)}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') rename(p.name)
                          if (e.key === 'Escape') setRenaming(null)
                        }}
                        data-testid="rename-pipeline-input"
                      />
                    ) : (
                      <>
                        <a href={href({ page: 'pipeline', name: p.name, view: 'notebook' })} className="strong">
                          {p.name}
                        </a>
                        {p.description && <div className="muted small">{p.description}</div>}
                      </>
                    )}
                  </td>
                  <td>{p.blocks}</td>
                  <td>
                    {p.last_run ? (
                      <span className="row gap-s">
                        <StatusPill status={p.last_run.status} testId="pipeline-last-status" />
                        <span className="muted small">{fmtTime(p.last_run.started_at)}</span>
                      </span>
                    ) : (
                      <span className="muted small">never run</span>
                    )}
                  </td>
                  <td className="muted small">{fmtDuration(p.last_run?.duration_ms)}</td>
                  <td className="actions">
                    {deleting === p.name ? (
                      <span className="confirm">
                        Delete pipeline?{' '}
                        <button className="btn xs danger" onClick={() => remove(p.name)} data-testid="confirm-delete">
                          Delete
                        </button>
                        <button className="btn xs" onClick={() => setDeleting(null)}>
                          Cancel
                        </button>
                      </span>
                    ) : (
                      <>
                        <button
                          className="btn xs ghost"
                          onClick={() => {
                            setRenaming(p.name)
                            setRenameTo(p.name)
                          }}
                          data-testid="rename-pipeline"
                        >
                          Rename
                        </button>
                        <button className="btn xs ghost danger" onClick={() => setDeleting(p.name)} data-testid="delete-pipeline">
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {project && project.pipelines.length === 0 && <div className="empty">No pipelines yet: create one above.</div>}
        </section>
        <section className="card">
          <div className="card-head">
            <h2>Files</h2>
          </div>
          <ProjectFiles />
        </section>
      </div>
    </div>
  )
}

function ProjectFiles() {
  const [files, setFiles] = useState<FileInfo[] | null>(null)
  const [err, setErr] = useState<string | null>(null)
  const [newPath, setNewPath] = useState('')
  const load = () =>
    api
      .files()
      .then((f) => {
        setFiles(f)
        setErr(null)
      })
      .catch((e) => setErr(errorText(e)))
  useEffect(() => {
    load()
  }, [])
  useWS((m) => {
    if (m.type === 'file_changed' || m.type === 'reconnected') load()
  })
  const create = async (e: React.FormEvent) => {
    e.preventDefault()
    const p = newPath.trim().replace(/^\/+/, '')
    if (!p) return
    try {
      await api.saveFile(p, p.endsWith('.go') ? `package ${p.split('/').slice(-2, -1)[0] || 'main'}\n` : '', '')
      setNewPath('')
      window.location.hash = href({ page: 'file', path: p })
    } catch (e2) {
      setErr(errorText(e2))
    }
  }
  return (
    <div data-testid="file-browser">
      <form className="row gap" onSubmit={create}>
        <input
          className="grow mono"
          placeholder="utils/cleaning/clean.go or docs/notes.md"
          value={newPath}
          onChange={(e) => setNewPath(e.target.value)}
          data-testid="new-file-path"
        />
        <button className="btn" type="submit" disabled={!newPath.trim()}>
          + New file
        </button>
      </form>
      {err && <div className="banner error">{err}</div>}
      {files ? <FileTree files={files} /> : <div className="muted small pad">Loading…</div>}
    </div>
  )
}
