// The page's websocket to /ws: reconnects with backoff and fans messages out to subscribers.

import type { WSMessage } from './runs'

type Listener = (m: WSMessage) => void

export class Socket {
  private ws: WebSocket | null = null
  private listeners = new Set<Listener>()
  private statusListeners = new Set<(up: boolean) => void>()
  private retry = 0
  private closed = false
  private ping: ReturnType<typeof setInterval> | null = null
  up = false

  constructor(private url: string) {}

  start() {
    this.closed = false
    this.connect()
  }

  private connect() {
    let ws: WebSocket
    try {
      ws = new WebSocket(this.url)
    } catch {
      this.schedule()
      return
    }
    this.ws = ws
    ws.onopen = () => {
      const reconnected = this.retry > 0
      this.retry = 0
      this.setUp(true)
      this.ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}'), 25000)
      // After a reconnect pages refetch: they may have missed messages.
      if (reconnected) this.emit({ type: 'reconnected' })
    }
    ws.onmessage = (ev) => {
      let m: WSMessage
      try {
        m = JSON.parse(String(ev.data))
      } catch {
        return
      }
      this.emit(m)
    }
    ws.onclose = () => {
      if (this.ping) clearInterval(this.ping)
      this.setUp(false)
      if (!this.closed) this.schedule()
    }
  }

  private schedule() {
    this.retry++
    const delay = Math.min(5000, 250 * 2 ** Math.min(this.retry, 5))
    setTimeout(() => !this.closed && this.connect(), delay)
  }

  private setUp(up: boolean) {
    this.up = up
    this.statusListeners.forEach((l) => l(up))
  }

  private emit(m: WSMessage) {
    this.listeners.forEach((l) => l(m))
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }

  onStatus(l: (up: boolean) => void): () => void {
    this.statusListeners.add(l)
    return () => this.statusListeners.delete(l)
  }

  stop() {
    this.closed = true
    this.ws?.close()
  }
}

export function wsURL(loc: Location = window.location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${loc.host}/ws`
}
