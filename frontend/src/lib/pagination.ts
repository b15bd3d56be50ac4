// Server-side pagination arithmetic for output tables.

export interface PageInfo {
  page: number // 0-based
  pages: number
  from: number // 1-based first row shown (0 when empty)
  to: number // last row shown
  hasPrev: boolean
  hasNext: boolean
}

export function pageInfo(offset: number, limit: number, rows: number): PageInfo {
  const lim = Math.max(1, limit)
  const pages = Math.max(1, Math.ceil(rows / lim))
  const off = clampOffset(offset, lim, rows)
  const page = Math.floor(off / lim)
  return {
    page,
    pages,
    from: rows === 0 ? 0 : off + 1,
    to: Math.min(rows, off + lim),
    hasPrev: page > 0,
    hasNext: page < pages - 1,
  }
}

/** clampOffset keeps an offset on a page boundary inside [0, rows). */
export function clampOffset(offset: number, limit: number, rows: number): number {
  const lim = Math.max(1, limit)
  if (rows <= 0 || offset <= 0 || !Number.isFinite(offset)) return 0
  const last = Math.floor((rows - 1) / lim) * lim
  return Math.min(Math.floor(offset / lim) * lim, last)
}

/** offsetFor returns the offset of a 0-based page. */
export function offsetFor(page: number, limit: number, rows: number): number {
  return clampOffset(page * limit, limit, rows)
}
