// Layered layout of a pipeline DAG: a block's layer is the longest upstream path to it.

export interface LayoutNode {
  name: string
  upstream: string[]
}

export function layers(blocks: LayoutNode[]): Map<string, number> {
  const by = new Map(blocks.map((b) => [b.name, b]))
  const memo = new Map<string, number>()
  const visiting = new Set<string>()
  const depth = (n: string): number => {
    const m = memo.get(n)
    if (m !== undefined) return m
    if (visiting.has(n)) return 0 // a cycle: the server refuses these, stay safe anyway
    visiting.add(n)
    const b = by.get(n)
    let d = 0
    for (const u of b?.upstream ?? []) if (by.has(u)) d = Math.max(d, depth(u) + 1)
    visiting.delete(n)
    memo.set(n, d)
    return d
  }
  for (const b of blocks) depth(b.name)
  return memo
}

export function positions(blocks: LayoutNode[], dx = 260, dy = 110): Map<string, { x: number; y: number }> {
  const l = layers(blocks)
  const rows = new Map<number, number>()
  const out = new Map<string, { x: number; y: number }>()
  for (const b of blocks) {
    const layer = l.get(b.name) ?? 0
    const row = rows.get(layer) ?? 0
    rows.set(layer, row + 1)
    out.set(b.name, { x: layer * dx, y: row * dy })
  }
  return out
}
