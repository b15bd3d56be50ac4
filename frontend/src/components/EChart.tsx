// Renders a go-echarts option JSON with echarts (canvas), importing only the chart types Golem uses.

import { useEffect, useRef } from 'react'
import * as echarts from 'echarts/core'
import { BarChart, LineChart, ScatterChart, PieChart, BoxplotChart } from 'echarts/charts'
import {
  GridComponent,
  TooltipComponent,
  TitleComponent,
  LegendComponent,
  DataZoomComponent,
  ToolboxComponent,
  DatasetComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  BarChart,
  LineChart,
  ScatterChart,
  PieChart,
  BoxplotChart,
  GridComponent,
  TooltipComponent,
  TitleComponent,
  LegendComponent,
  DataZoomComponent,
  ToolboxComponent,
  DatasetComponent,
  CanvasRenderer,
])

/** prepareOption adapts a go-echarts option for a small dark card (no toolbox save-as, compact grid). */
export function prepareOption(option: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = { ...option }
  delete o.toolbox
  o.backgroundColor = 'transparent'
  o.animation = false
  if (!o.grid) o.grid = { left: 48, right: 16, top: 36, bottom: 28, containLabel: true }
  if (!o.tooltip) o.tooltip = { trigger: 'axis' }
  const title = o.title as Record<string, unknown> | undefined
  if (title && !Array.isArray(title)) o.title = { ...title, textStyle: { fontSize: 12, color: '#cbd5e1' }, left: 8, top: 4 }
  return o
}

export function EChart({ option, height = 240 }: { option: Record<string, unknown>; height?: number }) {
  const el = useRef<HTMLDivElement>(null)
  const inst = useRef<echarts.ECharts | null>(null)

  useEffect(() => {
    const c = echarts.init(el.current!, 'dark', { renderer: 'canvas' })
    inst.current = c
    const ro = new ResizeObserver(() => c.resize())
    ro.observe(el.current!)
    return () => {
      ro.disconnect()
      c.dispose()
      inst.current = null
    }
  }, [])

  useEffect(() => {
    try {
      inst.current?.setOption(prepareOption(option), true)
    } catch (e) {
      console.error('echarts', e)
    }
  }, [option])

  return <div className="echart" data-testid="echart" ref={el} style={{ height }} />
}
