import { describe, expect, it } from 'vitest'
import { completionsFor, typeOf } from './completion'
import type { Completion } from './api'

const items: Completion[] = [
  { label: 'ReadParquet', kind: 'func', package: 'frame', detail: 'func ReadParquet(paths ...string) (*Frame, error)' },
  { label: 'Frame', kind: 'type', package: 'frame', detail: '' },
  { label: 'Filter', kind: 'method', package: 'frame', receiver: 'Frame', detail: 'func (f *Frame) Filter(mask *Series) *Frame' },
  { label: 'Series', kind: 'type', package: 'frame', detail: '' },
  { label: 'Col', kind: 'method', package: 'frame', receiver: 'Frame', detail: 'func (f *Frame) Col(name string) *Series' },
  { label: 'FillNull', kind: 'method', package: 'frame', receiver: 'Series', detail: 'func (s *Series) FillNull(v any) *Series' },
  { label: 'Context', kind: 'type', package: 'blocks', detail: '' },
  { label: 'String', kind: 'method', package: 'blocks', receiver: 'Context', detail: 'func (c *Context) String(name, def string) string' },
  { label: 'String', kind: 'method', package: 'frame', receiver: 'Frame', detail: 'func (f *Frame) String() string' },
]

describe('completionsFor', () => {
  it('lists package members after pkg.', () => {
    const labels = completionsFor(items, 'frame').map((c) => c.label)
    expect(labels).toEqual(['ReadParquet', 'Frame', 'Series'])
    expect(completionsFor(items, 'frame')[0].detail).toBe('ReadParquet(paths ...string) (*Frame, error)')
  })
  it('lists methods after a value', () => {
    const labels = completionsFor(items, 'trips').map((c) => c.label)
    expect(labels).toEqual(['Filter', 'Col', 'FillNull', 'String'])
  })
  it('offers only the methods of a value whose type is known (prepare.Fil on a frame)', () => {
    const labels = completionsFor(items, 'prepare', 'Frame').map((c) => c.label)
    expect(labels).toEqual(['Filter', 'Col', 'String'])
    expect(labels).not.toContain('FillNull')
  })
  it('lists blocks/ml and shows each name with its doc and example', () => {
    const ml: Completion[] = [
      ...items,
      { label: 'RMSE', kind: 'func', package: 'ml', detail: 'func RMSE(y, pred []float64) float64', doc: 'RMSE is the root mean squared error.', example: 'v := ml.RMSE(y, pred)' },
    ]
    const got = completionsFor(ml, 'ml')
    expect(got.map((c) => c.label)).toEqual(['RMSE'])
    expect(got[0].info).toBe('RMSE is the root mean squared error.\n\ne.g. v := ml.RMSE(y, pred)')
    expect(completionsFor(ml, null).map((c) => c.label)).toContain('ml')
  })
  it('offers package names for a bare word', () => {
    expect(completionsFor(items, null).map((c) => c.label)).toEqual(['frame', 'blocks'])
  })
})

describe('typeOf', () => {
  const src = [
    'func Transform(ctx *blocks.Context, prepare *frame.Frame) (*frame.Frame, error) {',
    '\ttrips, err := frame.ReadParquet("x")',
    '\tdist := prepare.Col("trip_distance")',
    '\tvar other *frame.Series',
  ].join('\n')
  it.each([
    ['prepare', 'Frame'],
    ['ctx', 'Context'],
    ['trips', 'Frame'],
    ['dist', 'Series'],
    ['other', 'Series'],
    ['unknown', null],
  ])('%s is a %s', (name, want) => {
    expect(typeOf(src, name, items)).toBe(want)
  })
})
