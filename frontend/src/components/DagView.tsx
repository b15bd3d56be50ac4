import { useCallback, useEffect, useMemo, useState } from 'react'
import {
  ReactFlow,
  Background,
  Controls,
  Handle,
  Position,
  applyNodeChanges,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { api, errorText, type Pipeline } from '../lib/api'
import type { RunState } from '../lib/runs'
import { positions } from '../lib/layout'
import { fmtCount, KIND_COLOR, KIND_LABEL } from '../lib/format'
import { StatusPill } from './StatusPill'

interface BlockNodeData extends Record<string, unknown> {
  name: string
  kind: string
  status: string
  rows?: number
  cols?: number
}

function BlockNode({ data }: NodeProps<Node<BlockNodeData>>) {
  return (
    <div className="dag-node" style={{ ['--kind' as string]: KIND_COLOR[data.kind] }} data-testid={`dag-node-${data.name}`}>
      <Handle type="target" position={Position.Left} />
      <div className="dag-kind">{KIND_LABEL[data.kind] ?? data.kind}</div>
      <div className="dag-name">{data.name}</div>
      <div className="row gap-s">
        <StatusPill status={data.status} testId="dag-status" />
        {data.rows !== undefined && !!data.cols && <span className="muted xsmall">{fmtCount(data.rows)} rows</span>}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  )
}

const nodeTypes = { block: BlockNode }

export function DagView({ pipeline, runs, onChanged }: { pipeline: Pipeline; runs: RunState; onChanged: (p?: Pipeline) => void }) {
  const [msg, setMsg] = useState<string | null>(null)
  const [moved, setMoved] = useState<Record<string, { x: number; y: number }>>({})
  const layout = useMemo(() => positions(pipeline.blocks.filter((b) => b.kind !== 'markdown')), [pipeline.blocks])

  const baseNodes = useMemo<Node<BlockNodeData>[]>(
    () =>
      pipeline.blocks
        .filter((b) => b.kind !== 'markdown')
        .map((b) => {
          const r = runs.blocks[b.name]
          return {
            id: b.name,
            type: 'block',
            position: moved[b.name] ?? layout.get(b.name) ?? { x: 0, y: 0 },
            data: {
              name: b.name,
              kind: b.kind,
              status: r?.status ?? (b.output ? 'succeeded' : 'idle'),
              rows: r?.rows ?? b.output?.rows,
              cols: r?.cols ?? b.output?.cols,
            },
          }
        }),
    [pipeline.blocks, runs.blocks, layout, moved],
  )
  const [nodes, setNodes] = useState(baseNodes)
  useEffect(() => setNodes(baseNodes), [baseNodes])

  const edges = useMemo<Edge[]>(
    () =>
      pipeline.blocks.flatMap((b) =>
        b.upstream.map((u) => ({
          id: `${u}->${b.name}`,
          source: u,
          target: b.name,
          animated: runs.blocks[b.name]?.status === 'running',
          style: { stroke: '#64748b', strokeWidth: 1.5 },
        })),
      ),
    [pipeline.blocks, runs.blocks],
  )

  const onNodesChange = useCallback((changes: NodeChange<Node<BlockNodeData>>[]) => {
    // Blocks are removed from the notebook, not the graph.
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== 'remove'), ns))
    for (const c of changes)
      if (c.type === 'position' && c.position && !c.dragging) setMoved((m) => ({ ...m, [c.id]: c.position! }))
  }, [])

  const onConnect = useCallback(
    async (c: Connection) => {
      const target = pipeline.blocks.find((b) => b.name === c.target)
      if (!target || !c.source || target.upstream.includes(c.source)) return
      try {
        onChanged(await api.patchBlock(pipeline.name, target.name, { upstream: [...target.upstream, c.source] }))
        setMsg(null)
      } catch (e) {
        setMsg(errorText(e))
      }
    },
    [pipeline, onChanged],
  )

  const disconnect = useCallback(
    async (es: Edge[]) => {
      for (const e of es) {
        const target = pipeline.blocks.find((b) => b.name === e.target)
        if (!target) continue
        try {
          onChanged(await api.patchBlock(pipeline.name, target.name, { upstream: target.upstream.filter((u) => u !== e.source) }))
          setMsg(null)
        } catch (err) {
          setMsg(errorText(err))
        }
      }
    },
    [pipeline, onChanged],
  )

  return (
    <div className="dag" data-testid="dag">
      <div className="dag-help muted small">
        Drag from a block's right handle to another block to connect; select an edge and press Delete (or double-click it) to
        disconnect.
      </div>
      {msg && (
        <div className="banner error" data-testid="dag-error">
          <button className="close" onClick={() => setMsg(null)}>
            ×
          </button>
          {msg}
        </div>
      )}
      <div className="dag-canvas">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onConnect={onConnect}
          onEdgesDelete={disconnect}
          onEdgeDoubleClick={(_, e) => void disconnect([e])}
          colorMode="dark"
          fitView
          fitViewOptions={{ padding: 0.3, maxZoom: 1.2 }}
          proOptions={{ hideAttribution: true }}
          deleteKeyCode={['Delete', 'Backspace']}
        >
          <Background gap={16} color="#1f2937" />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </div>
  )
}
