// The upstream a new block starts with in the "add block" form.

import type { Block, Kind } from './api'

/**
 * defaultUpstream is the newest block a new block of kind most likely reads: the last data loader
 * or transformer (or custom block). Loaders, sensors and markdown start with none, and an exporter
 * is never proposed: it ends a pipeline, its output is rarely anyone's input.
 */
export function defaultUpstream(blocks: Pick<Block, 'name' | 'kind'>[], kind: Kind): string[] {
  if (kind === 'data_loader' || kind === 'sensor' || kind === 'markdown') return []
  const feeds = blocks.filter((b) => b.kind === 'data_loader' || b.kind === 'transformer' || b.kind === 'custom')
  const last = feeds.at(-1)
  return last ? [last.name] : []
}
