import { createContext, useContext, useEffect, useRef, useState } from 'react'
import type { Socket } from './ws'
import type { WSMessage } from './runs'
import type { Completion } from './api'

export interface AppCtx {
  socket: Socket | null
  completions: Completion[]
  project: string
  refreshProject: () => void
  toast: (msg: string, kind?: 'error' | 'info') => void
}

export const AppContext = createContext<AppCtx>({
  socket: null,
  completions: [],
  project: '',
  refreshProject: () => {},
  toast: () => {},
})

export const useApp = () => useContext(AppContext)

/** useWS subscribes to websocket messages for the component's lifetime. */
export function useWS(fn: (m: WSMessage) => void) {
  const { socket } = useApp()
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => socket?.subscribe((m) => ref.current(m)), [socket])
}

/** usePoll calls fn every ms while the page is visible (and once when it becomes visible again). */
export function usePoll(fn: () => void, ms: number) {
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => {
    const tick = () => document.visibilityState === 'visible' && ref.current()
    const id = setInterval(tick, ms)
    document.addEventListener('visibilitychange', tick)
    return () => {
      clearInterval(id)
      document.removeEventListener('visibilitychange', tick)
    }
  }, [ms])
}

/** Route is the parsed location hash: #/, #/p/NAME, #/p/NAME/dag, #/f/PATH. */
export type Route =
  | { page: 'project' }
  | { page: 'pipeline'; name: string; view: 'notebook' | 'dag' }
  | { page: 'file'; path: string }
  | { page: 'runs'; pipeline?: string }
  | { page: 'run'; id: string }
  | { page: 'triggers'; name: string }
  | { page: 'workers' }
  | { page: 'secrets' }
  | { page: 'experiments'; pipeline?: string }
  | { page: 'search'; id: string }
  | { page: 'models' }

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '')
  const parts = h.split('/').filter(Boolean).map(decodeURIComponent)
  if (parts[0] === 'p' && parts[1]) return { page: 'pipeline', name: parts[1], view: parts[2] === 'dag' ? 'dag' : 'notebook' }
  if (parts[0] === 'runs') return parts[1] ? { page: 'runs', pipeline: parts[1] } : { page: 'runs' }
  if (parts[0] === 'triggers' && parts[1]) return { page: 'triggers', name: parts[1] }
  if (parts[0] === 'run' && parts[1]) return { page: 'run', id: parts[1] }
  if (parts[0] === 'workers') return { page: 'workers' }
  if (parts[0] === 'secrets') return { page: 'secrets' }
  if (parts[0] === 'experiments') return parts[1] ? { page: 'experiments', pipeline: parts[1] } : { page: 'experiments' }
  if (parts[0] === 'search' && parts[1]) return { page: 'search', id: parts.slice(1).join('/') }
  if (parts[0] === 'models') return { page: 'models' }
  if (parts[0] === 'f' && parts.length > 1) return { page: 'file', path: parts.slice(1).join('/') }
  return { page: 'project' }
}

export function href(r: Route): string {
  switch (r.page) {
    case 'project':
      return '#/'
    case 'pipeline':
      return `#/p/${encodeURIComponent(r.name)}${r.view === 'dag' ? '/dag' : ''}`
    case 'file':
      return `#/f/${r.path.split('/').map(encodeURIComponent).join('/')}`
    case 'runs':
      return r.pipeline ? `#/runs/${encodeURIComponent(r.pipeline)}` : '#/runs'
    case 'run':
      return `#/run/${encodeURIComponent(r.id)}`
    case 'triggers':
      return `#/triggers/${encodeURIComponent(r.name)}`
    case 'workers':
      return '#/workers'
    case 'secrets':
      return '#/secrets'
    case 'experiments':
      return r.pipeline ? `#/experiments/${encodeURIComponent(r.pipeline)}` : '#/experiments'
    case 'search':
      return `#/search/${r.id.split('/').map(encodeURIComponent).join('/')}`
    case 'models':
      return '#/models'
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash))
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}

/** useDebounced calls fn `ms` after the last change of `deps`. */
export function useLocalStorage<T>(key: string, initial: T): [T, (v: T) => void] {
  const [v, setV] = useState<T>(() => {
    try {
      const s = localStorage.getItem(key)
      return s ? (JSON.parse(s) as T) : initial
    } catch {
      return initial
    }
  })
  useEffect(() => {
    try {
      const s = localStorage.getItem(key)
      setV(s ? (JSON.parse(s) as T) : initial)
    } catch {
      setV(initial)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])
  const set = (nv: T) => {
    setV(nv)
    try {
      localStorage.setItem(key, JSON.stringify(nv))
    } catch {
      /* storage full or disabled */
    }
  }
  return [v, set]
}
