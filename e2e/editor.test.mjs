// End-to-end: the scenario in real Chromium against the real golem binary.
// create a pipeline, add a loader, run it, see rows and a histogram canvas, add a connected
// transformer, run the pipeline, reload — everything is still there; break a block — the error
// shows at its line. Saves docs/screenshot.png of the pipeline page.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { BASE, ROOT, apiJSON, closeEditor, openEditor, skipReason } from './harness.mjs'

const skip = skipReason() || false
if (skip) console.log(skip)

let server, page
const T = 30000

let session
before(async () => {
  if (skip) return
  session = await openEditor(T)
  ;({ server, page } = session)
})

after(() => closeEditor(session))

const cell = (name) => page.locator(`[data-testid="block-${name}"]`)

async function setCode(name, code) {
  const content = cell(name).locator('.cm-content')
  await content.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(code)
  await page.keyboard.press('ControlOrMeta+s')
  await cell(name).locator('[data-testid="save-state"]', { hasText: /^saved$/ }).waitFor()
}

async function waitStatus(name, status, timeout = T) {
  await cell(name).locator(`[data-testid="block-status"][data-status="${status}"]`).waitFor({ timeout })
}

test('project page lists the example pipeline', { skip }, async () => {
  await page.goto(BASE + '/')
  await page.getByTestId('project-page').waitFor()
  await page.getByTestId('pipeline-row-data_preparation').waitFor()
  await page.getByTestId('file-tree').waitFor()
})

test('create a pipeline and add a parquet loader', { skip }, async () => {
  await page.getByTestId('new-pipeline-name').fill('e2e_trips')
  await page.getByTestId('create-pipeline').click()
  await page.getByTestId('pipeline-page').waitFor()
  assert.equal(await page.getByTestId('pipeline-name').textContent(), 'e2e_trips')
  await page.getByTestId('add-data_loader').click()
  await page.getByTestId('block-name-input').fill('load_trips')
  await page.getByTestId('block-template').selectOption('parquet')
  await page.getByTestId('block-source').fill('data/green/2023/01.parquet')
  await page.getByTestId('add-block-submit').click()
  await cell('load_trips').locator('.cm-content').waitFor()
  assert.match(await cell('load_trips').locator('.cm-content').textContent(), /ReadParquet/)
})

test('run the loader: rows and a histogram canvas', { skip }, async () => {
  await cell('load_trips').getByTestId('run-block').click()
  await waitStatus('load_trips', 'succeeded')
  await cell('load_trips').getByTestId('output-row').first().waitFor()
  assert.ok((await cell('load_trips').getByTestId('output-row').count()) > 0)
  assert.match(await cell('load_trips').getByTestId('shape').textContent(), /rows × \d+ cols/)

  await cell('load_trips').getByTestId('add-chart').click()
  const form = cell('load_trips').getByTestId('chart-form')
  await form.getByTestId('chart-name').fill('distance')
  await form.getByTestId('chart-type').selectOption('histogram')
  await form.getByTestId('chart-column').selectOption('trip_distance')
  await form.getByTestId('chart-bins').fill('30')
  await form.getByTestId('save-chart').click()
  await cell('load_trips').locator('[data-testid="chart-distance"] canvas').waitFor()
})

test('add a connected transformer and run the pipeline', { skip }, async () => {
  await page.getByTestId('add-transformer').click()
  await page.getByTestId('block-name-input').fill('prepare_trips')
  const up = page.getByTestId('new-upstream-load_trips')
  if (!(await up.isChecked())) await up.check()
  await page.getByTestId('add-block-submit').click()
  await cell('prepare_trips').locator('.cm-content').waitFor()
  await cell('prepare_trips').getByTestId('upstream').getByText('load_trips').waitFor()

  await page.getByTestId('run-pipeline').click()
  await waitStatus('load_trips', 'succeeded')
  await waitStatus('prepare_trips', 'succeeded')
  await cell('prepare_trips').getByTestId('output-row').first().waitFor()
})

test('reload: blocks, outputs and charts are still there', { skip }, async () => {
  await page.reload()
  await page.getByTestId('pipeline-page').waitFor()
  for (const b of ['load_trips', 'prepare_trips']) {
    await cell(b).waitFor()
    await cell(b).getByTestId('output-row').first().waitFor()
  }
  await cell('load_trips').locator('[data-testid="chart-distance"] canvas').waitFor()
  assert.equal(await cell('prepare_trips').getByTestId('upstream').locator('.chip').textContent(), 'load_trips')
  await page.waitForTimeout(400) // let the charts finish drawing
  await page.screenshot({ path: join(ROOT, 'docs/screenshot.png') })
})

test('DAG view shows both blocks', { skip }, async () => {
  await page.getByTestId('tab-dag').click()
  await page.getByTestId('dag-node-load_trips').waitFor()
  await page.getByTestId('dag-node-prepare_trips').waitFor()
  await page.getByTestId('tab-notebook').click()
  await cell('prepare_trips').waitFor()
})

test('break a block: the error shows at its line', { skip }, async () => {
  const broken = [
    'package prepare_trips', // 1
    '', // 2
    'import (', // 3
    '\t"github.com/golemlabs/golem/blocks"', // 4
    '\t"github.com/golemlabs/golem/blocks/frame"', // 5
    ')', // 6
    '', // 7
    'func Transform(ctx *blocks.Context, load_trips *frame.Frame) (*frame.Frame, error) {', // 8
    '\treturn load_trips.Filter(load_trips.Col("no_such_column").Gt(1)), nil', // 9
    '}', // 10
    '',
  ].join('\n')
  await setCode('prepare_trips', broken)
  await cell('prepare_trips').getByTestId('run-block').click()
  const err = page.locator('[data-testid="block-prepare_trips"] [data-testid="block-error"], [data-testid="plan-error"]')
  await err.first().waitFor()
  assert.match(await err.first().textContent(), /:9\b/)
  const underlined = cell('prepare_trips').locator('.cm-lintRange-error')
  await underlined.first().waitFor()
  // The underline sits on line 9: count the editor lines before it.
  const line = await underlined.first().evaluate((el) => {
    const lineEl = el.closest('.cm-line')
    return [...lineEl.parentElement.children].filter((c) => c.classList.contains('cm-line')).indexOf(lineEl) + 1
  })
  assert.equal(line, 9)
})

test('runs page: a pipeline run succeeded, its detail shows a block log line', { skip }, async () => {
  await page.goto(`${BASE}/#/p/data_preparation`)
  await page.getByTestId('run-pipeline').click()
  await waitStatus('prepare', 'succeeded')
  await page.goto(`${BASE}/#/runs`)
  await page.getByTestId('runs-page').waitFor()
  await page.getByTestId('runs-status-filter').selectOption('succeeded')
  const row = page.locator('.run-row[data-pipeline="data_preparation"][data-status="succeeded"]').first()
  await row.waitFor({ timeout: T })
  await row.getByTestId('run-link').click()
  await page.getByTestId('run-detail').waitFor()
  await page.locator('[data-testid="run-detail-status"][data-status="succeeded"]').waitFor()
  await page.getByTestId('timeline-bar-ingest').waitFor()
  await page.getByTestId('run-block-ingest').getByTestId('run-log-line').getByText(/read \d+ trips/).waitFor({ timeout: T })
})


test('retry from failed: break a block, run, fix it through the API, retry succeeds; the grid shows both runs', { skip }, async () => {
  const p = await apiJSON('GET', '/api/pipelines/data_preparation')
  const path = p.blocks.find((b) => b.name === 'prepare').file
  const file = await apiJSON('GET', `/api/files/${path}`)
  const good = file.content
  const head = '(*frame.Frame, error) {\n'
  assert.ok(good.includes(head), 'prepare: entry function not found')
  let bad = good.replace(head, head + '\treturn nil, fmt.Errorf("e2e boom")\n')
  if (!bad.includes('"fmt"')) bad = bad.replace('import (', 'import (\n\t"fmt"')
  const saved = await apiJSON('PUT', `/api/files/${path}`, { content: bad, version: file.version })

  await page.goto(`${BASE}/#/p/data_preparation`)
  await page.getByTestId('run-pipeline').click()
  await waitStatus('prepare', 'failed')

  await page.goto(`${BASE}/#/runs/data_preparation`)
  await page.getByTestId('runs-page').waitFor()
  const row = page.locator('.run-row[data-pipeline="data_preparation"][data-status="failed"]').first()
  await row.waitFor()
  const failedID = (await row.getByTestId('run-link').textContent()).trim()
  // the runs × blocks grid: a column per run, the failed block's cell red
  await page.locator(`[data-testid="grid-col-${failedID}"][data-status="failed"]`).waitFor()
  await page.getByTestId('grid-row-prepare').locator(`[data-run="${failedID}"][data-status="failed"]`).waitFor()
  await page.getByTestId('grid-row-ingest').locator(`[data-run="${failedID}"][data-status="succeeded"]`).waitFor()
  await page.getByTestId(`grid-col-${failedID}`).click()
  await page.locator('[data-testid="run-detail-status"][data-status="failed"]').waitFor()
  await page.getByTestId('run-block-prepare').getByText(/e2e boom/).first().waitFor()

  await apiJSON('PUT', `/api/files/${path}`, { content: good, version: saved.version })
  await page.getByTestId('run-retry').click()
  await page.waitForFunction((id) => /^#\/run\//.test(location.hash) && !location.hash.endsWith(id), failedID)
  await page.locator('[data-testid="run-detail-status"][data-status="succeeded"]').waitFor()
  await page.locator('[data-testid="run-block-prepare"] [data-testid="run-block-status"][data-status="succeeded"]').waitFor()
})

test('triggers page: an interval trigger from triggers.yaml with its next run time', { skip }, async () => {
  writeFileSync(
    join(server.project, 'pipelines/data_preparation/triggers.yaml'),
    'triggers:\n  - {name: e2e_hourly, type: interval, interval: 1h, catch_up: none}\n',
  )
  await page.goto(`${BASE}/#/p/data_preparation`)
  await page.getByTestId('tab-triggers').click()
  await page.getByTestId('triggers-page').waitFor()
  const row = page.getByTestId('trigger-row-e2e_hourly')
  await row.waitFor()
  assert.match(await row.textContent(), /interval/)
  const next = (await row.getByTestId('trigger-next').textContent()).trim()
  assert.notEqual(next, '—', 'next run time shown')
  assert.ok(next.length > 0)
})
