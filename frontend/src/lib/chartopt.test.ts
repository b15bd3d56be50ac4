import { describe, expect, it } from 'vitest'
import { breakGaps, decimalsFor, prepareOption, shortBinLabels } from './chartopt'

describe('histogram bin labels', () => {
  it.each([
    [1 / 3, 2],
    [0.5, 1],
    [0.25, 2],
    [5, 0],
    [2.5, 1],
    [0.001, 3],
  ])('a bin %f wide needs %i decimals', (step, want) => expect(decimalsFor(step)).toBe(want))

  it('drop the six decimals', () => {
    expect(shortBinLabels(['0.000000 – 0.333333', '0.333333 – 0.666667'])).toEqual(['0.00 – 0.33', '0.33 – 0.67'])
    expect(shortBinLabels(['0 – 5', '5 – 10'])).toEqual(['0 – 5', '5 – 10'])
  })
  it('leave other category labels alone', () => {
    expect(shortBinLabels(['Manhattan', 'Queens'])).toEqual(['Manhattan', 'Queens'])
  })
})

describe('time series gaps', () => {
  it('a 14-year gap of missing days is a break in the line, not a line across it', () => {
    const data = [['2009-01-01', 1], ['2023-01-01', 5], ['2023-01-02', 6], ['2023-01-03', 7], ['2023-01-05', 8]]
    const out = breakGaps(data) as unknown[][]
    expect(out.length).toBe(data.length + 1)
    expect(out[1][1]).toBeNull()
    expect(out.filter((p) => p[1] === null).length).toBe(1) // one missing day is not a break
  })
  it('applies to line series on a time axis', () => {
    const o = prepareOption({
      title: { text: 'trips', subtext: 'count per day' },
      xAxis: [{ type: 'time', name: 'pickup' }],
      yAxis: [{ type: 'value', name: 'count' }],
      series: [{ type: 'line', data: [['2009-01-01', 1], ['2023-01-01', 5], ['2023-01-02', 6], ['2023-01-03', 7]] }],
    })
    const s = (o.series as { data: unknown[][] }[])[0]
    expect(s.data.some((p) => p[1] === null)).toBe(true)
  })
})

describe('prepareOption', () => {
  it('keeps one line of title (the card head names the chart) and room under it for the y axis name', () => {
    const o = prepareOption({ title: { text: 'distance', subtext: 'histogram, 30 bins' }, yAxis: [{ name: 'count' }] })
    expect((o.title as { text: string }).text).toBe('histogram, 30 bins')
    expect((o.title as { subtext?: string }).subtext).toBeUndefined()
    expect((o.grid as { top: number }).top).toBeGreaterThanOrEqual(40)
    expect(o.toolbox).toBeUndefined()
  })
})
