import { describe, expect, it } from 'vitest'
import { clampOffset, offsetFor, pageInfo } from './pagination'

describe('pagination', () => {
  it.each([
    { name: 'first page', offset: 0, limit: 100, rows: 250, want: { page: 0, pages: 3, from: 1, to: 100, hasPrev: false, hasNext: true } },
    { name: 'last partial page', offset: 200, limit: 100, rows: 250, want: { page: 2, pages: 3, from: 201, to: 250, hasPrev: true, hasNext: false } },
    { name: 'empty frame', offset: 0, limit: 25, rows: 0, want: { page: 0, pages: 1, from: 0, to: 0, hasPrev: false, hasNext: false } },
    { name: 'offset past the end', offset: 900, limit: 100, rows: 250, want: { page: 2, pages: 3, from: 201, to: 250, hasPrev: true, hasNext: false } },
    { name: 'exact multiple', offset: 100, limit: 100, rows: 200, want: { page: 1, pages: 2, from: 101, to: 200, hasPrev: true, hasNext: false } },
  ])('$name', ({ offset, limit, rows, want }) => {
    expect(pageInfo(offset, limit, rows)).toEqual(want)
  })

  it('clamps offsets to page boundaries', () => {
    expect(clampOffset(-5, 10, 100)).toBe(0)
    expect(clampOffset(37, 10, 100)).toBe(30)
    expect(clampOffset(1000, 10, 95)).toBe(90)
    expect(offsetFor(3, 25, 60)).toBe(50)
  })
})
