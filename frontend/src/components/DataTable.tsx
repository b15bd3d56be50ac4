// A paginated output table: server-side pages, shape and column types in the header.

import type { FramePage } from '../lib/api'
import { fmtCell, fmtCount } from '../lib/format'
import { pageInfo, offsetFor } from '../lib/pagination'

export interface DataTableProps {
  page: FramePage
  onPage?: (offset: number, limit: number) => void
  loading?: boolean
  paged?: boolean
  testId?: string
}

export function DataTable({ page, onPage, loading, paged = true, testId = 'output-table' }: DataTableProps) {
  const info = pageInfo(page.offset, page.limit, page.rows)
  const go = (p: number) => onPage?.(offsetFor(p, page.limit, page.rows), page.limit)
  const numeric = (t: string) => t === 'int64' || t === 'float64' || t === 'duration'
  return (
    <div className="table-wrap" data-testid={testId}>
      <div className="table-scroll">
        <table className={`data${loading ? ' loading' : ''}`}>
          <thead>
            <tr>
              <th className="rownum">#</th>
              {page.schema.map((f) => (
                <th key={f.name} className={numeric(f.type) ? 'num' : ''}>
                  <div className="col-name">{f.name}</div>
                  <div className="col-type">{f.type}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.data.map((row, i) => (
              <tr key={page.offset + i} data-testid="output-row">
                <td className="rownum">{page.offset + i}</td>
                {row.map((v, j) => (
                  <td key={j} className={`${numeric(page.schema[j]?.type) ? 'num' : ''}${v === null ? ' null' : ''}`}>
                    {v === null ? 'null' : fmtCell(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {paged && (
        <div className="pager" data-testid="pager">
          <span className="muted" data-testid="shape">
            {fmtCount(page.rows)} rows × {page.cols} cols
          </span>
          <span className="grow" />
          <span className="muted" data-testid="page-range">
            {fmtCount(info.from)}–{fmtCount(info.to)}
          </span>
          <button className="btn xs" disabled={!info.hasPrev} onClick={() => go(0)} title="First page">
            «
          </button>
          <button className="btn xs" disabled={!info.hasPrev} onClick={() => go(info.page - 1)} data-testid="page-prev">
            ‹ Prev
          </button>
          <span className="muted" data-testid="page-number">
            page {info.page + 1} / {fmtCount(info.pages)}
          </span>
          <button className="btn xs" disabled={!info.hasNext} onClick={() => go(info.page + 1)} data-testid="page-next">
            Next ›
          </button>
          <button className="btn xs" disabled={!info.hasNext} onClick={() => go(info.pages - 1)} title="Last page">
            »
          </button>
          <select
            className="xs"
            value={page.limit}
            onChange={(e) => onPage?.(0, Number(e.target.value))}
            data-testid="page-size"
          >
            {[10, 25, 100, 500].map((n) => (
              <option key={n} value={n}>
                {n} / page
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  )
}
