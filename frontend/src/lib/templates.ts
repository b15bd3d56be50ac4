// The templates the "add block" form offers for each block kind (the server's blocks.Templates).

import type { Kind } from './api'

export interface TemplateChoice {
  id: string
  label: string
  kinds: Kind[]
  /** what the form asks for beside the name: a path or glob, a URL, a connection profile, or nothing */
  source: 'path' | 'url' | 'connection' | null
  /** the input's placeholder (a connection template's default profile) */
  placeholder?: string
}

const LOADS: Kind[] = ['data_loader']
const FILE = 'data/green/2023/01.parquet'

export const TEMPLATES: TemplateChoice[] = [
  { id: 'generic', label: 'Go', kinds: ['data_loader', 'transformer', 'data_exporter', 'custom', 'sensor'], source: null },
  { id: 'sql', label: 'SQL (DuckDB)', kinds: ['data_loader', 'transformer', 'data_exporter', 'custom'], source: null },
  { id: 'parquet', label: 'Parquet file', kinds: LOADS, source: 'path', placeholder: FILE },
  { id: 'csv', label: 'CSV file', kinds: LOADS, source: 'path', placeholder: 'data/file.csv' },
  { id: 'http', label: 'HTTP URL', kinds: LOADS, source: 'url', placeholder: 'https://…' },
  { id: 'postgres', label: 'PostgreSQL', kinds: ['data_loader', 'data_exporter'], source: 'connection', placeholder: 'warehouse' },
  { id: 's3', label: 'S3 parquet', kinds: ['data_loader', 'data_exporter'], source: 'connection', placeholder: 'lake' },
  { id: 'http_json', label: 'HTTP JSON API', kinds: LOADS, source: 'connection', placeholder: 'api' },
]

/**
 * templatesFor lists the templates of a new block of kind. SQL is there for loaders, transformers,
 * exporters and custom blocks: a SQL loader reads a path, the others read their upstreams as tables.
 * Markdown has none.
 */
export function templatesFor(kind: Kind): TemplateChoice[] {
  return TEMPLATES.filter((t) => t.kinds.includes(kind)).map((t) =>
    t.id === 'sql' && kind === 'data_loader' ? { ...t, source: 'path', placeholder: FILE } : t,
  )
}
