import { describe, expect, it } from 'vitest'
import { templatesFor } from './templates'

describe('templatesFor', () => {
  it('offers SQL for loaders, transformers, exporters and custom blocks', () => {
    for (const k of ['data_loader', 'transformer', 'data_exporter', 'custom'] as const)
      expect(templatesFor(k).map((t) => t.id)).toContain('sql')
    expect(templatesFor('sensor').map((t) => t.id)).toEqual(['generic'])
    expect(templatesFor('markdown')).toEqual([])
  })
  it('asks a SQL loader for a path but a SQL transformer for nothing (it reads its upstreams)', () => {
    expect(templatesFor('data_loader').find((t) => t.id === 'sql')?.source).toBe('path')
    expect(templatesFor('transformer').find((t) => t.id === 'sql')?.source).toBeNull()
  })
  it('keeps file templates for loaders and connections for loaders and exporters', () => {
    expect(templatesFor('transformer').map((t) => t.id)).toEqual(['generic', 'sql'])
    expect(templatesFor('data_loader').map((t) => t.id)).toEqual(['generic', 'sql', 'parquet', 'csv', 'http', 'postgres', 's3', 'http_json'])
    expect(templatesFor('data_exporter').map((t) => t.id)).toEqual(['generic', 'sql', 'postgres', 's3'])
    expect(templatesFor('data_exporter').find((t) => t.id === 's3')).toMatchObject({ source: 'connection', placeholder: 'lake' })
  })
})
