import { useMemo, useState } from 'react'
import type { FileInfo } from '../lib/api'
import { href } from '../lib/hooks'

interface Dir {
  name: string
  path: string
  dirs: Map<string, Dir>
  files: FileInfo[]
}

export function buildTree(files: FileInfo[]): Dir {
  const root: Dir = { name: '', path: '', dirs: new Map(), files: [] }
  for (const f of files) {
    const parts = f.path.split('/')
    let d = root
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts.slice(0, i + 1).join('/')
      let next = d.dirs.get(parts[i])
      if (!next) {
        next = { name: parts[i], path: p, dirs: new Map(), files: [] }
        d.dirs.set(parts[i], next)
      }
      d = next
    }
    d.files.push(f)
  }
  return root
}

export function FileTree({ files }: { files: FileInfo[] }) {
  const tree = useMemo(() => buildTree(files), [files])
  return (
    <div className="tree" data-testid="file-tree">
      <DirView dir={tree} depth={0} />
    </div>
  )
}

const collapsedByDefault = new Set(['data', 'pipelines'])

function DirView({ dir, depth }: { dir: Dir; depth: number }) {
  const [open, setOpen] = useState(depth === 0 || !collapsedByDefault.has(dir.name))
  const dirs = [...dir.dirs.values()].sort((a, b) => a.name.localeCompare(b.name))
  const files = [...dir.files].sort((a, b) => a.path.localeCompare(b.path))
  return (
    <div>
      {depth > 0 && (
        <div className="tree-row dir" style={{ paddingLeft: depth * 14 - 8 }} onClick={() => setOpen(!open)}>
          <span className="caret">{open ? '▾' : '▸'}</span> {dir.name}/
        </div>
      )}
      {open && (
        <>
          {dirs.map((d) => (
            <DirView key={d.path} dir={d} depth={depth + 1} />
          ))}
          {files.map((f) => (
            <a
              key={f.path}
              className="tree-row file"
              style={{ paddingLeft: depth * 14 + 14 }}
              href={href({ page: 'file', path: f.path })}
              data-testid={`file-${f.path}`}
            >
              <span className="ellipsis">{f.path.split('/').pop()}</span>
              <span className="muted small">{f.size < 1024 ? `${f.size} B` : `${(f.size / 1024).toFixed(1)} kB`}</span>
            </a>
          ))}
        </>
      )}
    </div>
  )
}
