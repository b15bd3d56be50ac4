import { describe, expect, it } from 'vitest'
import { canRerun, canRetry, filterRuns, runGrid, timelineBars } from './history'
import type { Run, RunBlock, Status } from './api'

const run = (id: string, pipeline: string, status: Status): Run => ({ run_id: id, pipeline, mode: 'manual', status, started_at: '', duration_ms: 0, blocks: [] })
const blk = (b: Pick<RunBlock, 'name' | 'status'> & Partial<RunBlock>): RunBlock => ({ rows: 0, cols: 0, duration_ms: 0, error: null, logs: [], ...b })

describe('filterRuns', () => {
  const runs = [run('1', 'a', 'succeeded'), run('2', 'b', 'failed'), run('3', 'a', 'failed')]
  it('keeps all without filters', () => expect(filterRuns(runs, '').map((r) => r.run_id)).toEqual(['1', '2', '3']))
  it('filters by status', () => expect(filterRuns(runs, 'failed').map((r) => r.run_id)).toEqual(['2', '3']))
  it('filters by status and pipeline', () => expect(filterRuns(runs, 'failed', 'a').map((r) => r.run_id)).toEqual(['3']))
})

describe('timelineBars', () => {
  it('lays blocks end to end over 100%', () => {
    const bars = timelineBars([
      blk({ name: 'load', status: 'succeeded', duration_ms: 300 }),
      blk({ name: 'prep', status: 'succeeded', duration_ms: 100 }),
      blk({ name: 'skip', status: 'skipped' }),
    ])
    expect(bars.map((b) => [b.left, b.width])).toEqual([
      [0, 75],
      [75, 25],
      [100, 0],
    ])
  })
  it('an empty run has no widths', () => {
    expect(timelineBars([blk({ name: 'x', status: 'queued' })])).toEqual([{ name: 'x', status: 'queued', ms: 0, left: 0, width: 0, attempts: [] }])
  })
  const t = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString()
  it('places blocks at their real offsets: parallel blocks overlap', () => {
    const bars = timelineBars(
      [
        blk({ name: 'load', status: 'succeeded', started_at: t(0), ended_at: t(2), attempts: [{ start: t(0), end: t(2) }] }),
        blk({ name: 'a', status: 'succeeded', duration_ms: 8000, started_at: t(2), ended_at: t(10), attempts: [{ start: t(2), end: t(10) }] }),
        blk({ name: 'b', status: 'failed', started_at: t(2), ended_at: t(6), attempts: [{ start: t(2), end: t(6), error: 'boom' }] }),
        blk({ name: 'skipped', status: 'skipped' }),
      ],
      t(0),
    )
    expect(bars.map((b) => [b.name, b.left, b.width])).toEqual([
      ['load', 0, 20],
      ['a', 20, 80],
      ['b', 20, 40],
      ['skipped', 0, 0],
    ])
    expect(bars[2].attempts).toEqual([{ left: 20, width: 40, error: 'boom' }])
    expect(bars[1].ms).toBe(8000)
  })
  it('offsets from the run start and shows retried attempts as segments', () => {
    const bars = timelineBars(
      [
        blk({
          name: 'x',
          status: 'succeeded',
          started_at: t(5),
          ended_at: t(10),
          attempts: [
            { start: t(5), end: t(6), error: 'flaky' },
            { start: t(8), end: t(10) },
          ],
        }),
      ],
      t(0),
    )
    expect(bars[0]).toMatchObject({ left: 50, width: 50 })
    expect(bars[0].attempts).toEqual([
      { left: 50, width: 10, error: 'flaky' },
      { left: 80, width: 20 },
    ])
  })
  it('a running block extends to now', () => {
    const bars = timelineBars([blk({ name: 'x', status: 'running', started_at: t(0), attempts: [{ start: t(0) }] })], t(0), Date.parse(t(4)))
    expect(bars[0]).toMatchObject({ left: 0, width: 100, ms: 4000 })
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

describe('runGrid', () => {
  const r = (id: string, at: string, status: Status, blocks: [string, Status, number][]): Run => ({
    run_id: id,
    pipeline: 'p',
    mode: 'manual',
    status,
    started_at: at,
    duration_ms: 0,
    blocks: blocks.map(([name, st, ms]) => blk({ name, status: st, duration_ms: ms })),
  })
  const runs = [
    r('old', '2024-01-01T00:00:00Z', 'failed', [['load', 'succeeded', 10], ['gone', 'failed', 5]]),
    r('new', '2024-01-03T00:00:00Z', 'succeeded', [['load', 'cached', 0], ['prep', 'succeeded', 30]]),
    r('mid', '2024-01-02T00:00:00Z', 'failed', [['prep', 'failed', 7]]),
  ]
  it('rows are the blocks in pipeline order then removed ones; columns newest first', () => {
    const g = runGrid(['load', 'prep'], runs)
    expect(g.columns.map((c) => c.run_id)).toEqual(['new', 'mid', 'old'])
    expect(g.rows.map((x) => x.block)).toEqual(['load', 'prep', 'gone'])
    expect(g.rows[0].cells).toEqual([
      { run_id: 'new', status: 'cached', ms: 0 },
      { run_id: 'mid', status: '' },
      { run_id: 'old', status: 'succeeded', ms: 10 },
    ])
    expect(g.rows[1].cells.map((c) => c.status)).toEqual(['succeeded', 'failed', ''])
    expect(g.rows[2].cells.map((c) => c.status)).toEqual(['', '', 'failed'])
  })
  it('keeps the newest limit runs', () => {
    const g = runGrid(['load', 'prep'], runs, 2)
    expect(g.columns.map((c) => c.run_id)).toEqual(['new', 'mid'])
    expect(g.rows.map((x) => x.block)).toEqual(['load', 'prep'])
  })
  it('no runs: rows without cells', () => {
    expect(runGrid(['a'], [])).toEqual({ columns: [], rows: [{ block: 'a', cells: [] }] })
  })
})
