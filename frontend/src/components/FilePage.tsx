import { useEffect, useState } from 'react'
import { api, errorText, type FileContent } from '../lib/api'
import { useApp, useWS, href } from '../lib/hooks'
import { useFile } from '../lib/useFile'
import { languageOf } from '../lib/format'
import { fileScope, type SqlScope } from '../lib/sqlcomplete'
import { CodeEditor } from './CodeEditor'
import { ConflictBanner, SaveIndicator } from './Conflict'
import { Markdown } from './Markdown'

export function FilePage({ path }: { path: string }) {
  const [file, setFile] = useState<FileContent | null>(null)
  const [err, setErr] = useState<string | null>(null)
  useEffect(() => {
    api
      .file(path)
      .then(setFile)
      .catch((e) => setErr(errorText(e)))
  }, [path])
  return (
    <div className="page" data-testid="file-page">
      <header className="page-head">
        <div>
          <div className="crumbs">
            <a href={href({ page: 'project' })}>Project</a> / <span className="mono">{path}</span>
          </div>
        </div>
      </header>
      {err && <div className="banner error">{err}</div>}
      {file && <FileEditor file={file} />}
    </div>
  )
}

function FileEditor({ file: initial }: { file: FileContent }) {
  const { completions, toast } = useApp()
  const f = useFile(initial.path, initial)
  const [confirmDel, setConfirmDel] = useState(false)
  const isMd = initial.path.endsWith('.md')
  const [preview, setPreview] = useState(isMd)
  const language = languageOf(initial.path)
  // A SQL block file completes its block's upstream tables and variables, as in the notebook.
  const [scope, setScope] = useState<SqlScope | undefined>()
  useEffect(() => {
    if (language !== 'sql') return
    let live = true
    api
      .pipelines()
      .then((ps) => Promise.all(ps.map((p) => api.pipeline(p.name))))
      .then((pls) => live && setScope(fileScope(pls, initial.path) ?? undefined))
      .catch(() => {})
    return () => {
      live = false
    }
  }, [language, initial.path])
  useWS((m) => {
    if (m.type === 'file_changed' && m.path === initial.path && m.version !== undefined) f.external({ version: m.version })
  })
  const del = async () => {
    try {
      await api.deleteFile(initial.path, f.version)
      window.location.hash = href({ page: 'project' })
    } catch (e) {
      toast(errorText(e))
    }
  }
  return (
    <div className="card file-card">
      <div className="card-head row gap">
        <span className="mono strong">{initial.path}</span>
        <SaveIndicator file={f} />
        <span className="grow" />
        {isMd && (
          <button className="btn xs" onClick={() => setPreview(!preview)} data-testid="toggle-preview">
            {preview ? 'Edit' : 'Preview'}
          </button>
        )}
        <button className="btn xs primary" onClick={() => void f.save()} data-testid="save-file">
          Save
        </button>
        {confirmDel ? (
          <span className="confirm">
            Delete file?{' '}
            <button className="btn xs danger" onClick={del}>
              Delete
            </button>
            <button className="btn xs" onClick={() => setConfirmDel(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button className="btn xs ghost danger" onClick={() => setConfirmDel(true)}>
            Delete
          </button>
        )}
      </div>
      <ConflictBanner file={f} path={initial.path} />
      {f.saveError && <div className="banner error">{f.saveError}</div>}
      {isMd && preview ? (
        <div className="pad-l">
          <Markdown source={f.content} />
        </div>
      ) : (
        <CodeEditor
          value={f.content}
          language={language}
          sqlScope={scope}
          onChange={f.setContent}
          onSave={() => void f.save()}
          problems={f.problems}
          completions={completions}
          minLines={20}
        />
      )}
    </div>
  )
}
