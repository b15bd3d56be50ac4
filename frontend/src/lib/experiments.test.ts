import { describe, expect, it } from 'vitest'
import type { Entry } from './api'
import { bestSoFar, filterEntries, fmtValue, importance, paramDiff, parallelCoords, sortEntries, trialChart } from './experiments'

const entry = (id: string, params: Record<string, unknown>, metrics: Record<string, number>, extra: Partial<Entry> = {}): Entry => ({
  id,
  run_id: id.split('/')[0],
  pipeline: 'train',
  block: 'train',
  parent: null,
  status: 'succeeded',
  params,
  metrics,
  stepped: [],
  artifacts: [],
  model: null,
  started: '2026-01-01T00:00:00Z',
  updated: '2026-01-01T00:00:00Z',
  ...extra,
})

const a = entry('A/train', { lr: 0.1, solver: 'cg' }, { rmse: 5 })
const b = entry('B/train', { lr: 0.3, solver: 'cg' }, { rmse: 4 })
const c = entry('C/train', { solver: 'chol' }, {})

describe('experiments', () => {
  it('sorts by a metric, missing values last both ways', () => {
    expect(sortEntries([a, b, c], { key: 'metric:rmse', desc: false }).map((e) => e.id)).toEqual(['B/train', 'A/train', 'C/train'])
    expect(sortEntries([a, b, c], { key: 'metric:rmse', desc: true }).map((e) => e.id)).toEqual(['A/train', 'B/train', 'C/train'])
    expect(sortEntries([c, a, b], { key: 'param:solver', desc: false })[2].id).toBe('C/train')
  })
  it('filters by parameter and metric range', () => {
    expect(filterEntries([a, b, c], { param: 'lr' }).length).toBe(2)
    expect(filterEntries([a, b, c], { param: 'solver', paramValue: 'CH' }).map((e) => e.id)).toEqual(['C/train'])
    expect(filterEntries([a, b, c], { metric: 'rmse', max: 4.5 }).map((e) => e.id)).toEqual(['B/train'])
  })
  it('diffs parameters', () => {
    const d = paramDiff([a, b])
    expect(d.find((x) => x.name === 'lr')?.differs).toBe(true)
    expect(d.find((x) => x.name === 'solver')?.differs).toBe(false)
  })
  it('draws numeric parameters and metrics as parallel axes', () => {
    const o = parallelCoords([a, b]) as { parallelAxis: { name: string }[]; series: { data: { value: unknown[] }[] }[] }
    expect(o.parallelAxis.map((x) => x.name)).toEqual(['lr', 'rmse'])
    expect(o.series[0].data[1].value).toEqual([0.3, 4])
  })
  it('keeps the best so far', () => {
    expect(bestSoFar([5, undefined, 4, 6, 3])).toEqual([5, 5, 4, 4, 3])
    expect(bestSoFar([1, 3, 2], true)).toEqual([1, 3, 3])
  })
  it('scores the parameter that drives the metric highest', () => {
    const trials = [1, 2, 3, 4, 5, 6].map((i) =>
      entry(`R/tune/${i}`, { lr: i, noise: [3, 1, 6, 2, 5, 4][i - 1] }, { val_rmse: 10 - i }, { trial: i, parent: 'R/tune' }),
    )
    const imp = importance(trials, 'val_rmse')
    expect(imp[0].name).toBe('lr')
    expect(imp[0].score).toBeGreaterThan(imp[1].score)
    const chart = trialChart(trials, 'val_rmse') as { series: { data: unknown[] }[] }
    expect(chart.series[2].data[5]).toEqual([6, 4])
  })
  it('formats values', () => {
    expect(fmtValue(0.123456789)).toBe('0.12346')
    expect(fmtValue(3)).toBe('3')
    expect(fmtValue(undefined)).toBe('—')
  })
})
