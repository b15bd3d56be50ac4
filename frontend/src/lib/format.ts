// Small formatting helpers shared by components.

export function fmtCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v)
    const a = Math.abs(v)
    if (a !== 0 && (a < 1e-4 || a >= 1e12)) return v.toExponential(4)
    return String(Math.round(v * 1e6) / 1e6)
  }
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

export function fmtDuration(ms?: number): string {
  if (ms === undefined || ms === null) return ''
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`
  const m = Math.floor(ms / 60000)
  return `${m}m${Math.round((ms % 60000) / 1000)}s`
}

export function fmtCount(n?: number): string {
  if (n === undefined || n === null) return ''
  return n.toLocaleString('en-US')
}

/** fmtTime says how far a time is from now: "3 min ago" for the past, "in 9 h" for the future (a next run). */
/**
 * fmtShape is "1,234 × 5" for a frame's rows and columns, "" for any other output (a string or a
 * number has no columns: the run reports 0 × 0 for it) or when the shape is unknown.
 */
export function fmtShape(rows?: number, cols?: number, kind?: string): string {
  if (kind === 'json' || rows === undefined || rows === null || !cols) return ''
  return `${fmtCount(rows)} × ${cols}`
}

export function fmtTime(iso?: string, now = Date.now()): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const s = (now - d.getTime()) / 1000
  const a = Math.abs(s)
  if (a < 60) return s >= 0 ? 'just now' : 'in less than a minute'
  let amount: string
  if (a < 3600) amount = `${Math.floor(a / 60)} min`
  else if (a < 86400) amount = `${Math.floor(a / 3600)} h${a < 36000 && Math.floor((a % 3600) / 60) ? ` ${Math.floor((a % 3600) / 60)} min` : ''}`
  else return d.toLocaleString()
  return s >= 0 ? `${amount} ago` : `in ${amount}`
}

export const KIND_LABEL: Record<string, string> = {
  data_loader: 'Data loader',
  transformer: 'Transformer',
  data_exporter: 'Data exporter',
  custom: 'Custom',
  sensor: 'Sensor',
  markdown: 'Markdown',
}

export const KIND_COLOR: Record<string, string> = {
  data_loader: '#3b82f6',
  transformer: '#a855f7',
  data_exporter: '#f59e0b',
  custom: '#14b8a6',
  sensor: '#ec4899',
  markdown: '#64748b',
}

/** toBlockName turns free text into a valid block/pipeline name ([a-z0-9_]+). */
export function toName(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/** languageOf is the editor language of a file: Go, SQL (a SQL block runs on DuckDB) or plain text. */
export function languageOf(path: string): 'go' | 'sql' | 'text' {
  if (path.endsWith('.go')) return 'go'
  if (path.endsWith('.sql')) return 'sql'
  return 'text'
}
