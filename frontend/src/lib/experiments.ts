// Pure helpers of the Experiments and Models pages: columns, sorting, filtering, comparison and
// the charts' options (echarts), kept apart from React so they are unit-tested.

import type { Entry, StepPoint } from './api'

/** keysOf lists, sorted, the keys of params or metrics across entries. */
export function keysOf(entries: Entry[], field: 'params' | 'metrics'): string[] {
  const set = new Set<string>()
  for (const e of entries) for (const k of Object.keys(e[field] ?? {})) set.add(k)
  return [...set].sort()
}

/** fmtValue shows a parameter or metric compactly. */
export function fmtValue(v: unknown): string {
  if (v === undefined || v === null) return '—'
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v)
    const a = Math.abs(v)
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(5)))
  }
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

/** Sort says which column orders the table: "metric:val_rmse", "param:lr", "started", "pipeline". */
export interface Sort {
  key: string
  desc: boolean
}

function valueOf(e: Entry, key: string): unknown {
  const [kind, name] = splitKey(key)
  if (kind === 'metric') return e.metrics?.[name]
  if (kind === 'param') return e.params?.[name]
  return (e as unknown as Record<string, unknown>)[key]
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(':')
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)]
}

/** sortEntries orders entries by a column; missing values go last either way. */
export function sortEntries(entries: Entry[], s: Sort): Entry[] {
  const out = [...entries]
  out.sort((a, b) => {
    const va = valueOf(a, s.key)
    const vb = valueOf(b, s.key)
    if (va === undefined || va === null) return vb === undefined || vb === null ? 0 : 1
    if (vb === undefined || vb === null) return -1
    let c: number
    if (typeof va === 'number' && typeof vb === 'number') c = va - vb
    else c = String(va).localeCompare(String(vb))
    return s.desc ? -c : c
  })
  return out
}

/** Filter narrows entries: a parameter whose value contains text, a metric within [min, max]. */
export interface Filter {
  param?: string
  paramValue?: string
  metric?: string
  min?: number
  max?: number
}

export function filterEntries(entries: Entry[], f: Filter): Entry[] {
  return entries.filter((e) => {
    if (f.param) {
      const v = e.params?.[f.param]
      if (v === undefined) return false
      if (f.paramValue && !fmtValue(v).toLowerCase().includes(f.paramValue.toLowerCase())) return false
    }
    if (f.metric) {
      const v = e.metrics?.[f.metric]
      if (v === undefined) return false
      if (f.min !== undefined && !Number.isNaN(f.min) && v < f.min) return false
      if (f.max !== undefined && !Number.isNaN(f.max) && v > f.max) return false
    }
    return true
  })
}

/** paramDiff is the rows of the comparison table: every parameter, and whether the entries differ on it. */
export function paramDiff(entries: Entry[]): { name: string; values: unknown[]; differs: boolean }[] {
  return keysOf(entries, 'params').map((name) => {
    const values = entries.map((e) => e.params?.[name])
    const shown = values.map(fmtValue)
    return { name, values, differs: shown.some((v) => v !== shown[0]) }
  })
}

const short = (e: Entry) => (e.trial ? `${e.block} #${e.trial}` : `${e.block} ${e.run_id.slice(-6)}`)

/** metricBars is a grouped bar chart: one group per metric, one bar per entry. */
export function metricBars(entries: Entry[], metrics: string[]): Record<string, unknown> {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 10, top: 30, bottom: 30 },
    xAxis: { type: 'category', data: metrics },
    yAxis: { type: 'value' },
    series: entries.map((e) => ({ type: 'bar', name: short(e), data: metrics.map((m) => e.metrics?.[m] ?? null) })),
  }
}

/** parallelCoords draws every entry as a line across its numeric parameters and metrics. */
export function parallelCoords(entries: Entry[]): Record<string, unknown> {
  const params = keysOf(entries, 'params').filter((k) => entries.some((e) => typeof e.params?.[k] === 'number'))
  const metrics = keysOf(entries, 'metrics')
  const dims = [...params.map((p) => ({ name: p, kind: 'param' })), ...metrics.map((m) => ({ name: m, kind: 'metric' }))]
  return {
    tooltip: {},
    parallelAxis: dims.map((d, i) => ({ dim: i, name: d.name, nameTextStyle: { fontSize: 10 } })),
    parallel: { left: 40, right: 60, top: 40, bottom: 20 },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 2, opacity: 0.7 },
        data: entries.map((e) => ({
          name: short(e),
          value: dims.map((d) => {
            const v = d.kind === 'param' ? e.params?.[d.name] : e.metrics?.[d.name]
            return typeof v === 'number' ? v : null
          }),
        })),
      },
    ],
  }
}

/** stepLines draws the stepped metrics (curves) of entries, one line per entry and metric. */
export function stepLines(series: { entry: Entry; steps: Record<string, StepPoint[]> }[]): Record<string, unknown> {
  const lines: unknown[] = []
  for (const { entry, steps } of series)
    for (const [metric, pts] of Object.entries(steps))
      lines.push({ type: 'line', name: `${short(entry)} ${metric}`, showSymbol: false, data: pts.map((p) => [p.step, p.value]) })
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 50, right: 10, top: 30, bottom: 30 },
    xAxis: { type: 'value', name: 'step' },
    yAxis: { type: 'value', scale: true },
    series: lines,
  }
}

/** bestSoFar is the running best (lowest, or highest with maximize) of values in trial order. */
export function bestSoFar(values: (number | undefined)[], maximize = false): (number | null)[] {
  let best: number | undefined
  return values.map((v) => {
    if (v !== undefined && (best === undefined || (maximize ? v > best : v < best))) best = v
    return best ?? null
  })
}

/** trialChart shows each trial's metric (pruned trials apart) and the best so far. */
export function trialChart(trials: Entry[], metric: string, maximize = false): Record<string, unknown> {
  const sorted = [...trials].sort((a, b) => (a.trial ?? 0) - (b.trial ?? 0))
  const done = sorted.map((t) => (t.status === 'succeeded' ? t.metrics?.[metric] : undefined))
  const best = bestSoFar(done, maximize)
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 10, top: 30, bottom: 30 },
    xAxis: { type: 'value', name: 'trial', minInterval: 1 },
    yAxis: { type: 'value', scale: true, name: metric },
    series: [
      { type: 'scatter', name: metric, data: sorted.filter((t) => t.status === 'succeeded').map((t) => [t.trial, t.metrics?.[metric]]) },
      { type: 'scatter', name: 'pruned', data: sorted.filter((t) => t.status === 'pruned').map((t) => [t.trial, t.metrics?.[metric]]) },
      { type: 'line', name: 'best so far', step: 'end', showSymbol: false, data: sorted.map((t, i) => [t.trial, best[i]]) },
    ],
  }
}

function ranks(xs: number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as [number, number]).sort((a, b) => a[0] - b[0])
  const r = new Array<number>(xs.length)
  for (let i = 0; i < idx.length; ) {
    let j = i
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++
    for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2
    i = j + 1
  }
  return r
}

/** importance scores each parameter by the absolute Spearman rank correlation of its values with
 * the metric over finished trials (string parameters by the spread of their groups' mean ranks),
 * normalised to sum to 1. A rough, model-free view of which parameters mattered. */
export function importance(trials: Entry[], metric: string): { name: string; score: number }[] {
  const done = trials.filter((t) => t.status === 'succeeded' && typeof t.metrics?.[metric] === 'number')
  if (done.length < 3) return []
  const ys = ranks(done.map((t) => t.metrics[metric]))
  const out: { name: string; score: number }[] = []
  for (const name of keysOf(done, 'params')) {
    const vals = done.map((t) => t.params?.[name])
    let score = 0
    if (vals.every((v) => typeof v === 'number')) {
      const xs = ranks(vals as number[])
      const n = xs.length
      const mx = xs.reduce((a, b) => a + b, 0) / n
      const my = ys.reduce((a, b) => a + b, 0) / n
      let sxy = 0
      let sxx = 0
      let syy = 0
      for (let i = 0; i < n; i++) {
        sxy += (xs[i] - mx) * (ys[i] - my)
        sxx += (xs[i] - mx) ** 2
        syy += (ys[i] - my) ** 2
      }
      score = sxx > 0 && syy > 0 ? Math.abs(sxy / Math.sqrt(sxx * syy)) : 0
    } else {
      const groups = new Map<string, number[]>()
      vals.forEach((v, i) => groups.set(fmtValue(v), [...(groups.get(fmtValue(v)) ?? []), ys[i]]))
      if (groups.size < 2) continue
      const means = [...groups.values()].map((g) => g.reduce((a, b) => a + b, 0) / g.length)
      score = (Math.max(...means) - Math.min(...means)) / Math.max(1, done.length - 1)
    }
    out.push({ name, score })
  }
  const total = out.reduce((a, b) => a + b.score, 0)
  return out.map((o) => ({ name: o.name, score: total > 0 ? o.score / total : 0 })).sort((a, b) => b.score - a.score)
}

/** importanceBars is the horizontal bar chart of importance. */
export function importanceBars(imp: { name: string; score: number }[]): Record<string, unknown> {
  const rev = [...imp].reverse()
  return {
    tooltip: {},
    grid: { left: 120, right: 20, top: 10, bottom: 20 },
    xAxis: { type: 'value', max: 1 },
    yAxis: { type: 'category', data: rev.map((i) => i.name) },
    series: [{ type: 'bar', data: rev.map((i) => Number(i.score.toFixed(3))) }],
  }
}

/** overTime charts a pipeline's logged metrics by run time: monitoring of recurring runs. */
export function overTime(entries: Entry[], metrics: string[], thresholds: { metric: string; above?: number; below?: number }[] = []): Record<string, unknown> {
  const sorted = [...entries].sort((a, b) => a.started.localeCompare(b.started))
  const series: Record<string, unknown>[] = metrics.map((m) => ({
    type: 'line',
    name: m,
    data: sorted.filter((e) => typeof e.metrics?.[m] === 'number').map((e) => [e.started, e.metrics[m]]),
  }))
  for (const t of thresholds) {
    const s = series.find((x) => x.name === t.metric)
    if (!s) continue
    const lines = []
    if (t.above !== undefined) lines.push({ yAxis: t.above, name: `alert above ${t.above}` })
    if (t.below !== undefined) lines.push({ yAxis: t.below, name: `alert below ${t.below}` })
    s.markLine = { symbol: 'none', lineStyle: { color: '#e5484d', type: 'dashed' }, data: lines }
  }
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 30, bottom: 30 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', scale: true },
    series,
  }
}
