// Prints raw and gzip sizes of the built assets in frontend/dist/assets and the gzip total.
// Exits non-zero when the gzip total exceeds the budget (600 kB).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const budget = 600 * 1024
const dir = fileURLToPath(new URL('../dist/assets', import.meta.url))
let files
try {
  files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile())
} catch {
  console.error(`no build in ${dir}: run npm run build`)
  process.exit(1)
}
let raw = 0
let gz = 0
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + ' kB'
for (const f of files.sort()) {
  const buf = readFileSync(join(dir, f))
  const g = gzipSync(buf, { level: 9 }).length
  raw += buf.length
  gz += g
  console.log(`${kb(buf.length)} ${kb(g)} gzip  ${f}`)
}
console.log(`${kb(raw)} ${kb(gz)} gzip  total (budget ${budget / 1024} kB gzip)`)
if (gz > budget) {
  console.error('bundle exceeds the gzip budget')
  process.exit(1)
}
