// End-to-end: issue 9's security checks in real Chromium against the real golem binary.
// A markdown block holds 8 spellings of script URLs: none renders as an active link or handler,
// clicking each rendered element changes nothing in the project and sends no write; the page
// carries the Content-Security-Policy and the editor (notebook, charts, tooltips, DAG) works under
// it without a single violation; DOMPurify cleans HTML even when the server's answer is hostile;
// an API token in golem.yaml is warned about; a block file symlinked outside the project is refused.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { BASE, build, launchBrowser, skipReason, startServer } from './harness.mjs'

const skip = skipReason() || false
if (skip) console.log(skip)

let server, browser, page
const T = 30000

// Each payload, if it ever ran, would write a file through the editor API (the attack of issue 9).
const js = (n) => `fetch('/api/files/pwned${n}.txt',{method:'PUT',headers:{'Content-Type':'application/json'},body:'{"content":"x","version":""}'})`
const SPELLINGS = [
  ['entity-encoded', `[L1 entity](&#106;avascript:${js(1)})`],
  ['mixed case', `[L2 mixed](JaVaScRiPt:${js(2)})`],
  ['autolink', `<javascript:${js(3)}>`],
  ['raw html link', `<a href="javascript:${js(4).replaceAll('"', '&quot;')}">L4 raw link</a>`],
  ['raw html img onerror', `<img src="x" alt="L5" onerror="${js(5).replaceAll('"', '&quot;')}">`],
  ['data url', `[L6 data](data:text/html;base64,PHNjcmlwdD5mZXRjaCgnL2FwaS9maWxlcy9wd25lZDYudHh0Jyx7bWV0aG9kOidQVVQnfSk8L3NjcmlwdD4=)`],
  ['vbscript', `[L7 vbscript](vbscript:msgbox(7))`],
  ['tab-split scheme', `[L8 tab](java&#9;script:${js(8)})`],
]
const MARKDOWN = '# Security\n\n' + SPELLINGS.map(([, md]) => md).join('\n\n') + '\n\n[safe link](https://example.com/)\n'

/** projectDigest hashes every project file but .golem (runtime state). */
function projectDigest(dir) {
  const h = createHash('sha256')
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name)
      if (e.name === '.golem') continue
      if (e.isDirectory()) walk(p)
      else h.update(relative(dir, p) + '\0').update(readFileSync(p))
    }
  }
  walk(dir)
  return h.digest('hex')
}

before(async () => {
  if (skip) return
  build()
  server = await startServer()
  writeFileSync(join(server.project, 'markdowns/data_preparation.md'), MARKDOWN)
  browser = await launchBrowser()
  page = browser.ctx.pages()[0] ?? (await browser.ctx.newPage())
  page.setDefaultTimeout(T)
  page.on('pageerror', (e) => console.error('page error:', e.message))
  // Record CSP violations from the first script on (CDP injects this; the CSP does not apply to it).
  await browser.ctx.addInitScript(() => {
    window.__csp = []
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
    )
  })
})

after(async () => {
  await browser?.close()
  if (server) {
    if (process.exitCode) console.error(server.logs())
    await server.stop()
  }
})

const rendered = () => page.getByTestId('markdown-rendered')

/** activeParts lists, inside the rendered markdown, every handler, script element and URL that is not http(s), mailto or relative. */
async function activeParts() {
  return rendered().evaluate((root) => {
    const bad = []
    for (const el of root.querySelectorAll('*')) {
      if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'svg', 'STYLE', 'FORM', 'BASE'].includes(el.tagName)) bad.push(`<${el.tagName}>`)
      for (const a of el.attributes) {
        const v = a.value.trim().toLowerCase()
        if (a.name.startsWith('on') || a.name === 'style' || a.name === 'srcdoc') bad.push(`${el.tagName} ${a.name}=${a.value}`)
        if (['href', 'src', 'action', 'xlink:href'].includes(a.name) && !/^(https?:|mailto:|[^a-z]|[a-z0-9+.-]*(?:[/?#]|$))/.test(v))
          bad.push(`${el.tagName} ${a.name}=${a.value}`)
      }
    }
    // The protocol a click would follow, as the browser parsed it.
    for (const a of root.querySelectorAll('a[href]')) if (!['http:', 'https:', 'mailto:'].includes(a.protocol) && a.origin !== location.origin) bad.push(`a → ${a.href}`)
    return bad
  })
}

test('the page carries the Content-Security-Policy', { skip }, async () => {
  for (const path of ['/', '/api/project', '/api/pipelines/nope']) {
    const r = await fetch(BASE + path)
    const csp = r.headers.get('content-security-policy') ?? ''
    for (const want of ["default-src 'self'", "script-src 'self';", "object-src 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(want), `${path}: CSP ${csp} lacks ${want}`)
    assert.ok(!/script-src[^;]*unsafe/.test(csp), `${path}: script-src allows unsafe: ${csp}`)
  }
  const resp = await page.goto(`${BASE}/#/p/data_preparation`)
  assert.match((await resp.headerValue('content-security-policy')) ?? '', /default-src 'self'.*frame-ancestors 'none'/)
})

test('8 spellings of script URLs render as nothing active', { skip }, async () => {
  await page.getByTestId('pipeline-page').waitFor()
  await rendered().getByText('safe link').waitFor()
  await rendered().getByText('Security').waitFor()
  assert.deepEqual(await activeParts(), [])
  for (const label of ['L1 entity', 'L2 mixed', 'L4 raw link', 'L6 data', 'L7 vbscript', 'L8 tab']) {
    await rendered().getByText(label).waitFor()
    assert.equal(await rendered().locator('a', { hasText: label }).count(), 0, `${label} is a link`)
  }
  // the one safe link stays a link, leaving in a new tab without opener
  const safe = rendered().locator('a', { hasText: 'safe link' })
  assert.equal(await safe.getAttribute('href'), 'https://example.com/')
  assert.match((await safe.getAttribute('rel')) ?? '', /noopener/)
})

test('clicking each rendered element does nothing to the project', { skip }, async () => {
  const before = projectDigest(server.project)
  const runsBefore = (await (await fetch(`${BASE}/api/runs`)).json()).runs?.length ?? 0
  const writes = []
  const onRequest = (r) => r.method() !== 'GET' && r.method() !== 'HEAD' && r.url().startsWith(BASE) && writes.push(`${r.method()} ${r.url()}`)
  const dialogs = []
  const onDialog = (d) => (dialogs.push(d.message()), d.dismiss())
  const pages = []
  const onPage = (p) => pages.push(p.url())
  page.on('request', onRequest)
  page.on('dialog', onDialog)
  browser.ctx.on('page', onPage)
  try {
    const url = page.url()
    // every paragraph and inline element except the heading and the safe link
    const targets = rendered().locator('p:not(:has(a[href^="https:"])), p:not(:has(a[href^="https:"])) > *')
    const n = await targets.count()
    // the raw <img onerror> renders as nothing at all; the 7 others as a paragraph each
    assert.ok(n >= SPELLINGS.length - 1, `only ${n} rendered elements`)
    for (let i = 0; i < n; i++) {
      await targets.nth(i).click({ position: { x: 2, y: 2 } })
      await page.waitForTimeout(50)
      assert.equal(page.url(), url, `click ${i} navigated`)
    }
    await page.waitForTimeout(500)
  } finally {
    page.off('request', onRequest)
    page.off('dialog', onDialog)
    browser.ctx.off('page', onPage)
  }
  assert.deepEqual(writes, [], 'clicks sent writes to the editor API')
  assert.deepEqual(dialogs, [])
  assert.deepEqual(pages, [], 'clicks opened pages')
  assert.equal(projectDigest(server.project), before, 'project files changed')
  const runsAfter = (await (await fetch(`${BASE}/api/runs`)).json()).runs?.length ?? 0
  assert.equal(runsAfter, runsBefore, 'clicks started runs')
})

test('DOMPurify cleans a hostile server answer before it reaches the page', { skip }, async () => {
  const hostile =
    `<p><a href="javascript:${js(9).replaceAll('"', '&quot;')}">R1</a> <a href="JaVaScRiPt:alert(1)">R2</a> ` +
    `<img src="x" onerror="alert(1)"> <a href="vbscript:msgbox(1)">R3</a> <a href="data:text/html,<script>alert(1)</script>">R4</a> ` +
    `<svg onload="alert(1)"></svg><iframe src="javascript:alert(1)"></iframe><a href="https://example.com/" style="color:red">R5</a></p>`
  await page.route('**/api/markdown/render', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ html: hostile }) }),
  )
  try {
    await page.reload()
    await rendered().getByText('R5').waitFor()
    assert.deepEqual(await activeParts(), [])
    for (const label of ['R1', 'R2', 'R3', 'R4']) assert.equal(await rendered().locator('a[href]', { hasText: label }).count(), 0, `${label} kept its href`)
  } finally {
    await page.unroute('**/api/markdown/render')
  }
})

test('the editor works under the CSP: run, charts, tooltip, DAG — no violation', { skip }, async () => {
  await page.goto(`${BASE}/#/p/data_preparation`)
  await page.getByTestId('pipeline-page').waitFor()
  await page.getByTestId('run-pipeline').click()
  const prepare = page.getByTestId('block-prepare')
  await prepare.locator('[data-testid="block-status"][data-status="succeeded"]').waitFor({ timeout: 60000 })
  const canvas = prepare.locator('[data-testid="chart-durations"] canvas').first()
  await canvas.waitFor()
  const box = await canvas.boundingBox()
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2)
  await page.waitForTimeout(300)
  await prepare.locator('.cm-content').first().waitFor()
  await page.getByTestId('tab-dag').click()
  await page.getByTestId('dag-node-prepare').waitFor()
  await page.getByTestId('tab-notebook').click()
  assert.deepEqual(await page.evaluate(() => window.__csp), [])
})

test('an API token committed in golem.yaml shows as a warning on the project page', { skip }, async () => {
  const cfg = join(server.project, 'golem.yaml')
  const original = readFileSync(cfg, 'utf8')
  writeFileSync(cfg, original.replace(/\n?$/, '\n') + (original.includes('settings:') ? '  api_token: e2e-committed\n' : 'settings:\n  api_token: e2e-committed\n'))
  try {
    await page.goto(`${BASE}/#/`)
    const warn = page.locator('[data-testid="project-problem"][data-severity="warning"]')
    await warn.waitFor()
    assert.match(await warn.textContent(), /golem\.yaml:\d+.*settings\.api_token.*GOLEM_API_TOKEN.*\.golem\/api_token/)
  } finally {
    writeFileSync(cfg, original)
  }
})

test('a block file symlinked outside the project: the cell says so and a run is refused', { skip }, async () => {
  const file = join(server.project, 'transformers/prepare.go')
  const saved = readFileSync(file)
  const outside = join(mkdtempSync(join(tmpdir(), 'golem-outside-')), 'evil.go')
  writeFileSync(outside, 'package prepare\n')
  rmSync(file)
  symlinkSync(outside, file)
  try {
    await page.goto(`${BASE}/#/p/data_preparation`)
    const err = page.getByTestId('block-prepare').getByTestId('block-file-error')
    await err.waitFor()
    assert.match(await err.textContent(), /transformers\/prepare\.go is a symlink to .*evil\.go/)
    const r = await fetch(`${BASE}/api/pipelines/data_preparation/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: BASE },
      body: JSON.stringify({ mode: 'pipeline' }),
    })
    assert.ok(r.status >= 400, `run started: ${r.status}`)
    assert.match((await r.json()).error.message, /transformers\/prepare\.go.*outside the project/)
  } finally {
    rmSync(file)
    writeFileSync(file, saved)
    rmSync(dirname(outside), { recursive: true, force: true })
  }
})
