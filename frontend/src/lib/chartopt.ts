// Adapts a go-echarts option (built by the server) for a small card on the editor's dark theme.

type Obj = Record<string, unknown>

const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined)
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : obj(v) ? [v as Obj] : [])

/** decimalsFor is the fewest decimals that tell bins of width step apart: 0.3333 → 2, 0.5 → 1, 5 → 0. */
export function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0
  let dec = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))
  const scaled = step * 10 ** dec
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6 * scaled) dec++
  return dec
}

const RANGE = /^\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*[–-]\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*$/i

/** shortBinLabels rewrites histogram bin labels ("0.333333 – 0.666667") with the decimals their width needs. */
export function shortBinLabels(labels: unknown[]): unknown[] {
  const pairs = labels.map((l) => (typeof l === 'string' ? RANGE.exec(l) : null))
  if (!pairs.length || pairs.some((p) => !p)) return labels
  const steps = pairs.map((p) => Math.abs(Number(p![2]) - Number(p![1]))).sort((a, b) => a - b)
  const dec = decimalsFor(steps[Math.floor(steps.length / 2)])
  const f = (s: string) => Number(s).toFixed(dec)
  return pairs.map((p) => `${f(p![1])} – ${f(p![2])}`)
}

const timeOf = (point: unknown): number => {
  const x = Array.isArray(point) ? point[0] : (obj(point)?.value as unknown[] | undefined)?.[0]
  if (typeof x === 'number') return x
  return typeof x === 'string' ? Date.parse(x.includes('T') || x.length <= 10 ? x : x.replace(' ', 'T')) : NaN
}

/**
 * breakGaps puts a null between points of a time line that are much further apart than usual (over
 * 3× the median spacing), so that missing days, or a few stray rows years away, leave a gap instead
 * of a straight line drawn across it.
 */
export function breakGaps(data: unknown[]): unknown[] {
  const ts = data.map(timeOf)
  if (data.length < 3 || ts.some((t) => Number.isNaN(t))) return data
  const gaps = ts.slice(1).map((t, i) => t - ts[i])
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]
  if (!(median > 0)) return data
  const out: unknown[] = [data[0]]
  for (let i = 1; i < data.length; i++) {
    if (gaps[i - 1] > 3 * median) out.push([new Date((ts[i - 1] + ts[i]) / 2).toISOString(), null])
    out.push(data[i])
  }
  return out
}

/** prepareOption adapts a go-echarts option for a small dark card. */
export function prepareOption(option: Obj): Obj {
  const o: Obj = { ...option }
  delete o.toolbox
  o.backgroundColor = 'transparent'
  o.animation = false
  // The card's head already names the chart: of the server's title keep only its subtitle
  // ("histogram, 30 bins"), one small line above the grid, clear of the y axis name under it.
  const title = obj(o.title)
  const sub = title && typeof title.subtext === 'string' ? title.subtext : ''
  o.title = sub ? { text: sub, textStyle: { fontSize: 11, fontWeight: 400, color: '#94a3b8' }, left: 8, top: 2 } : { show: false }
  if (!o.grid) o.grid = { left: 16, right: 24, top: sub ? 44 : 32, bottom: 36, containLabel: true }
  if (!o.tooltip) o.tooltip = { trigger: 'axis' }
  if (o.yAxis) o.yAxis = list(o.yAxis).map((a) => ({
    ...a,
    nameTextStyle: { color: '#94a3b8', align: 'left', padding: [0, 0, 0, -8] },
    splitLine: { lineStyle: { color: '#1f2937' } },
  }))
  if (o.xAxis) o.xAxis = list(o.xAxis).map((a) => {
    const x: Obj = { ...a, nameTextStyle: { color: '#94a3b8' } }
    if (x.type === 'category' && Array.isArray(x.data)) x.data = shortBinLabels(x.data)
    return x
  })
  const timeX = list(o.xAxis).some((a) => a.type === 'time')
  if (timeX)
    o.series = list(o.series).map((s) =>
      s.type === 'line' && Array.isArray(s.data) ? { ...s, data: breakGaps(s.data), connectNulls: false } : s,
    )
  return o
}
