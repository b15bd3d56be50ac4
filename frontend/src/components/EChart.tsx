// Renders a go-echarts option JSON with echarts (canvas), importing only the chart types Golem uses.

import { useEffect, useRef } from 'react'
import * as echarts from 'echarts/core'
import { BarChart, LineChart, ScatterChart, PieChart, BoxplotChart, ParallelChart } from 'echarts/charts'
import {
  GridComponent,
  TooltipComponent,
  TitleComponent,
  LegendComponent,
  DataZoomComponent,
  ToolboxComponent,
  DatasetComponent,
  ParallelComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { prepareOption } from '../lib/chartopt'

echarts.use([
  BarChart,
  LineChart,
  ScatterChart,
  PieChart,
  BoxplotChart,
  ParallelChart,
  ParallelComponent,
  GridComponent,
  TooltipComponent,
  TitleComponent,
  LegendComponent,
  DataZoomComponent,
  ToolboxComponent,
  DatasetComponent,
  CanvasRenderer,
])

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
