// UI benchmark: page load of the pipeline page and the time from clicking "Run" on a trivial block
// to its new rows being rendered, against the real binary in Debian's chromium. Run with
// `npm run bench:ui` (builds the bundle and the binary first); prints every sample and the median.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BASE, build, launchBrowser, skipReason, startServer } from '../e2e/harness.mjs'

const reason = skipReason()
if (reason) {
  console.log(`bench:ui skipped: ${reason}`)
  process.exit(0)
}
build()
const server = await startServer()
const browser = await launchBrowser()
try {
  mkdirSync(join(server.project, 'pipelines/bench'), { recursive: true })
  writeFileSync(join(server.project, 'pipelines/bench/pipeline.yaml'),
    'name: bench\nblocks:\n  - {name: tiny, kind: data_loader, file: data_loaders/tiny.go, upstream: []}\n')
  writeFileSync(join(server.project, 'data_loaders/tiny.go'), `package tiny

import (
	"fmt"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	stamp := fmt.Sprint(time.Now().UnixNano())
	return frame.New(frame.NewInts("id", []int64{1, 2, 3}), frame.NewStrings("stamp", []string{stamp, stamp, stamp}))
}
`)
  await new Promise((r) => setTimeout(r, 1000)) // the server's file watcher polls every 500 ms
  const page = await browser.ctx.newPage()
  const loads = []
  const clicks = []
  for (let i = 0; i < 9; i++) {
    await page.goto('about:blank')
    const t0 = Date.now()
    await page.goto(`${BASE}/#/p/bench`, { waitUntil: 'load' })
    await page.waitForSelector('[data-testid=block-tiny] [data-testid=run-block]')
    loads.push(Date.now() - t0)
    const tbody = '[data-testid=block-tiny] [data-testid=output] table tbody'
    const before = await page.evaluate((sel) => document.querySelector(sel)?.textContent ?? '', tbody)
    const t1 = Date.now()
    await page.click('[data-testid=block-tiny] [data-testid=run-block]')
    await page.waitForFunction(([sel, prev]) => {
      const body = document.querySelector(sel)
      return body && body.querySelectorAll('tr').length === 3 && body.textContent !== prev
    }, [tbody, before], { timeout: 15000 })
    clicks.push(Date.now() - t1)
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]
  console.log(`page load to a usable notebook (ms): ${loads.join(' ')}  median ${median(loads)}`)
  console.log(`click Run to rendered new rows (ms): ${clicks.join(' ')}  median ${median(clicks)}`)
} finally {
  await browser.close()
  await server.stop()
}
