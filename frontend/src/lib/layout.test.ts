import { describe, expect, it } from 'vitest'
import { layers, positions } from './layout'

describe('layout', () => {
  it('puts a block one layer after its deepest upstream', () => {
    const l = layers([
      { name: 'a', upstream: [] },
      { name: 'b', upstream: ['a'] },
      { name: 'c', upstream: ['a', 'b'] },
      { name: 'd', upstream: ['missing'] },
    ])
    expect(Object.fromEntries(l)).toEqual({ a: 0, b: 1, c: 2, d: 0 })
  })
  it('survives a cycle', () => {
    const p = positions([
      { name: 'a', upstream: ['b'] },
      { name: 'b', upstream: ['a'] },
    ])
    expect(p.size).toBe(2)
  })
})
