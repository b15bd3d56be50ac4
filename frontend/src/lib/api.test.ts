import { describe, expect, it } from 'vitest'
import { ApiError, Client, errorText } from './api'

function fake(status: number, body: unknown, calls: { url: string; init?: RequestInit }[] = []) {
  return {
    calls,
    client: new Client('http://x', async (url, init) => {
      calls.push({ url, init })
      return new Response(body === undefined ? null : JSON.stringify(body), { status })
    }),
  }
}

describe('Client', () => {
  it('sends JSON bodies and parses answers', async () => {
    const { client, calls } = fake(201, { name: 'p', blocks: [] })
    const p = await client.createPipeline('p', 'desc')
    expect(p.name).toBe('p')
    expect(calls[0].url).toBe('http://x/api/pipelines')
    expect(calls[0].init?.method).toBe('POST')
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({ name: 'p', description: 'desc' })
    expect((calls[0].init?.headers as Record<string, string>)['Content-Type']).toBe('application/json')
  })

  it('encodes file paths segment by segment', async () => {
    const { client, calls } = fake(200, { path: 'a b/c.go', content: '', version: 'v' })
    await client.file('utils/a b/c#.go')
    expect(calls[0].url).toBe('http://x/api/files/utils/a%20b/c%23.go')
  })

  it('turns a 409 into an ApiError carrying the conflict', async () => {
    const { client } = fake(409, {
      error: { code: 'conflict', message: 'x.go changed on disk' },
      conflict: { path: 'x.go', your_version: 'a', disk_version: 'b', disk_content: 'disk' },
    })
    const err = await client.saveFile('x.go', 'mine', 'a').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(409)
    expect(err.code).toBe('conflict')
    expect(err.conflict.disk_content).toBe('disk')
  })

  it('keeps positions of 422 errors', async () => {
    const { client } = fake(422, { error: { code: 'invalid', message: 'undefined: x', file: 't/p.go', line: 12, col: 5 } })
    const err = await client.run('p', 'block', 'b').catch((e) => e)
    expect(err.body.line).toBe(12)
    expect(errorText(err)).toBe('t/p.go:12:5: undefined: x')
  })

  it('does not repeat a position the message already has', () => {
    const e = new ApiError(422, { message: 't/p.go:3:1: bad', file: 't/p.go', line: 3, col: 1 })
    expect(errorText(e)).toBe('t/p.go:3:1: bad')
  })

  it('handles 204 and non-JSON errors', async () => {
    expect(await fake(204, undefined).client.deletePipeline('p')).toBeUndefined()
    const c = new Client('', async () => new Response('boom', { status: 500 }))
    const err = await c.project().catch((e) => e)
    expect(err.status).toBe(500)
    expect(err.message).toBe('boom')
  })

  it('reports an unreachable server', async () => {
    const c = new Client('', async () => {
      throw new TypeError('Failed to fetch')
    })
    const err = await c.project().catch((e) => e)
    expect(err.status).toBe(0)
    expect(err.code).toBe('network')
  })

  it('builds run and output requests', async () => {
    const { client, calls } = fake(202, { run_id: 'r1' })
    await client.run('taxi prep', 'with_upstream', 'b', { months: '2023-02' })
    expect(calls[0].url).toBe('http://x/api/pipelines/taxi%20prep/runs')
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({ mode: 'with_upstream', block: 'b', vars: { months: '2023-02' } })
    await client.run('p', 'pipeline')
    expect(JSON.parse(String(calls[1].init?.body))).toEqual({ mode: 'pipeline' })
    await client.output('p', 'b', 200, 100)
    expect(calls[2].url).toBe('http://x/api/pipelines/p/blocks/b/output?offset=200&limit=100')
    await client.deleteBlock('p', 'b', true)
    expect(calls[3].url).toBe('http://x/api/pipelines/p/blocks/b?delete_file=true')
  })
})
