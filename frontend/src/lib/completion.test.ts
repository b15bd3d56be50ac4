import { describe, expect, it } from 'vitest'
import { completionsFor } from './completion'
import type { Completion } from './api'

const items: Completion[] = [
  { label: 'ReadParquet', kind: 'func', package: 'frame', detail: 'func ReadParquet(paths ...string) (*Frame, error)' },
  { label: 'Frame', kind: 'type', package: 'frame' },
  { label: 'Filter', kind: 'method', package: 'frame', receiver: 'Frame', detail: 'func (f *Frame) Filter(mask *Series) *Frame' },
  { label: 'Context', kind: 'type', package: 'blocks' },
  { label: 'String', kind: 'method', package: 'blocks', receiver: 'Context', detail: 'func (c *Context) String(name, def string) string' },
  { label: 'String', kind: 'method', package: 'frame', receiver: 'Frame', detail: 'func (f *Frame) String() string' },
]

describe('completionsFor', () => {
  it('lists package members after pkg.', () => {
    const labels = completionsFor(items, 'frame').map((c) => c.label)
    expect(labels).toEqual(['ReadParquet', 'Frame'])
    expect(completionsFor(items, 'frame')[0].detail).toBe('ReadParquet(paths ...string) (*Frame, error)')
  })
  it('lists methods after a value', () => {
    const labels = completionsFor(items, 'trips').map((c) => c.label)
    expect(labels).toEqual(['Filter', 'String'])
  })
  it('offers package names for a bare word', () => {
    expect(completionsFor(items, null).map((c) => c.label)).toEqual(['frame', 'blocks'])
  })
})
