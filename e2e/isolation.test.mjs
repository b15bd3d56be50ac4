// End-to-end: a block that crashes its worker process (a panic in a goroutine it starts) fails its
// run in the editor — the cell shows the cause, the run detail shows it with the worker's crash
// report — while golem start keeps serving, and the next run succeeds.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, apiJSON, closeEditor, openEditor, skipReason } from './harness.mjs'

const skip = skipReason() || false
if (skip) console.log(skip)

let session, page
const T = 30000

before(async () => {
  if (skip) return
  session = await openEditor(T)
  page = session.page
})

after(() => closeEditor(session))

const crashing = `package boom

import (
	"fmt"
	"time"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	fmt.Println("before the crash")
	go func() { panic("e2e crash") }()
	time.Sleep(5 * time.Second)
	return 1, nil
}
`

const fine = `package boom

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) { return 1, nil }
`

test('a block that crashes its worker fails its run; the editor keeps serving', { skip }, async () => {
  await apiJSON('POST', '/api/pipelines', { name: 'crashy' })
  await apiJSON('POST', '/api/pipelines/crashy/blocks', { name: 'boom', kind: 'data_loader' })
  const p = await apiJSON('GET', '/api/pipelines/crashy')
  const path = p.blocks.find((b) => b.name === 'boom').file
  let file = await apiJSON('GET', `/api/files/${path}`)
  file = await apiJSON('PUT', `/api/files/${path}`, { content: crashing, version: file.version })

  await page.goto(`${BASE}/#/p/crashy`)
  await page.getByTestId('run-pipeline').click()
  const cell = page.locator('[data-testid="block-boom"]')
  await cell.locator('[data-testid="block-status"][data-status="failed"]').waitFor()
  await cell.getByTestId('block-error').getByText(/panic: e2e crash/).first().waitFor()

  const health = await fetch(`${BASE}/api/health`)
  assert.equal(health.status, 200)

  await page.goto(`${BASE}/#/runs/crashy`)
  const row = page.locator('.run-row[data-pipeline="crashy"][data-status="failed"]').first()
  await row.waitFor()
  await row.getByTestId('run-link').click()
  await page.getByTestId('run-error').getByText(/boom.*panic: e2e crash/).waitFor()
  await page.getByTestId('run-stderr').waitFor()
  await page.getByTestId('run-block-boom').getByText('before the crash').waitFor()

  await apiJSON('PUT', `/api/files/${path}`, { content: fine, version: file.version })
  await page.goto(`${BASE}/#/p/crashy`)
  await page.getByTestId('run-pipeline').click()
  await page.locator('[data-testid="block-boom"] [data-testid="block-status"][data-status="succeeded"]').waitFor()
})
