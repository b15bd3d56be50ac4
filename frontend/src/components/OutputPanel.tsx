import { useEffect, useState } from 'react'
import { api, ApiError, errorText, type FramePage, type Output } from '../lib/api'
import { DataTable } from './DataTable'

type Tab = 'table' | 'summary'

export function OutputPanel({ pipeline, block, refreshKey }: { pipeline: string; block: string; refreshKey: string }) {
  const [out, setOut] = useState<Output | null>(null)
  const [summary, setSummary] = useState<FramePage | null>(null)
  const [tab, setTab] = useState<Tab>('table')
  const [err, setErr] = useState<string | null>(null)
  const [none, setNone] = useState(false)
  const [loading, setLoading] = useState(false)
  const [limit, setLimit] = useState(25)
  const [offset, setOffset] = useState(0)
  const [hidden, setHidden] = useState(false)

  const fetchPage = (o: number, l: number) => {
    setLoading(true)
    api
      .output(pipeline, block, o, l)
      .then((r) => {
        setOut(r)
        setErr(null)
        setNone(false)
      })
      .catch((e) => {
        if (e instanceof ApiError && e.status === 404) {
          setNone(true)
          setOut(null)
        } else setErr(errorText(e))
      })
      .finally(() => setLoading(false))
  }

  useEffect(() => {
    fetchPage(0, limit)
    setOffset(0)
    setSummary(null)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pipeline, block, refreshKey])

  useEffect(() => {
    if (tab === 'summary' && !summary && out?.kind === 'frame')
      api
        .summary(pipeline, block)
        .then(setSummary)
        .catch((e) => setErr(errorText(e)))
  }, [tab, summary, out, pipeline, block])

  if (none) return <div className="output muted small pad" data-testid="no-output">No output yet: run the block (Shift+Enter).</div>
  if (err) return <div className="banner error small">{err}</div>
  if (!out) return <div className="output muted small pad">Loading output…</div>

  return (
    <div className="output" data-testid="output">
      <div className="output-head">
        <span className="small strong">Output</span>
        {out.kind === 'frame' ? (
          <>
            <span className="muted small mono">*frame.Frame</span>
            <div className="seg">
              <button className={tab === 'table' ? 'on' : ''} onClick={() => setTab('table')} data-testid="tab-table">
                Table
              </button>
              <button className={tab === 'summary' ? 'on' : ''} onClick={() => setTab('summary')} data-testid="tab-summary">
                Describe
              </button>
            </div>
          </>
        ) : (
          <span className="muted small mono">{out.go_type}</span>
        )}
        <span className="grow" />
        <button className="btn xs ghost" onClick={() => setHidden(!hidden)}>
          {hidden ? 'show' : 'hide'}
        </button>
      </div>
      {!hidden &&
        (out.kind === 'frame' ? (
          tab === 'table' ? (
            <DataTable
              page={out}
              loading={loading}
              onPage={(o, l) => {
                setOffset(o)
                setLimit(l)
                fetchPage(o, l)
              }}
            />
          ) : summary ? (
            <DataTable page={summary} paged={false} testId="summary-table" />
          ) : (
            <div className="muted small pad">Computing summary…</div>
          )
        ) : (
          <pre className="json" data-testid="output-json">
            {JSON.stringify(out.value, null, 2)}
          </pre>
        ))}
      <span hidden>{offset}</span>
    </div>
  )
}
