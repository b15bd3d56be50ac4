// End-to-end: a SQL block in the notebook, in real Chromium against the real golem binary (built
// with DuckDB). Add a SQL transformer after the example's `ingest` through the "add block" form,
// type a query and see completion offer an upstream column, run it and see rows, then misspell a
// column and see the error underlined at its line of the .sql file.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, apiJSON, closeEditor, openEditor, skipReason } from './harness.mjs'

const skip = skipReason() || false
if (skip) console.log(skip)

let page
const T = 30000

let session
before(async () => {
  if (skip) return
  session = await openEditor(T)
  ;({ page } = session)
})

after(() => closeEditor(session))

const cell = (name) => page.locator(`[data-testid="block-${name}"]`)

async function waitStatus(name, status, timeout = T) {
  await cell(name).locator(`[data-testid="block-status"][data-status="${status}"]`).waitFor({ timeout })
}

/** replaceCode puts text into a cell's editor as a paste would (no completion pops up) and saves. */
async function replaceCode(name, text) {
  await cell(name).locator('.cm-content').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(text)
}

async function save(name) {
  await page.keyboard.press('ControlOrMeta+s')
  await cell(name).locator('[data-testid="save-state"]', { hasText: /^saved$/ }).waitFor()
}

test('add a SQL transformer after ingest from the add-block form', { skip }, async () => {
  await page.goto(`${BASE}/#/p/data_preparation`)
  await page.getByTestId('pipeline-page').waitFor()
  // the upstream's stored output gives the SQL cell its columns
  await cell('ingest').getByTestId('run-block').click()
  await waitStatus('ingest', 'succeeded')

  await page.getByTestId('add-transformer').click()
  await page.getByTestId('block-name-input').fill('long_trips')
  await page.getByTestId('block-template').selectOption('sql')
  const form = page.getByTestId('add-block-form')
  for (const box of await form.locator('[data-testid^="new-upstream-"]').all()) {
    const want = (await box.getAttribute('data-testid')) === 'new-upstream-ingest'
    if ((await box.isChecked()) !== want) await box.setChecked(want)
  }
  await page.getByTestId('add-block-submit').click()
  await cell('long_trips').locator('.cm-content').waitFor()
  assert.match(await cell('long_trips').locator('.cm-content').textContent(), /FROM ingest/)
  assert.equal(await cell('long_trips').locator('.file').textContent(), 'transformers/long_trips.sql')
  const file = await apiJSON('GET', '/api/files/transformers/long_trips.sql')
  assert.match(file.content, /FROM ingest/)
})

test('completion offers an upstream column with its type', { skip }, async () => {
  await replaceCode('long_trips', 'SELECT trip_distance, fare_amount\nFROM ingest\nWHERE ')
  await page.keyboard.type('trip_dis', { delay: 30 })
  const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'trip_distance' }).first()
  await option.waitFor()
  assert.match(await option.textContent(), /float64 · ingest/)
  // A click applies this very option; Enter raced the list's re-render in CI and inserted a newline.
  await option.click()
  await page.keyboard.type(' > 10')
  await page.keyboard.press('Escape')
  assert.match(await cell('long_trips').locator('.cm-content').innerText(), /WHERE trip_distance > 10/)
  await save('long_trips')
})

test('run the SQL block: its rows show in the output table', { skip }, async () => {
  await cell('long_trips').getByTestId('run-block').click()
  await waitStatus('long_trips', 'succeeded')
  await cell('long_trips').getByTestId('output-row').first().waitFor()
  assert.match(await cell('long_trips').getByTestId('shape').textContent(), /rows × 2 cols/)
  const head = await cell('long_trips').locator('th').allTextContents()
  assert.ok(head.some((h) => h.includes('trip_distance')) && head.some((h) => h.includes('fare_amount')), `columns: ${head}`)
})

test('an unknown column is underlined at its line of the .sql file', { skip }, async () => {
  await replaceCode('long_trips', 'SELECT trip_distance,\n  fare_amountt\nFROM ingest\n')
  await save('long_trips')
  await cell('long_trips').getByTestId('run-block').click()
  await waitStatus('long_trips', 'failed')
  const pos = await cell('long_trips').getByTestId('block-error-pos').textContent()
  assert.match(pos, /^transformers\/long_trips\.sql:2:\d+$/)
  const underlined = cell('long_trips').locator('.cm-lintRange-error')
  await underlined.first().waitFor()
  const at = await underlined.first().evaluate((el) => {
    const lineEl = el.closest('.cm-line')
    return { line: [...lineEl.parentElement.children].filter((c) => c.classList.contains('cm-line')).indexOf(lineEl) + 1, text: el.textContent }
  })
  assert.equal(at.line, 2)
  assert.match(at.text, /fare_amountt/)
})

test('the file page edits the .sql file as SQL, completing its block’s upstream columns', { skip }, async () => {
  await page.goto(`${BASE}/#/f/transformers/long_trips.sql`)
  const editor = page.getByTestId('file-page').locator('.cm-content')
  await editor.waitFor()
  await editor.click()
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.type('WHERE fare_am', { delay: 30 })
  const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'fare_amount' }).first()
  await option.waitFor()
  assert.match(await option.textContent(), /float64 · ingest/)
  await page.keyboard.press('Escape')
  await page.getByTestId('save-file').click()
  await page.getByTestId('file-page').locator('[data-testid="save-state"]', { hasText: /^saved$/ }).waitFor()
  assert.equal(await page.locator('.cm-lintRange-error').count(), 0, 'a SQL file got problems on save')
})
