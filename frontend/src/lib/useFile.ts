// useFile holds an editable file: content, version, dirty flag, debounced autosave, explicit save,
// syntax problems from the save answer, and conflicts (409 or a newer version while edited).

import { useCallback, useEffect, useRef, useState } from 'react'
import { api, ApiError, errorText, type Problem } from './api'
import { reconcile, type ConflictState } from './conflict'

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'error'

export interface FileHandle {
  content: string
  version: string
  dirty: boolean
  saveState: SaveState
  saveError: string | null
  problems: Problem[]
  conflict: ConflictState | null
  setContent: (v: string) => void
  save: () => Promise<boolean>
  external: (incoming: { version: string; content?: string }) => void
  keepMine: () => void
  takeTheirs: () => void
  setProblems: (p: Problem[]) => void
}

export const AUTOSAVE_MS = 1200

export function useFile(path: string, initial: { content: string; version: string }, autosave = true): FileHandle {
  const [content, setContentState] = useState(initial.content)
  const [version, setVersion] = useState(initial.version)
  const [dirty, setDirty] = useState(false)
  const [saveState, setSaveState] = useState<SaveState>('saved')
  const [saveError, setSaveError] = useState<string | null>(null)
  const [problems, setProblems] = useState<Problem[]>([])
  const [conflict, setConflict] = useState<ConflictState | null>(null)

  const s = useRef({ content, version, dirty, saving: null as string | null, conflict, path })
  s.current.path = path
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const save = useCallback(async (): Promise<boolean> => {
    if (timer.current) clearTimeout(timer.current)
    const st = s.current
    if (st.conflict) return false
    if (!st.dirty) return true
    if (st.saving !== null) {
      // One save at a time: try again when the one in flight answers.
      timer.current = setTimeout(() => void save(), 150)
      return false
    }
    const body = st.content
    st.saving = body
    setSaveState('saving')
    try {
      const res = await api.saveFile(st.path, body, st.version)
      st.version = res.version
      setVersion(res.version)
      setProblems(res.problems ?? [])
      setSaveError(null)
      if (st.content === body) {
        st.dirty = false
        setDirty(false)
        setSaveState('saved')
      } else {
        setSaveState('unsaved')
      }
      return true
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.conflict) {
        const c = { diskVersion: e.conflict.disk_version, diskContent: e.conflict.disk_content ?? '' }
        st.conflict = c
        setConflict(c)
        setSaveState('unsaved')
      } else {
        setSaveError(errorText(e))
        setSaveState('error')
      }
      return false
    } finally {
      st.saving = null
    }
  }, [])

  const setContent = useCallback(
    (v: string) => {
      const st = s.current
      if (v === st.content) return
      st.content = v
      st.dirty = true
      setContentState(v)
      setDirty(true)
      setSaveState('unsaved')
      if (timer.current) clearTimeout(timer.current)
      if (autosave) timer.current = setTimeout(() => void save(), AUTOSAVE_MS)
    },
    [save, autosave],
  )

  const adopt = (c: string, v: string) => {
    const st = s.current
    st.content = c
    st.version = v
    st.dirty = false
    st.conflict = null
    setContentState(c)
    setVersion(v)
    setDirty(false)
    setConflict(null)
    setSaveState('saved')
    setProblems([])
  }

  const external = useCallback((incoming: { version: string; content?: string }) => {
    const st = s.current
    const action = reconcile(st, incoming)
    if (action === 'ignore') return
    if (action === 'adopt-version') {
      st.version = incoming.version
      setVersion(incoming.version)
      return
    }
    const apply = (c: string, v: string) => {
      const again = reconcile(s.current, { version: v, content: c })
      if (again === 'ignore') return
      if (again === 'adopt-version') {
        s.current.version = v
        setVersion(v)
      } else if (again === 'reload') adopt(c, v)
      else {
        const cf = { diskVersion: v, diskContent: c }
        s.current.conflict = cf
        setConflict(cf)
      }
    }
    if (incoming.content !== undefined) apply(incoming.content, incoming.version)
    else if (incoming.version === '') {
      // Deleted on disk: keep the buffer, a save recreates it.
      if (!st.dirty) setSaveError('file deleted on disk')
    } else api.file(st.path).then((f) => apply(f.content, f.version)).catch(() => {})
  }, [])

  const keepMine = useCallback(() => {
    const st = s.current
    if (!st.conflict) return
    st.version = st.conflict.diskVersion
    st.conflict = null
    st.dirty = true
    setVersion(st.version)
    setConflict(null)
    void save()
  }, [save])

  const takeTheirs = useCallback(() => {
    const st = s.current
    if (!st.conflict) return
    adopt(st.conflict.diskContent, st.conflict.diskVersion)
  }, [])

  useEffect(
    () => () => {
      // Flush pending edits when the editor goes away.
      if (timer.current) clearTimeout(timer.current)
      const st = s.current
      if (st.dirty && !st.conflict && st.saving === null) void api.saveFile(st.path, st.content, st.version).catch(() => {})
    },
    [],
  )

  return {
    content,
    version,
    dirty,
    saveState,
    saveError,
    problems,
    conflict,
    setContent,
    save,
    external,
    keepMine,
    takeTheirs,
    setProblems,
  }
}
