// Shared e2e harness: builds (unless told not to) and starts the real golem binary on a
// non-default port against a fresh `golem init --example taxi` project, and launches Debian's
// chromium through playwright-core (no browser download).

import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
export const PORT = Number(process.env.GOLEM_E2E_PORT ?? 6790)
export const BASE = `http://127.0.0.1:${PORT}`

/** skipReason is non-empty when the browser tests cannot run here. */
export function skipReason() {
  if (!existsSync(CHROMIUM)) return `e2e skipped: ${CHROMIUM} not found (apt-get install -y chromium)`
  return ''
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], ...opts })
}

/**
 * build makes bin/golem and frontend/dist unless GOLEM_E2E_NOBUILD=1 (then both must exist). The
 * binary links DuckDB (cgo, as `make` builds it), so SQL blocks run.
 */
export function build() {
  if (process.env.GOLEM_E2E_NOBUILD === '1') return
  if (!existsSync(join(ROOT, 'frontend/dist/assets'))) run('npm', ['run', 'build', '--silent'])
  run('go', ['build', '-o', 'bin/golem', './cmd/golem'])
}

/** BIN is the golem binary the tests drive. */
export const BIN = process.env.GOLEM_BIN ?? join(ROOT, 'bin/golem')

/** startServer serves a fresh example project, or opts.project (kept on stop) when given. */
export async function startServer(opts = {}) {
  const dir = opts.project ? null : mkdtempSync(join(tmpdir(), 'golem-e2e-'))
  const project = opts.project ?? join(dir, 'taxi')
  const bin = BIN
  if (!opts.project) run(bin, ['init', project, '--example', 'taxi'], { stdio: ['ignore', 'ignore', 'inherit'] })
  const proc = spawn(bin, ['start', project, '--port', String(PORT)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout.on('data', (d) => (out += d))
  proc.stderr.on('data', (d) => (out += d))
  const deadline = Date.now() + 20000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`golem start exited ${proc.exitCode}:\n${out}`)
    try {
      const r = await fetch(`${BASE}/api/health`)
      // Our server prints its URL once it listens; an answer before that comes from another
      // process on the port (a server left behind by a killed test run), and our server then fails.
      if (r.ok && out.includes(`http://127.0.0.1:${PORT}`)) break
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      proc.kill()
      throw new Error(`golem start did not answer on ${BASE} within 20 s:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  const exited = () => new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', r)))
  return {
    project,
    logs: () => out,
    /** kill ends the server as a crash would (SIGKILL), leaving the project. */
    async kill() {
      proc.kill('SIGKILL')
      await exited()
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
      await exited()
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'golem-chromium-'))
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    ctx,
    async close() {
      await ctx.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * openEditor builds the binary, starts golem start on a fresh example project and opens Chromium
 * on it: the usual before() of a test file. closeEditor is its after().
 */
export async function openEditor(timeout = 30000) {
  build()
  const server = await startServer()
  const browser = await launchBrowser()
  const page = browser.ctx.pages()[0] ?? (await browser.ctx.newPage())
  page.setDefaultTimeout(timeout)
  page.on('pageerror', (e) => console.error('page error:', e.message))
  return { server, browser, page }
}

export async function closeEditor(s) {
  await s?.browser?.close()
  if (s?.server) {
    if (process.exitCode) console.error(s.server.logs())
    await s.server.stop()
  }
}

/** apiJSON calls the editor's API as a script (no Origin) and fails the test on a non-2xx answer. */
export async function apiJSON(method, path, body) {
  const r = await fetch(BASE + path, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) })
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${await r.clone().text()}`)
  return r.status === 204 ? null : r.json()
}
