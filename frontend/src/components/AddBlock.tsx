import { useEffect, useState } from 'react'
import { api, errorText, KINDS, type FileInfo, type Kind, type Pipeline } from '../lib/api'
import { KIND_LABEL, toName } from '../lib/format'
import { defaultUpstream } from '../lib/upstream'
import { templatesFor } from '../lib/templates'

const FOLDER: Record<Kind, string> = {
  data_loader: 'data_loaders/',
  transformer: 'transformers/',
  data_exporter: 'data_exporters/',
  custom: 'custom/',
  sensor: 'sensors/',
  markdown: 'markdowns/',
}

export function AddBlock({ pipeline, onAdded }: { pipeline: Pipeline; onAdded: () => void }) {
  const [open, setOpen] = useState(false)
  const [mode, setMode] = useState<'new' | 'existing'>('new')
  const [kind, setKind] = useState<Kind>(pipeline.blocks.length ? 'transformer' : 'data_loader')
  const [name, setName] = useState('')
  const [template, setTemplate] = useState('generic')
  const [source, setSource] = useState('')
  const [upstream, setUpstream] = useState<string[]>([])
  const [file, setFile] = useState('')
  const [files, setFiles] = useState<FileInfo[]>([])
  const [err, setErr] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const start = (k: Kind) => {
    setKind(k)
    setOpen(true)
    setErr(null)
    setMode('new')
    setTemplate('generic')
    setUpstream(defaultUpstream(pipeline.blocks, k))
  }

  useEffect(() => {
    if (open && mode === 'existing')
      api
        .files()
        .then((fs) => setFiles(fs.filter((f) => Object.values(FOLDER).some((d) => f.path.startsWith(d)))))
        .catch(() => {})
  }, [open, mode])

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    const n = toName(name || (mode === 'existing' ? (file.split('/').pop() ?? '').replace(/\.(go|sql|md)$/, '') : ''))
    if (!n) {
      setErr('name: use lowercase letters, digits and _')
      return
    }
    setBusy(true)
    try {
      if (mode === 'existing') await api.addBlock(pipeline.name, { name: n, file, upstream })
      else
        await api.addBlock(pipeline.name, {
          name: n,
          kind,
          ...(kind !== 'markdown' ? { template } : {}),
          ...(asksSource && source ? { source } : {}),
          upstream,
        })
      setOpen(false)
      setName('')
      setSource('')
      setErr(null)
      onAdded()
    } catch (e2) {
      setErr(errorText(e2))
    } finally {
      setBusy(false)
    }
  }

  const names = pipeline.blocks.map((b) => b.name)
  const templates = templatesFor(kind)
  const chosen = templates.find((t) => t.id === template)
  const asksSource = !!chosen?.source

  return (
    <div className="add-block" data-testid="add-block">
      <div className="add-buttons">
        {KINDS.map((k) => (
          <button
            key={k}
            className={`btn add-kind kind-${k}${open && kind === k ? ' on' : ''}`}
            onClick={() => start(k)}
            data-testid={`add-${k}`}
          >
            + {KIND_LABEL[k]}
          </button>
        ))}
      </div>
      {open && (
        <form className="add-form card" onSubmit={submit} data-testid="add-block-form">
          <div className="row gap">
            <div className="seg">
              <button type="button" className={mode === 'new' ? 'on' : ''} onClick={() => setMode('new')}>
                New {KIND_LABEL[kind].toLowerCase()}
              </button>
              <button
                type="button"
                className={mode === 'existing' ? 'on' : ''}
                onClick={() => setMode('existing')}
                data-testid="add-existing"
              >
                Existing file
              </button>
            </div>
          </div>
          <div className="form-grid">
            <label>
              Name
              <input
                autoFocus
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder={mode === 'existing' ? 'from file name' : 'load_trips'}
                data-testid="block-name-input"
              />
            </label>
            {mode === 'new' ? (
              <>
                <label>
                  Kind
                  <select value={kind} onChange={(e) => {
                      const k = e.target.value as Kind
                      setKind(k)
                      setUpstream(defaultUpstream(pipeline.blocks, k))
                      if (!templatesFor(k).some((t) => t.id === template)) setTemplate('generic')
                    }} data-testid="block-kind-select">
                    {KINDS.map((k) => (
                      <option key={k} value={k}>
                        {KIND_LABEL[k]}
                      </option>
                    ))}
                  </select>
                </label>
                {templates.length > 0 && (
                  <label>
                    Template
                    <select value={template} onChange={(e) => setTemplate(e.target.value)} data-testid="block-template">
                      {templates.map((t) => (
                        <option key={t.id} value={t.id}>
                          {t.label}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
                {asksSource && (
                  <label className="wide">
                    {chosen?.source === 'connection' ? 'Connection' : chosen?.source === 'url' ? 'URL' : 'Path or glob'}
                    <input
                      className="mono"
                      value={source}
                      onChange={(e) => setSource(e.target.value)}
                      placeholder={chosen?.placeholder}
                      data-testid="block-source"
                    />
                  </label>
                )}
              </>
            ) : (
              <label className="wide">
                File
                <select value={file} onChange={(e) => setFile(e.target.value)} data-testid="block-file-select">
                  <option value="">choose a block file…</option>
                  {files.map((f) => (
                    <option key={f.path} value={f.path}>
                      {f.path}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          {kind !== 'markdown' && names.length > 0 && (
            <div className="row gap-s wrap">
              <span className="muted small">Upstream:</span>
              {names.map((n) => (
                <label key={n} className="check">
                  <input
                    type="checkbox"
                    checked={upstream.includes(n)}
                    onChange={(e) => setUpstream(e.target.checked ? [...upstream, n] : upstream.filter((u) => u !== n))}
                    data-testid={`new-upstream-${n}`}
                  />
                  {n}
                </label>
              ))}
            </div>
          )}
          {err && (
            <div className="banner error small" data-testid="add-block-error">
              {err}
            </div>
          )}
          <div className="row gap-s">
            <button className="btn primary" type="submit" disabled={busy || (mode === 'existing' && !file)} data-testid="add-block-submit">
              Add block
            </button>
            <button className="btn ghost" type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  )
}
