// End-to-end: connection profiles and secrets in the editor — the Secrets page lists profiles and
// secret names (never values), the add-block menu offers the connection templates, and a run that
// uses a stored secret shows it masked in its logs — against the real binary in Chromium.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BASE, BIN, apiJSON, build, launchBrowser, skipReason, startServer } from './harness.mjs'

const skip = skipReason() || false
if (skip) console.log(skip)

const SECRET = 'e2e-s3cret-value-42'
let dir, server, browser, page

before(async () => {
  if (skip) return
  build()
  dir = mkdtempSync(join(tmpdir(), 'golem-e2e-conn-'))
  process.env.GOLEM_SECRETS_KEY_FILE = join(dir, 'key', 'secrets.key')
  const project = join(dir, 'taxi')
  execFileSync(BIN, ['init', project, '--example', 'taxi'])
  appendFileSync(
    join(project, 'golem.yaml'),
    'connections:\n  warehouse: {type: postgres, url: "postgres://golem:${secret:PGPASS}@127.0.0.1:1/golem", timeout: 2s}\n' +
      '  api: {type: http, base_url: "http://127.0.0.1:1", headers: {X-Api-Key: "${env:E2E_UNSET_KEY}"}}\n',
  )
  execFileSync(BIN, ['secrets', 'set', project, 'PGPASS'], { input: SECRET + '\n' })
  server = await startServer({ project })
  browser = await launchBrowser()
  page = browser.ctx.pages()[0] ?? (await browser.ctx.newPage())
  page.setDefaultTimeout(30000)
})

after(async () => {
  await browser?.close()
  await server?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('the Secrets page lists profiles and secret names, never a value', { skip }, async () => {
  await page.goto(BASE + '/#/secrets')
  await page.getByTestId('secrets-page').waitFor()
  const wh = await page.getByTestId('connection-warehouse').textContent()
  assert.match(wh, /postgres/)
  assert.match(wh, /golem\.yaml:\d+/)
  assert.match(wh, /secret:PGPASS/)
  assert.match(await page.getByTestId('connection-api').textContent(), /env:E2E_UNSET_KEY \(not set\)/)
  assert.match(await page.getByTestId('secret-PGPASS').textContent(), /store/)
  assert.ok(!(await page.content()).includes(SECRET), 'the page shows the secret')
  const body = JSON.stringify(await apiJSON('GET', '/api/secrets'))
  assert.ok(body.includes('PGPASS') && !body.includes(SECRET))
})

test('the add-block menu offers the connection templates', { skip }, async () => {
  await page.goto(BASE + '/#/p/data_preparation')
  await page.getByTestId('pipeline-page').waitFor()
  await page.getByTestId('add-data_exporter').click()
  await page.getByTestId('block-name-input').fill('to_warehouse')
  const options = await page.getByTestId('block-template').locator('option').allTextContents()
  assert.ok(options.includes('PostgreSQL') && options.includes('S3 parquet'), options.join(', '))
  assert.ok(!options.includes('HTTP JSON API') && !options.includes('Parquet file'), 'loader-only templates offered for an exporter')
  await page.getByTestId('block-template').selectOption('postgres')
  await page.getByTestId('block-source').fill('warehouse')
  await page.getByTestId('add-block-submit').click()
  const code = page.locator('[data-testid="block-to_warehouse"] .cm-content')
  await code.waitFor()
  assert.match(await code.textContent(), /conn\.Postgres\(ctx, "warehouse"\)/)
})

test('a run that fails to connect names the profile and masks the secret', { skip }, async () => {
  const started = await fetch(BASE + '/api/pipelines/data_preparation/runs', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: BASE },
    body: JSON.stringify({ mode: 'pipeline', vars: {} }),
  })
  assert.ok(started.ok, await started.clone().text())
  const { run_id } = await started.json()
  let run
  for (let i = 0; i < 200; i++) {
    run = await apiJSON('GET', `/api/runs/${run_id}`)
    if (['failed', 'succeeded'].includes(run.status)) break
    await new Promise((r) => setTimeout(r, 150))
  }
  const text = JSON.stringify(run)
  assert.equal(run.status, 'failed', text)
  assert.match(text, /connection \\"warehouse\\" \(golem\.yaml:\d+\): connect to 127\.0\.0\.1:1\/golem as golem/)
  assert.ok(!text.includes(SECRET))
})
