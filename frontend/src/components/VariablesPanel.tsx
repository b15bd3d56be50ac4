import { useState } from 'react'
import { api, errorText, type Pipeline, type Variable } from '../lib/api'
import { useApp } from '../lib/hooks'

export function VariablesPanel(props: {
  pipeline: Pipeline
  values: Record<string, string>
  setValues: (v: Record<string, string>) => void
  onChanged: (p?: Pipeline) => void
}) {
  const { toast } = useApp()
  const vars = Object.entries(props.pipeline.variables ?? {}).sort(([a], [b]) => a.localeCompare(b))
  const [adding, setAdding] = useState(false)
  const [nv, setNv] = useState<{ name: string } & Variable>({ name: '', type: 'string', default: '' })
  // Removing a declaration rewrites pipeline.yaml: ask first.
  const [confirming, setConfirming] = useState<string | null>(null)

  const saveVars = async (next: Record<string, Variable>) => {
    try {
      props.onChanged(await api.updatePipeline(props.pipeline.name, { variables: next }))
    } catch (e) {
      toast(errorText(e))
    }
  }
  const add = async (e: React.FormEvent) => {
    e.preventDefault()
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(nv.name)) {
      toast('variable name: letters, digits and _')
      return
    }
    const { name, ...v } = nv
    await saveVars({ ...props.pipeline.variables, [name]: v })
    setAdding(false)
    setNv({ name: '', type: 'string', default: '' })
  }
  const remove = (name: string) => {
    setConfirming(null)
    const next = { ...props.pipeline.variables }
    delete next[name]
    void saveVars(next)
  }

  return (
    <div className="vars" data-testid="variables-panel">
      <div className="panel-head">
        <h3>Variables</h3>
        <button className="btn xs ghost" onClick={() => setAdding(!adding)} data-testid="add-variable">
          + Add
        </button>
      </div>
      <p className="muted xsmall">Values here are used for runs from the editor; empty means the default.</p>
      {vars.length === 0 && !adding && <div className="muted small">No declared variables.</div>}
      {vars.map(([name, v]) => (
        <div key={name} className="var" data-testid={`variable-${name}`}>
          <div className="row gap-s">
            <span className="mono strong">{name}</span>
            <span className="chip small">{v.type || 'string'}</span>
            <span className="grow" />
            <button
              className="btn xs ghost danger"
              onClick={() => setConfirming(name)}
              title="Remove declaration"
              data-testid={`remove-variable-${name}`}
            >
              ×
            </button>
          </div>
          {confirming === name && (
            <div className="banner warn small" data-testid="confirm-remove-variable">
              Remove variable <strong>{name}</strong> from the pipeline?
              <span className="grow" />
              <button className="btn xs danger" onClick={() => remove(name)} data-testid="confirm-remove-variable-yes">
                Remove
              </button>
              <button className="btn xs" onClick={() => setConfirming(null)}>
                Cancel
              </button>
            </div>
          )}
          {v.description && <div className="muted xsmall">{v.description}</div>}
          {v.type === 'bool' ? (
            <select
              value={props.values[name] ?? ''}
              onChange={(e) => props.setValues({ ...props.values, [name]: e.target.value })}
              data-testid={`variable-value-${name}`}
            >
              <option value="">default ({v.default ?? 'false'})</option>
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          ) : (
            <input
              className="mono"
              type={v.type === 'int' || v.type === 'float' ? 'number' : 'text'}
              step={v.type === 'float' ? 'any' : undefined}
              placeholder={v.default !== undefined && v.default !== '' ? `default: ${v.default}` : 'no default'}
              value={props.values[name] ?? ''}
              onChange={(e) => props.setValues({ ...props.values, [name]: e.target.value })}
              data-testid={`variable-value-${name}`}
            />
          )}
        </div>
      ))}
      {adding && (
        <form className="var add-var" onSubmit={add}>
          <input placeholder="name" value={nv.name} onChange={(e) => setNv({ ...nv, name: e.target.value })} className="mono" />
          <div className="row gap-s">
            <select value={nv.type} onChange={(e) => setNv({ ...nv, type: e.target.value })}>
              {['string', 'int', 'float', 'bool'].map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <input placeholder="default" value={nv.default} onChange={(e) => setNv({ ...nv, default: e.target.value })} className="mono grow" />
          </div>
          <input
            placeholder="description"
            value={nv.description ?? ''}
            onChange={(e) => setNv({ ...nv, description: e.target.value || undefined })}
          />
          <button className="btn xs primary" type="submit">
            Declare variable
          </button>
        </form>
      )}
    </div>
  )
}
