import { describe, expect, it } from 'vitest'
import { canRerun, canRetry, filterRuns, timelineBars } from './history'
import type { Run } from './api'

const run = (id: string, pipeline: string, status: string): Run => ({ run_id: id, pipeline, status, blocks: [] })

describe('filterRuns', () => {
  const runs = [run('1', 'a', 'succeeded'), run('2', 'b', 'failed'), run('3', 'a', 'failed')]
  it('keeps all without filters', () => expect(filterRuns(runs, '').map((r) => r.run_id)).toEqual(['1', '2', '3']))
  it('filters by status', () => expect(filterRuns(runs, 'failed').map((r) => r.run_id)).toEqual(['2', '3']))
  it('filters by status and pipeline', () => expect(filterRuns(runs, 'failed', 'a').map((r) => r.run_id)).toEqual(['3']))
})

describe('timelineBars', () => {
  it('lays blocks end to end over 100%', () => {
    const bars = timelineBars([
      { name: 'load', status: 'succeeded', duration_ms: 300 },
      { name: 'prep', status: 'succeeded', duration_ms: 100 },
      { name: 'skip', status: 'skipped' },
    ])
    expect(bars.map((b) => [b.left, b.width])).toEqual([
      [0, 75],
      [75, 25],
      [100, 0],
    ])
  })
  it('an empty run has no widths', () => {
    expect(timelineBars([{ name: 'x', status: 'queued' }])).toEqual([{ name: 'x', status: 'queued', ms: 0, left: 0, width: 0 }])
  })
})

describe('run actions', () => {
  it('offers retry for failed, crashed and cancelled runs', () => {
    expect(['failed', 'crashed', 'cancelled', 'succeeded', 'running'].filter(canRetry)).toEqual(['failed', 'crashed', 'cancelled'])
  })
  it('offers rerun once a run has ended', () => {
    expect(['succeeded', 'failed', 'running', 'queued'].filter(canRerun)).toEqual(['succeeded', 'failed'])
  })
})
