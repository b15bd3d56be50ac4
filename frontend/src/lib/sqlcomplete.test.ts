import { describe, expect, it } from 'vitest'
import { EditorState } from '@codemirror/state'
import { ensureSyntaxTree, syntaxTree } from '@codemirror/language'
import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete'
import { keywordCompletionSource } from '@codemirror/lang-sql'
import { DuckDB, columnOptions, fileScope, ident, keywordOption, sqlCompletionSource, sqlLanguage, sqlScope, type SqlScope } from './sqlcomplete'
import type { Block } from './api'

const blocks: Pick<Block, 'name' | 'output'>[] = [
  {
    name: 'ingest',
    output: {
      kind: 'frame',
      go_type: '*frame.Frame',
      rows: 65946,
      cols: 3,
      run_id: 'r1',
      saved_at: '',
      schema: [
        { name: 'trip_distance', type: 'float64' },
        { name: 'PULocationID', type: 'int64' },
        { name: 'fare_amount', type: 'float64' },
      ],
    },
  },
  { name: 'zones', output: { kind: 'frame', go_type: '*frame.Frame', rows: 265, cols: 2, run_id: 'r1', saved_at: '', schema: [{ name: 'PULocationID', type: 'int64' }, { name: 'zone', type: 'string' }] } },
  { name: 'settings', output: { kind: 'json', go_type: 'map[string]int', rows: 0, cols: 0, run_id: 'r1', saved_at: '' } },
  { name: 'fresh', output: null },
]

const scope = sqlScope(blocks, { upstream: ['ingest', 'zones', 'settings', 'fresh'] }, { months: { type: 'list', default: '', description: 'months to read' } })

/** parsed is a state of doc with its whole syntax tree (a new state parses for 20 ms only; a view goes on in the background). */
function parsed(doc: string, s: SqlScope = scope): EditorState {
  const state = EditorState.create({ doc, extensions: [sqlLanguage(() => s)] })
  ensureSyntaxTree(state, doc.length, 10_000)
  return state.update({}).state
}

/** complete runs the SQL cell's completion source at the | in doc. */
async function complete(doc: string, s: SqlScope = scope, explicit = false): Promise<CompletionResult | null> {
  const pos = doc.indexOf('|')
  const state = parsed(doc.replace('|', ''), s)
  return sqlCompletionSource(() => s)(new CompletionContext(state, pos, explicit))
}

const labels = (r: CompletionResult | null) => (r?.options ?? []).map((o) => o.label)

describe('sqlScope', () => {
  it('has one table per upstream, with columns only for a stored frame', () => {
    expect(scope.tables.map((t) => [t.name, t.columns?.length ?? null])).toEqual([
      ['ingest', 3],
      ['zones', 2],
      ['settings', null],
      ['fresh', null],
    ])
    expect(scope.variables).toEqual([{ name: 'months', type: 'list', description: 'months to read' }])
  })
  it('skips an upstream the pipeline does not have', () => {
    expect(sqlScope(blocks, { upstream: ['gone'] }).tables).toEqual([{ name: 'gone', columns: null, rows: undefined }])
  })
})

describe('fileScope', () => {
  it('is the scope of the block whose file it is', () => {
    const pipelines: Parameters<typeof fileScope>[0] = [
      { blocks: [{ name: 'other', file: 'transformers/other.sql', upstream: [], output: null }], variables: {} },
      {
        blocks: [...blocks.map((b) => ({ ...b, file: `x/${b.name}.go`, upstream: [] })), { name: 'q', file: 'transformers/q.sql', upstream: ['zones'], output: null }],
        variables: { zone: { type: 'string', default: '' } },
      },
    ]
    const s = fileScope(pipelines, 'transformers/q.sql')!
    expect(s.tables.map((t) => t.name)).toEqual(['zones'])
    expect(s.tables[0].columns?.map((c) => c.name)).toEqual(['PULocationID', 'zone'])
    expect(s.variables.map((v) => v.name)).toEqual(['zone'])
    expect(fileScope(pipelines, 'queries/loose.sql')).toBeNull()
  })
})

describe('sqlCompletionSource', () => {
  it('offers the upstream tables and their columns for a bare word', async () => {
    const r = await complete('SELECT tri|')
    expect(labels(r)).toEqual(expect.arrayContaining(['ingest', 'zones', 'fresh', 'trip_distance', 'fare_amount', 'zone']))
    const col = r!.options.find((o) => o.label === 'trip_distance')!
    expect(col.detail).toBe('float64 · ingest')
    expect(r!.options.find((o) => o.label === 'ingest')!.detail).toBe('upstream · 65,946 rows')
    expect(r!.options.find((o) => o.label === 'fresh')!.detail).toMatch(/no output yet/)
  })
  it('offers a column found in several tables once, naming them', () => {
    const dup = columnOptions(scope).filter((o) => o.label === 'PULocationID')
    expect(dup).toHaveLength(1)
    expect(dup[0].detail).toBe('int64 · ingest, zones')
    expect(dup[0].apply).toBe('"PULocationID"')
  })
  it('offers only the table’s columns after table.', async () => {
    const r = await complete('SELECT zones.| FROM zones')
    expect(labels(r).sort()).toEqual(['PULocationID', 'zone'])
  })
  it('follows an alias to its table', async () => {
    const r = await complete('SELECT z.| FROM zones z')
    expect(labels(r).sort()).toEqual(['PULocationID', 'zone'])
  })
  it('offers variables as $name parameters', async () => {
    const r = await complete('SELECT * FROM ingest WHERE month IN $mo|')
    expect(labels(r)).toEqual(['$months'])
    expect(r!.from).toBe('SELECT * FROM ingest WHERE month IN '.length)
  })
  it('offers nothing inside a string unless asked', async () => {
    expect(await complete("SELECT * FROM read_parquet('data/tri|')")).toBeNull()
  })
})

describe('ranking', () => {
  it('puts an upstream column before a shorter keyword with the same prefix', async () => {
    const state = parsed('SELECT pu')
    const cx = new CompletionContext(state, state.doc.length, false)
    const cols = await sqlCompletionSource(() => scope)(cx)
    const kws = await keywordCompletionSource(DuckDB, true, keywordOption)(cx)
    const col = cols!.options.find((o) => o.label === 'PULocationID')!
    const kw = kws!.options.find((o) => o.label === 'PUBLIC')!
    // the fuzzy matcher scores a case-folded prefix match by minus the label's length
    expect((col.boost ?? 0) - col.label.length).toBeGreaterThan((kw.boost ?? 0) - kw.label.length)
  })
})

describe('DuckDB dialect', () => {
  it('completes keywords and DuckDB table functions', async () => {
    const state = parsed('SEL')
    const r = await keywordCompletionSource(DuckDB, true, keywordOption)(new CompletionContext(state, 3, false))
    expect(labels(r)).toContain('SELECT')
    expect(labels(r)).toContain('QUALIFY')
    expect(labels(r)).toContain('read_parquet')
    expect(labels(r)).toContain('NULL')
  })
  it('reads $name as a parameter, not the start of a $$ string', () => {
    const state = parsed("SELECT * FROM ingest WHERE zone = $zone AND x = 'a'")
    const names: string[] = []
    syntaxTree(state).iterate({ enter: (n) => void names.push(n.name) })
    expect(names).toContain('SpecialVar')
    expect(names).toContain('String')
  })
})

describe('ident', () => {
  it('quotes what DuckDB would fold or misread', () => {
    expect(ident('trip_distance')).toBe('trip_distance')
    expect(ident('VendorID')).toBe('"VendorID"')
    expect(ident('a "b"')).toBe('"a ""b"""')
  })
})
