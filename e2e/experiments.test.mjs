// End-to-end: experiment tracking and the model registry (issue 14) in Chromium against the real
// binary — two training runs of the example compared on the Experiments page, and an alias set and
// moved on the Models page.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { BASE, BIN, apiJSON, closeEditor, openEditor, skipReason } from './harness.mjs'

const skip = skipReason() || false
if (skip) console.log(skip)

let s
before(async () => {
  if (skip) return
  s = await openEditor()
  // Two runs of train_linear from another terminal, with different alphas: two entries, two versions.
  for (const alpha of ['0', '5']) {
    execFileSync(BIN, ['run', s.server.project, 'train_linear', '--var', `alpha=${alpha}`], { stdio: 'ignore' })
  }
})

after(async () => closeEditor(s))

test('the Experiments page compares two entries', { skip }, async () => {
  const { page } = s
  await page.goto(`${BASE}/#/experiments`)
  const rows = page.locator('[data-testid="experiments-table"] tbody tr')
  await rows.nth(1).waitFor()
  assert.equal(await rows.count(), 2)
  // sort by validation RMSE (ascending): the row order follows the metric
  await page.locator('[data-testid="sort-metric:val_rmse"]').click()
  const { entries } = await apiJSON('GET', '/api/experiments?pipeline=train_linear')
  const byRMSE = [...entries].sort((a, b) => a.metrics.val_rmse - b.metrics.val_rmse)
  assert.equal(await rows.nth(0).getAttribute('data-testid'), `entry-${byRMSE[0].id}`)
  for (const e of entries) await page.locator(`[data-testid="select-${e.id}"]`).check()
  const cmp = page.locator('[data-testid="compare"]')
  await cmp.waitFor()
  // the parameter diff marks alpha as differing and solver as the same
  assert.equal(await page.locator('[data-testid="diff-alpha"]').getAttribute('data-differs'), 'true')
  assert.equal(await page.locator('[data-testid="diff-solver"]').getAttribute('data-differs'), 'false')
  // metric bars and parallel coordinates are drawn by echarts
  await page.locator('[data-testid="metric-bars"] canvas').waitFor()
  await page.locator('[data-testid="parallel-coords"] canvas').waitFor()
  // filtering by a metric range leaves one entry
  await page.locator('[data-testid="filter-metric"]').selectOption('val_rmse')
  await page.locator('[data-testid="filter-max"]').fill(String((byRMSE[0].metrics.val_rmse + byRMSE[1].metrics.val_rmse) / 2))
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="experiments-table"] tbody tr').length === 1)
})

test('the Models page moves an alias with a click', { skip }, async () => {
  const { page } = s
  await page.goto(`${BASE}/#/models`)
  await page.locator('[data-testid="model-taxi-duration"]').waitFor()
  await page.locator('[data-testid="set-champion-taxi-duration-1"]').click()
  await page.locator('[data-testid="alias-taxi-duration-1-champion"]').waitFor()
  let { models } = await apiJSON('GET', '/api/models')
  assert.equal(models[0].aliases.champion, 1)
  // lineage links to the run that registered the version
  const link = await page.locator('[data-testid="lineage-taxi-duration-2"]').getAttribute('href')
  assert.equal(link, `#/run/${models[0].versions[0].run_id}`)
  await page.locator('[data-testid="set-champion-taxi-duration-2"]').click()
  await page.locator('[data-testid="alias-taxi-duration-2-champion"]').waitFor()
  assert.equal(await page.locator('[data-testid="alias-taxi-duration-1-champion"]').count(), 0)
  ;({ models } = await apiJSON('GET', '/api/models'))
  assert.equal(models[0].aliases.champion, 2)
  // batch_inference now loads the champion
  execFileSync(BIN, ['run', s.server.project, 'batch_inference'], { stdio: 'ignore' })
  const { entries } = await apiJSON('GET', '/api/experiments?pipeline=batch_inference')
  assert.equal(entries[0].params.model, 'taxi-duration/2')
})
