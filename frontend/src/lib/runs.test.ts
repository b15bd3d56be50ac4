import { describe, expect, it } from 'vitest'
import { initialRunState, MAX_LOG_LINES, reduceRun, seedFromRun, type WSMessage } from './runs'

const apply = (ms: WSMessage[], pipeline = 'p') => ms.reduce(reduceRun, initialRunState(pipeline))

describe('reduceRun', () => {
  it('follows a successful run', () => {
    const s = apply([
      { type: 'run_started', run_id: 'r', pipeline: 'p', blocks: ['a', 'b'], mode: 'pipeline' },
      { type: 'block_started', run_id: 'r', pipeline: 'p', block: 'a' },
      { type: 'block_log', run_id: 'r', pipeline: 'p', block: 'a', line: 'hello' },
      { type: 'block_finished', run_id: 'r', pipeline: 'p', block: 'a', status: 'succeeded', rows: 10, cols: 3, duration_ms: 5 },
    ])
    expect(s.activeRun).toBe('r')
    expect(s.blocks.a).toMatchObject({ status: 'succeeded', rows: 10, cols: 3, logs: ['hello'], finished: 1 })
    expect(s.blocks.b.status).toBe('queued')
    const done = reduceRun(s, { type: 'run_finished', run_id: 'r', pipeline: 'p', status: 'failed', duration_ms: 9 })
    expect(done.activeRun).toBeNull()
    expect(done.runStatus).toBe('failed')
    expect(done.blocks.b.status).toBe('skipped')
  })

  it('shows a run waiting for a slot as queued until it starts', () => {
    let s = apply([
      { type: 'run_queued', run_id: 'r', pipeline: 'p', blocks: ['a'], mode: 'api', status: 'queued' },
      { type: 'run_queued', run_id: 'r', pipeline: 'p', line: 'queued behind run q', status: 'queued' },
    ])
    expect(s.activeRun).toBe('r')
    expect(s.runStatus).toBe('queued')
    expect(s.blocks.a.status).toBe('queued')
    s = reduceRun(s, { type: 'run_started', run_id: 'r', pipeline: 'p', blocks: ['a'] })
    expect(s.runStatus).toBe('running')
  })

  it('ignores other pipelines', () => {
    const s = initialRunState('p')
    expect(reduceRun(s, { type: 'block_started', pipeline: 'q', block: 'a', run_id: 'r' })).toBe(s)
  })

  it('keeps the error of a failed block and clears it on the next start', () => {
    let s = apply([
      {
        type: 'block_finished',
        run_id: 'r',
        pipeline: 'p',
        block: 'a',
        status: 'failed',
        error: { message: 'boom', file: 'a.go', line: 3, col: 2 },
      },
    ])
    expect(s.blocks.a.error?.line).toBe(3)
    s = reduceRun(s, { type: 'block_started', run_id: 'r2', pipeline: 'p', block: 'a' })
    expect(s.blocks.a.error).toBeNull()
    expect(s.blocks.a.status).toBe('running')
  })

  it('starts logs afresh for a new run and bounds them', () => {
    let s = apply([{ type: 'block_log', run_id: 'r', pipeline: 'p', block: 'a', line: 'old' }])
    s = reduceRun(s, { type: 'block_started', run_id: 'r2', pipeline: 'p', block: 'a' })
    expect(s.blocks.a.logs).toEqual([])
    for (let i = 0; i < MAX_LOG_LINES + 10; i++) s = reduceRun(s, { type: 'block_log', run_id: 'r2', pipeline: 'p', block: 'a', line: `l${i}` })
    expect(s.blocks.a.logs.length).toBe(MAX_LOG_LINES)
    expect(s.blocks.a.logs.at(-1)).toBe(`l${MAX_LOG_LINES + 9}`)
  })

  it('ignores run_finished of another run', () => {
    const s = apply([{ type: 'run_started', run_id: 'r2', pipeline: 'p', blocks: [] }])
    expect(reduceRun(s, { type: 'run_finished', run_id: 'r1', pipeline: 'p', status: 'succeeded' })).toBe(s)
  })

  it('seeds from run history on page load', () => {
    const s = seedFromRun(initialRunState('p'), {
      run_id: 'r',
      pipeline: 'p',
      status: 'running',
      blocks: [{ name: 'a', status: 'failed', error: { message: 'x', line: 2 }, logs: ['l'] }],
    })
    expect(s.activeRun).toBe('r')
    expect(s.blocks.a).toMatchObject({ status: 'failed', logs: ['l'] })
    expect(s.blocks.a.error?.line).toBe(2)
  })
})
