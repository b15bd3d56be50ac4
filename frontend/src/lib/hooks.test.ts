import { describe, expect, it } from 'vitest'
import { href, parseHash } from './hooks'

describe('routes', () => {
  it('round-trips the workers page', () => {
    expect(parseHash('#/workers')).toEqual({ page: 'workers' })
    expect(href({ page: 'workers' })).toBe('#/workers')
  })
})
