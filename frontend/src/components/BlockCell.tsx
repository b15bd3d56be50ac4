import { useEffect, useMemo, useState } from 'react'
import { api, ApiError, errorText, type Block, type ErrorBody, type Pipeline, type Problem, type RunMode } from '../lib/api'
import type { BlockRunState } from '../lib/runs'
import { isActive } from '../lib/runs'
import { useApp } from '../lib/hooks'
import { useFile } from '../lib/useFile'
import { fmtDuration, fmtShape, KIND_COLOR, KIND_LABEL, languageOf, toName } from '../lib/format'
import type { SqlScope } from '../lib/sqlcomplete'
import { CodeEditor } from './CodeEditor'
import { ConflictBanner, SaveIndicator } from './Conflict'
import { StatusPill } from './StatusPill'
import { Markdown } from './Markdown'
import { OutputPanel } from './OutputPanel'
import { Charts } from './Charts'

export interface BlockCellProps {
  pipeline: string
  block: Block
  names: string[]
  index: number
  count: number
  run?: BlockRunState
  pipelineRunning: boolean
  planError: ErrorBody | null
  onRun: (mode: RunMode, block?: string) => Promise<void>
  onCancel: () => void
  onChanged: (p?: Pipeline) => void
  onMove: (dir: -1 | 1) => void
  /** What a SQL cell completes (its upstream tables and columns, the variables). */
  sqlScope?: SqlScope
}

/** errorProblems turns a block error into editor diagnostics when it points into this block's file. */
export function errorProblems(err: ErrorBody | null | undefined, file: string): Problem[] {
  if (!err) return []
  const list = [err, ...(err.details ?? [])]
  return list
    .filter((p) => p.line && (!p.file || p.file === file || file.endsWith('/' + p.file) || p.file.endsWith('/' + file)))
    .map((p) => ({ message: p.message, line: p.line, col: p.col, file: p.file }))
}

export function BlockCell(props: BlockCellProps) {
  const { block, pipeline, run } = props
  const { completions, toast } = useApp()
  const f = useFile(block.file, { content: block.content, version: block.file_version })
  const [collapsed, setCollapsed] = useState(false)
  const [renaming, setRenaming] = useState(false)
  const [newName, setNewName] = useState(block.name)
  const [menu, setMenu] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [editUpstream, setEditUpstream] = useState(false)
  const [editingMd, setEditingMd] = useState(false)
  const [showLogs, setShowLogs] = useState(true)
  const isMd = block.kind === 'markdown'

  // A newer version from the server (disk edit, other tab) reaches the cell through the pipeline.
  useEffect(() => {
    f.external({ version: block.file_version, content: block.content })
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [block.file_version, block.content])

  const status = run?.status ?? (block.output ? 'succeeded' : 'idle')
  const active = isActive(run?.status)
  // A plan error of the latest ▶ Run replaces the error of the run before it.
  const runErr = run?.status === 'failed' && !props.planError ? run.error : null
  const problems = useMemo(
    () => [...f.problems, ...errorProblems(runErr, block.file), ...errorProblems(props.planError, block.file)],
    [f.problems, runErr, props.planError, block.file],
  )
  const rows = run?.rows ?? block.output?.rows
  const cols = run?.cols ?? block.output?.cols
  // a string or number output has no shape (the run reports 0 × 0 for it)
  const shape = fmtShape(rows, cols, run?.cols ? 'frame' : block.output?.kind)

  const doRun = async (mode: RunMode) => {
    setMenu(false)
    if (f.dirty) {
      const ok = await f.save()
      if (!ok) {
        toast(f.conflict ? 'Resolve the conflict before running' : 'Save failed: not running')
        return
      }
    }
    await props.onRun(mode, block.name)
  }

  const rename = async () => {
    setRenaming(false)
    const to = toName(newName)
    if (!to || to === block.name) return
    try {
      if (f.dirty) await f.save()
      props.onChanged(await api.patchBlock(pipeline, block.name, { name: to }))
    } catch (e) {
      toast(errorText(e))
      setNewName(block.name)
    }
  }

  const setUpstream = async (up: string[]) => {
    try {
      props.onChanged(await api.patchBlock(pipeline, block.name, { upstream: up }))
    } catch (e) {
      toast(errorText(e))
    }
  }

  const remove = async (deleteFile: boolean) => {
    setConfirmDelete(false)
    try {
      props.onChanged(await api.deleteBlock(pipeline, block.name, deleteFile))
    } catch (e) {
      toast(errorText(e))
    }
  }

  const others = props.names.filter((n) => n !== block.name)
  const refreshKey = `${run?.finished ?? 0}|${block.output?.run_id ?? ''}|${block.output?.saved_at ?? ''}`

  return (
    <section
      className={`cell kind-${block.kind} status-${status}`}
      data-testid={`block-${block.name}`}
      data-block={block.name}
      style={{ ['--kind' as string]: KIND_COLOR[block.kind] }}
    >
      <div className="cell-head">
        <button className="icon" onClick={() => setCollapsed(!collapsed)} title={collapsed ? 'Expand' : 'Collapse'}>
          {collapsed ? '▸' : '▾'}
        </button>
        <span className="kind-badge" data-testid="block-kind">
          {KIND_LABEL[block.kind] ?? block.kind}
        </span>
        {renaming ? (
          <input
            className="rename"
            autoFocus
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            onBlur={rename}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void rename()
              if (e.key === 'Escape') {
                setRenaming(false)
                setNewName(block.name)
              }
            }}
            data-testid="rename-block-input"
          />
        ) : (
          <span className="cell-name" onDoubleClick={() => setRenaming(true)} title="Double-click to rename" data-testid="block-name">
            {block.name}
          </span>
        )}
        <span className="mono muted small file" title={block.file}>
          {block.file}
        </span>
        {!isMd && (
          <span className="upstream" data-testid="upstream">
            {block.upstream.length > 0 && <span className="muted small">←</span>}
            {block.upstream.map((u) => (
              <span key={u} className="chip">
                {u}
              </span>
            ))}
            <button className="btn xs ghost" onClick={() => setEditUpstream(!editUpstream)} data-testid="edit-upstream">
              {block.upstream.length ? 'edit' : '+ upstream'}
            </button>
          </span>
        )}
        <span className="grow" />
        <SaveIndicator file={f} />
        {shape && status !== 'failed' && (
          <span className="muted small shape" data-testid="block-shape">
            {shape}
          </span>
        )}
        {run?.duration_ms !== undefined && <span className="muted small">{fmtDuration(run.duration_ms)}</span>}
        {!isMd && (
          <>
            <StatusPill status={status} testId="block-status" />
            {active ? (
              <button className="btn xs danger" onClick={props.onCancel} data-testid="cancel-block">
                ■
              </button>
            ) : (
              <button
                className="btn xs primary"
                onClick={() => void doRun('block')}
                disabled={props.pipelineRunning}
                title="Run block (Shift+Enter)"
                data-testid="run-block"
              >
                ▶ Run
              </button>
            )}
          </>
        )}
        <div className="menu-wrap">
          <button className="btn xs ghost" onClick={() => setMenu(!menu)} data-testid="block-menu">
            ⋯
          </button>
          {menu && (
            <div className="menu" onMouseLeave={() => setMenu(false)}>
              {!isMd && (
                <>
                  <button onClick={() => void doRun('with_upstream')} data-testid="run-with-upstream">
                    Run with upstream
                  </button>
                  <button onClick={() => void doRun('downstream')} data-testid="run-downstream">
                    Run block and downstream
                  </button>
                  <hr />
                </>
              )}
              <button onClick={() => void f.save()}>Save (Ctrl+S)</button>
              <button disabled={props.index === 0} onClick={() => (setMenu(false), props.onMove(-1))} data-testid="move-up">
                Move up
              </button>
              <button
                disabled={props.index === props.count - 1}
                onClick={() => (setMenu(false), props.onMove(1))}
                data-testid="move-down"
              >
                Move down
              </button>
              <button onClick={() => (setMenu(false), setRenaming(true))} data-testid="rename-block">
                Rename
              </button>
              <hr />
              <button className="danger" onClick={() => (setMenu(false), setConfirmDelete(true))} data-testid="delete-block">
                Delete…
              </button>
            </div>
          )}
        </div>
      </div>
      {confirmDelete && (
        <div className="banner warn" data-testid="confirm-delete-block">
          Delete block <strong>{block.name}</strong> from this pipeline?
          <span className="grow" />
          <button className="btn xs danger" onClick={() => void remove(false)} data-testid="confirm-delete">
            Remove block
          </button>
          <button className="btn xs danger ghost" onClick={() => void remove(true)} data-testid="confirm-delete-file">
            Remove and delete file
          </button>
          <button className="btn xs" onClick={() => setConfirmDelete(false)}>
            Cancel
          </button>
        </div>
      )}
      {editUpstream && (
        <div className="upstream-editor" data-testid="upstream-editor">
          <span className="muted small">Upstream blocks (order = parameter order):</span>
          {others.length === 0 && <span className="muted small">no other blocks</span>}
          {others.map((n) => (
            <label key={n} className="check">
              <input
                type="checkbox"
                checked={block.upstream.includes(n)}
                onChange={(e) =>
                  void setUpstream(e.target.checked ? [...block.upstream, n] : block.upstream.filter((u) => u !== n))
                }
                data-testid={`upstream-${n}`}
              />
              {n}
            </label>
          ))}
          <button className="btn xs" onClick={() => setEditUpstream(false)}>
            Done
          </button>
        </div>
      )}
      {!collapsed && (
        <>
          <ConflictBanner file={f} path={block.file} />
          {block.file_error && (
            <div className="banner error small" data-testid="block-file-error">
              {block.file_error}
            </div>
          )}
          {f.saveError && <div className="banner error small">{f.saveError}</div>}
          {isMd && !editingMd ? (
            <div className="md-view" onDoubleClick={() => setEditingMd(true)} title="Double-click to edit">
              <Markdown source={f.content} testId="markdown-rendered" />
              <button className="btn xs ghost md-edit" onClick={() => setEditingMd(true)} data-testid="edit-markdown">
                Edit
              </button>
            </div>
          ) : (
            <div className="cell-editor">
              <CodeEditor
                value={f.content}
                language={isMd ? 'text' : languageOf(block.file)}
                sqlScope={props.sqlScope}
                onChange={f.setContent}
                onSave={() => void f.save()}
                onRun={isMd ? () => (void f.save(), setEditingMd(false)) : () => void doRun('block')}
                problems={problems}
                completions={completions}
                testId="block-editor"
              />
              {isMd && (
                <button className="btn xs md-done" onClick={() => (void f.save(), setEditingMd(false))}>
                  Done
                </button>
              )}
            </div>
          )}
          {runErr && (
            <div className="block-error" data-testid="block-error">
              <div className="mono">
                {runErr.file && (
                  <span className="err-pos" data-testid="block-error-pos">
                    {runErr.file}
                    {runErr.line ? `:${runErr.line}` : ''}
                    {runErr.col ? `:${runErr.col}` : ''}
                  </span>
                )}{' '}
                {runErr.message}
              </div>
              {runErr.stack && (
                <details>
                  <summary className="small muted">stack</summary>
                  <pre className="stack">{runErr.stack}</pre>
                </details>
              )}
            </div>
          )}
          {props.planError && (
            <div className="block-error" data-testid="block-plan-error">
              <div className="mono">{errorText(new ApiError(422, props.planError))}</div>
            </div>
          )}
          {run && run.logs.length > 0 && (
            <div className="logs">
              <div className="logs-head" onClick={() => setShowLogs(!showLogs)}>
                {showLogs ? '▾' : '▸'} logs ({run.logs.length})
              </div>
              {showLogs && (
                <pre className="log-lines" data-testid="block-logs">
                  {run.logs.join('\n')}
                </pre>
              )}
            </div>
          )}
          {!isMd && (block.output || run?.finished) && status !== 'failed' && !active ? (
            <OutputPanel pipeline={pipeline} block={block.name} refreshKey={refreshKey} />
          ) : null}
          {!isMd && (
            <Charts
              pipeline={pipeline}
              block={block}
              refreshKey={refreshKey}
              hasOutput={!!(block.output || run?.status === 'succeeded')}
              onChanged={() => props.onChanged()}
            />
          )}
        </>
      )}
    </section>
  )
}
