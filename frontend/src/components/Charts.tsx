import { useEffect, useState } from 'react'
import { api, ApiError, errorText, type Block, type ChartData, type ChartSpec, type Field } from '../lib/api'
import { useApp } from '../lib/hooks'
import { EChart } from './EChart'

export const CHART_TYPES = ['histogram', 'timeseries', 'bar', 'line', 'scatter', 'pie', 'box'] as const

/** fieldsFor lists the spec fields a chart type uses (docs/EDITOR_API.md §7). */
export function fieldsFor(type: string): (keyof ChartSpec)[] {
  switch (type) {
    case 'histogram':
      return ['column', 'bins']
    case 'timeseries':
      return ['x', 'interval', 'agg', 'quantile', 'y']
    case 'line':
      return ['x', 'interval', 'agg', 'quantile', 'y']
    case 'bar':
      return ['x', 'agg', 'quantile', 'y', 'top', 'sort']
    case 'pie':
      return ['x', 'agg', 'y', 'top']
    case 'scatter':
      return ['x', 'y', 'sample']
    case 'box':
      return ['column', 'x', 'top']
    default:
      return []
  }
}

/** cleanSpec drops fields the type does not use and empty values. */
export function cleanSpec(spec: ChartSpec): ChartSpec {
  const keep = new Set<string>(['name', 'type', ...fieldsFor(spec.type)])
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(spec)) {
    if (!keep.has(k) || v === '' || v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v))) continue
    out[k] = v
  }
  return out as unknown as ChartSpec
}

export function Charts(props: {
  pipeline: string
  block: Block
  refreshKey: string
  hasOutput: boolean
  onChanged: () => void
}) {
  const { block } = props
  const [adding, setAdding] = useState(false)
  const [schema, setSchema] = useState<Field[]>([])
  useEffect(() => {
    if (!props.hasOutput || (!adding && block.charts.length === 0)) return
    api
      .output(props.pipeline, block.name, 0, 1)
      .then((o) => setSchema(o.kind === 'frame' ? o.schema : []))
      .catch(() => setSchema([]))
  }, [props.pipeline, block.name, props.refreshKey, props.hasOutput, adding, block.charts.length])

  return (
    <div className="charts" data-testid="charts">
      {(block.charts.length > 0 || adding) && (
        <div className="chart-grid">
          {block.charts.map((c) => (
            <ChartCard key={c.name} {...props} spec={c} schema={schema} />
          ))}
          {adding && (
            <div className="chart-card">
              <ChartForm
                pipeline={props.pipeline}
                block={block.name}
                schema={schema}
                onDone={(saved) => {
                  setAdding(false)
                  if (saved) props.onChanged()
                }}
              />
            </div>
          )}
        </div>
      )}
      {!adding && props.hasOutput && (
        <button className="btn xs ghost add-chart" onClick={() => setAdding(true)} data-testid="add-chart">
          + Add chart
        </button>
      )}
    </div>
  )
}

function ChartCard(props: {
  pipeline: string
  block: Block
  spec: ChartSpec
  refreshKey: string
  hasOutput: boolean
  schema: Field[]
  onChanged: () => void
}) {
  const { toast } = useApp()
  const [data, setData] = useState<ChartData | null>(null)
  const [err, setErr] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const [confirmDel, setConfirmDel] = useState(false)
  const specKey = JSON.stringify(props.spec)

  useEffect(() => {
    if (!props.hasOutput) return
    let live = true
    api
      .chartData(props.pipeline, props.block.name, props.spec.name)
      .then((d) => {
        if (!live) return
        setData(d)
        setErr(null)
      })
      .catch((e) => {
        if (!live) return
        setData(null)
        setErr(e instanceof ApiError && e.code === 'no_output' ? 'Run the block to draw this chart.' : errorText(e))
      })
    return () => {
      live = false
    }
  }, [props.pipeline, props.block.name, props.spec.name, specKey, props.refreshKey, props.hasOutput])

  const del = async () => {
    try {
      await api.deleteChart(props.pipeline, props.block.name, props.spec.name)
      props.onChanged()
    } catch (e) {
      toast(errorText(e))
    }
  }

  if (editing)
    return (
      <div className="chart-card">
        <ChartForm
          pipeline={props.pipeline}
          block={props.block.name}
          schema={props.schema}
          initial={props.spec}
          onDone={(saved) => {
            setEditing(false)
            if (saved) props.onChanged()
          }}
        />
      </div>
    )

  return (
    <div className="chart-card" data-testid={`chart-${props.spec.name}`}>
      <div className="chart-head">
        <span className="small strong">{props.spec.name}</span>
        <span className="muted small">
          {props.spec.type}
          {props.spec.column ? ` · ${props.spec.column}` : ''}
          {props.spec.x ? ` · ${props.spec.x}` : ''}
        </span>
        <span className="grow" />
        {data && <span className="muted xsmall">{data.took_ms} ms</span>}
        {confirmDel ? (
          <>
            <button className="btn xs danger" onClick={del} data-testid="confirm-delete-chart">
              Delete
            </button>
            <button className="btn xs" onClick={() => setConfirmDel(false)}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button className="btn xs ghost" onClick={() => setEditing(true)} data-testid="edit-chart">
              Edit
            </button>
            <button className="btn xs ghost danger" onClick={() => setConfirmDel(true)} data-testid="delete-chart">
              ×
            </button>
          </>
        )}
      </div>
      {err ? (
        <div className="muted small pad chart-msg">{err}</div>
      ) : data ? (
        <EChart option={data.option} />
      ) : (
        <div className="muted small pad chart-msg">{props.hasOutput ? 'Loading…' : 'Run the block to draw this chart.'}</div>
      )}
    </div>
  )
}

export function ChartForm(props: {
  pipeline: string
  block: string
  schema: Field[]
  initial?: ChartSpec
  onDone: (saved: boolean) => void
}) {
  const [spec, setSpec] = useState<ChartSpec>(props.initial ?? { name: '', type: 'histogram', bins: 30 })
  const [err, setErr] = useState<string | null>(null)
  const [preview, setPreview] = useState<ChartData | null>(null)
  const fields = fieldsFor(spec.type)
  const set = (k: keyof ChartSpec, v: string | number | undefined) => setSpec((s) => ({ ...s, [k]: v }))
  const cols = props.schema.map((f) => f.name)
  const colType = (n?: string) => props.schema.find((f) => f.name === n)?.type

  const colSelect = (k: 'column' | 'x' | 'y', label: string) => (
    <label key={k}>
      {label}
      <select value={(spec[k] as string) ?? ''} onChange={(e) => set(k, e.target.value || undefined)} data-testid={`chart-${k}`}>
        <option value="">—</option>
        {cols.map((c) => (
          <option key={c} value={c}>
            {c} ({colType(c)})
          </option>
        ))}
      </select>
    </label>
  )
  const num = (k: 'bins' | 'top' | 'sample', label: string) => (
    <label key={k}>
      {label}
      <input
        type="number"
        min={1}
        value={(spec[k] as number | undefined) ?? ''}
        onChange={(e) => set(k, e.target.value === '' ? undefined : Number(e.target.value))}
        data-testid={`chart-${k}`}
      />
    </label>
  )
  const choice = (k: 'agg' | 'interval' | 'sort', label: string, opts: string[]) => (
    <label key={k}>
      {label}
      <select value={(spec[k] as string) ?? ''} onChange={(e) => set(k, e.target.value || undefined)} data-testid={`chart-${k}`}>
        <option value="">default</option>
        {opts.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  )

  const render = (k: keyof ChartSpec) => {
    switch (k) {
      case 'column':
        return colSelect('column', 'Column')
      case 'x':
        return colSelect('x', spec.type === 'bar' || spec.type === 'pie' || spec.type === 'box' ? 'Group by' : 'X')
      case 'y':
        return colSelect('y', spec.type === 'scatter' ? 'Y' : 'Value (sum/mean/median/quantile)')
      case 'bins':
        return num('bins', 'Bins')
      case 'top':
        return num('top', 'Top N')
      case 'sample':
        return num('sample', 'Sample')
      case 'agg':
        return choice('agg', 'Aggregate', spec.type === 'pie' ? ['count', 'sum', 'mean'] : ['count', 'sum', 'mean', 'median', 'quantile'])
      case 'quantile':
        return spec.agg === 'quantile' ? (
          <label key="quantile">
            Quantile (0–1)
            <input
              type="number"
              min={0}
              max={1}
              step={0.05}
              value={spec.quantile ?? ''}
              onChange={(e) => set('quantile', e.target.value === '' ? undefined : Number(e.target.value))}
              data-testid="chart-quantile"
            />
          </label>
        ) : null
      case 'interval':
        return choice('interval', 'Interval', ['minute', 'hour', 'day', 'week', 'month'])
      case 'sort':
        return choice('sort', 'Sort', ['desc', 'asc', 'label'])
      default:
        return null
    }
  }

  const name = spec.name || `${spec.type}_${spec.column ?? spec.x ?? 'chart'}`.replace(/[^A-Za-z0-9_-]/g, '_')

  const doPreview = async () => {
    try {
      setPreview(await api.previewChart(props.pipeline, props.block, cleanSpec({ ...spec, name })))
      setErr(null)
    } catch (e) {
      setErr(errorText(e))
    }
  }
  const save = async (e: React.FormEvent) => {
    e.preventDefault()
    const s = cleanSpec({ ...spec, name })
    try {
      if (props.initial) await api.updateChart(props.pipeline, props.block, props.initial.name, s)
      else await api.addChart(props.pipeline, props.block, s)
      props.onDone(true)
    } catch (e2) {
      setErr(errorText(e2))
    }
  }

  return (
    <form className="chart-form" onSubmit={save} data-testid="chart-form">
      <div className="form-grid">
        <label>
          Name
          <input value={spec.name} placeholder={name} onChange={(e) => set('name', e.target.value)} data-testid="chart-name" />
        </label>
        <label>
          Type
          <select value={spec.type} onChange={(e) => set('type', e.target.value)} data-testid="chart-type">
            {CHART_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        {fields.map(render)}
      </div>
      {err && <div className="banner error small">{err}</div>}
      {preview && <EChart option={preview.option} height={180} />}
      <div className="row gap-s">
        <button className="btn xs primary" type="submit" data-testid="save-chart">
          {props.initial ? 'Save chart' : 'Add chart'}
        </button>
        <button className="btn xs" type="button" onClick={doPreview} data-testid="preview-chart">
          Preview
        </button>
        <button className="btn xs ghost" type="button" onClick={() => props.onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  )
}
