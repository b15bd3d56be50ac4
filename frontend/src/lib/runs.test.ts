import { describe, expect, it } from 'vitest'
import { initialRunState, mergeLogs, planErrorFor, MAX_LOG_LINES, reduceRun, seedFromRun, seedFromRuns, type HistoryRun, type WSMessage } from './runs'

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

  const hist = (run_id: string, status: string, duration_ms: number, blocks: HistoryRun['blocks'] = []): HistoryRun => ({
    run_id,
    pipeline: 'p',
    status,
    duration_ms,
    blocks,
  })

  it('after a reload the header shows the newest run: its status with its duration', () => {
    const runs = [
      hist('r5', 'succeeded', 500),
      hist('r4', 'failed', 400),
      hist('r3', 'failed', 300),
      hist('r2', 'failed', 200),
      hist('r1', 'failed', 100),
    ]
    const s = seedFromRuns(initialRunState('p'), runs)
    expect(s.runStatus).toBe('succeeded')
    expect(s.runDuration).toBe(500)
    expect(s.activeRun).toBeNull()
  })

  it('each block shows the newest run that ran it', () => {
    const s = seedFromRuns(initialRunState('p'), [
      hist('r2', 'failed', 2, [{ name: 'a', status: 'failed', error: { message: 'new' } }]),
      hist('r1', 'succeeded', 1, [
        { name: 'a', status: 'succeeded', rows: 3, cols: 1 },
        { name: 'b', status: 'succeeded', rows: 3, cols: 1 },
      ]),
    ])
    expect(s.blocks.a).toMatchObject({ status: 'failed', run_id: 'r2' })
    expect(s.blocks.a.error?.message).toBe('new')
    expect(s.blocks.b).toMatchObject({ status: 'succeeded', run_id: 'r1' })
  })

  it('after a server restart a run the page saw running reads as the history says (crashed)', () => {
    let s = apply([
      { type: 'run_started', run_id: 'r', pipeline: 'p', blocks: ['a'] },
      { type: 'block_started', run_id: 'r', pipeline: 'p', block: 'a' },
    ])
    expect(s.activeRun).toBe('r')
    s = seedFromRuns(s, [hist('r', 'crashed', 10, [{ name: 'a', status: 'crashed', error: { message: 'worker died' } }])])
    expect(s.activeRun).toBeNull()
    expect(s.runStatus).toBe('crashed')
    expect(s.blocks.a.status).toBe('crashed')
  })

  it('a reply read before a run ended does not send it back to running', () => {
    let s = apply([
      { type: 'run_started', run_id: 'r', pipeline: 'p', blocks: ['a'] },
      { type: 'block_finished', run_id: 'r', pipeline: 'p', block: 'a', status: 'succeeded', rows: 1, cols: 1 },
      { type: 'run_finished', run_id: 'r', pipeline: 'p', status: 'succeeded', duration_ms: 7 },
    ])
    s = seedFromRuns(s, [hist('r', 'running', 0, [{ name: 'a', status: 'running' }])])
    expect(s.activeRun).toBeNull()
    expect(s.runStatus).toBe('succeeded')
    expect(s.blocks.a.status).toBe('succeeded')
  })

  it('a reply that lags the live events does not send a running block back to queued', () => {
    let s = apply([
      { type: 'run_started', run_id: 'r', pipeline: 'p', blocks: ['a'] },
      { type: 'block_started', run_id: 'r', pipeline: 'p', block: 'a' },
      { type: 'block_log', run_id: 'r', pipeline: 'p', block: 'a', line: 'live line' },
    ])
    s = seedFromRuns(s, [hist('r', 'running', 0, [{ name: 'a', status: 'queued', logs: [] }])])
    expect(s.blocks.a.status).toBe('running')
    expect(s.blocks.a.logs).toEqual(['live line'])
  })

  it('a run the list does not know yet (just started here) keeps the header', () => {
    let s = apply([{ type: 'run_started', run_id: 'r2', pipeline: 'p', blocks: ['a'] }])
    s = seedFromRuns(s, [hist('r1', 'succeeded', 5, [{ name: 'a', status: 'succeeded' }])])
    expect(s.activeRun).toBe('r2')
    expect(s.blocks.a.status).toBe('queued')
  })

  it('a run of golem run in another terminal (no websocket events) shows through polling, and its output is refetched', () => {
    let s = seedFromRuns(initialRunState('p'), [hist('r1', 'succeeded', 5, [{ name: 'a', status: 'succeeded', rows: 1, cols: 1 }])])
    const before = s.blocks.a.finished
    s = seedFromRuns(s, [hist('r2', 'running', 0, [{ name: 'a', status: 'running' }]), hist('r1', 'succeeded', 5)])
    expect(s.activeRun).toBe('r2')
    expect(s.blocks.a.status).toBe('running')
    s = seedFromRuns(s, [hist('r2', 'succeeded', 9, [{ name: 'a', status: 'succeeded', rows: 2, cols: 1 }]), hist('r1', 'succeeded', 5)])
    expect(s.activeRun).toBeNull()
    expect(s.runStatus).toBe('succeeded')
    expect(s.blocks.a).toMatchObject({ status: 'succeeded', rows: 2 })
    expect(s.blocks.a.finished).toBeGreaterThan(before)
  })

  it('a run of golem run that ended between two polls still refreshes the output', () => {
    let s = seedFromRuns(initialRunState('p'), [hist('r1', 'succeeded', 5, [{ name: 'a', status: 'succeeded', rows: 1, cols: 1 }])])
    const before = s.blocks.a.finished
    s = seedFromRuns(s, [hist('r2', 'succeeded', 5, [{ name: 'a', status: 'succeeded', rows: 2, cols: 1 }]), hist('r1', 'succeeded', 5)])
    expect(s.blocks.a).toMatchObject({ run_id: 'r2', rows: 2 })
    expect(s.blocks.a.finished).toBe(before + 1)
    // and the same reply again changes nothing
    expect(seedFromRuns(s, [hist('r2', 'succeeded', 5, [{ name: 'a', status: 'succeeded', rows: 2, cols: 1 }])]).blocks.a.finished).toBe(before + 1)
  })

  it('a poll that brings nothing new returns the same state (nothing re-renders)', () => {
    const runs = [hist('r', 'failed', 5, [{ name: 'a', status: 'failed', error: { message: 'x' }, logs: ['l'] }])]
    const s = seedFromRuns(initialRunState('p'), runs)
    expect(seedFromRuns(s, JSON.parse(JSON.stringify(runs)))).toBe(s)
  })

  it('block logs come back after a reload from the run detail', () => {
    let s = seedFromRuns(initialRunState('p'), [hist('r', 'succeeded', 5, [{ name: 'a', status: 'succeeded', logs: [] }])])
    expect(s.blocks.a.logs).toEqual([])
    s = mergeLogs(s, hist('r', 'succeeded', 5, [{ name: 'a', status: 'succeeded', logs: ['read 10 trips'] }]))
    expect(s.blocks.a.logs).toEqual(['read 10 trips'])
    // logs of an older run do not land on a block a newer run holds
    s = mergeLogs(s, hist('old', 'succeeded', 5, [{ name: 'a', status: 'succeeded', logs: ['stale'] }]))
    expect(s.blocks.a.logs).toEqual(['read 10 trips'])
  })
})

describe('planErrorFor', () => {
  const prepare = { name: 'prepare', file: 'transformers/prepare.go' }
  const ingest = { name: 'ingest', file: 'data_loaders/ingest.go' }
  const missing = {
    message:
      'block "prepare" needs the output of upstream "ingest", which has not been run yet; run the pipeline first, or run "prepare" with its upstreams: upstream output missing',
  }
  it('shows an error that names the block as the server writes it (block "prepare") in that cell', () => {
    expect(planErrorFor(missing, prepare, null)).toBe(missing)
    expect(planErrorFor(missing, ingest, null)).toBeNull()
  })
  it('also matches the unquoted spelling, and not a longer name', () => {
    const e = { message: 'block prepare: boom' }
    expect(planErrorFor(e, prepare, null)).toBe(e)
    expect(planErrorFor({ message: 'block prepare_more: boom' }, prepare, null)).toBeNull()
  })
  it('shows an error in the block file', () => {
    const e = { message: 'x', details: [{ message: 'undefined: y', file: 'transformers/prepare.go', line: 3 }] }
    expect(planErrorFor(e, prepare, null)).toBe(e)
  })
  it('an error without a file shows in the cell whose Run got it', () => {
    const e = { message: 'no such variable' }
    expect(planErrorFor(e, prepare, 'prepare')).toBe(e)
    expect(planErrorFor(e, ingest, 'prepare')).toBeNull()
  })
})
