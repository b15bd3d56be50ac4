import { describe, expect, it } from 'vitest'
import { defaultUpstream } from './upstream'
import type { Kind } from './api'

const b = (name: string, kind: Kind) => ({ name, kind })

describe('defaultUpstream', () => {
  const blocks = [b('load', 'data_loader'), b('prepare', 'transformer'), b('export', 'data_exporter'), b('notes', 'markdown')]
  it('a new transformer reads the last transformer, not the exporter', () => {
    expect(defaultUpstream(blocks, 'transformer')).toEqual(['prepare'])
  })
  it('a new exporter reads the last transformer', () => {
    expect(defaultUpstream(blocks, 'data_exporter')).toEqual(['prepare'])
  })
  it('loaders, sensors and markdown start with no upstream', () => {
    for (const k of ['data_loader', 'sensor', 'markdown'] as Kind[]) expect(defaultUpstream(blocks, k)).toEqual([])
  })
  it('an empty pipeline or one with only an exporter proposes nothing', () => {
    expect(defaultUpstream([], 'transformer')).toEqual([])
    expect(defaultUpstream([b('export', 'data_exporter')], 'transformer')).toEqual([])
  })
})
