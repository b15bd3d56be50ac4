// Completion in SQL cells: the upstream blocks are tables (named after the block) whose columns come
// from their stored outputs (Block.output.schema); pipeline variables are named parameters ($name);
// keywords come from the DuckDB dialect below through @codemirror/lang-sql.

import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete'
import { PostgreSQL, SQLDialect, schemaCompletionSource, sql, type SQLNamespace } from '@codemirror/lang-sql'
import type { Extension } from '@codemirror/state'
import type { Block, Pipeline, Variable } from './api'

/**
 * DuckDB is PostgreSQL's dialect with DuckDB's `$name` parameters (instead of `$$` strings), its
 * extra keywords, and the table functions a loader reads files with.
 */
export const DuckDB = SQLDialect.define({
  ...PostgreSQL.spec,
  doubleDollarQuotedStrings: false,
  specialVar: '$',
  keywords:
    (PostgreSQL.spec.keywords ?? '') +
    ' qualify pivot unpivot exclude replace columns asof positional anti semi sample using describe summarize install load copy',
  builtin:
    'read_parquet read_csv read_csv_auto read_json read_json_auto glob parquet_schema parquet_metadata ' +
    'date_trunc date_part date_diff strftime strptime epoch make_date make_timestamp ' +
    'count_star list_value struct_pack string_agg median quantile_cont quantile_disc approx_count_distinct ' +
    'regexp_matches regexp_replace regexp_extract ifnull coalesce nullif greatest least query_table golem_months',
})

/** SqlScope is what a SQL cell completes: its upstream tables (with columns when stored) and the variables. */
export interface SqlScope {
  tables: SqlTable[]
  variables: { name: string; type: string; description?: string }[]
}

export interface SqlTable {
  name: string
  /** null when the upstream has no stored frame yet (never ran, or returned JSON). */
  columns: { name: string; type: string }[] | null
  rows?: number
}

/** sqlScope is the scope of block in its pipeline: one table per upstream, in upstream order. */
export function sqlScope(
  blocks: Pick<Block, 'name' | 'output'>[],
  block: Pick<Block, 'upstream'>,
  variables: Record<string, Variable> = {},
): SqlScope {
  const byName = new Map(blocks.map((b) => [b.name, b]))
  return {
    tables: block.upstream.map((name) => {
      const out = byName.get(name)?.output
      const frame = out?.kind === 'frame' && out.schema
      return { name, columns: frame ? out.schema! : null, rows: frame ? out.rows : undefined }
    }),
    variables: Object.entries(variables).map(([name, v]) => ({ name, type: v.type, description: v.description })),
  }
}

/**
 * fileScope is the scope of a SQL file opened on its own (the file page): that of the first block
 * using it, in the pipelines given; null when no pipeline has it as a block.
 */
export function fileScope(
  pipelines: { blocks: Pick<Block, 'name' | 'file' | 'upstream' | 'output'>[]; variables: Pipeline['variables'] }[],
  path: string,
): SqlScope | null {
  for (const p of pipelines) {
    const b = p.blocks.find((b) => b.file === path)
    if (b) return sqlScope(p.blocks, b, p.variables)
  }
  return null
}

const PLAIN = /^[a-z_][a-z0-9_]*$/
const COLUMN_BOOST = 20

/** ident writes name as DuckDB reads it: bare when plain lowercase, else double-quoted. */
export function ident(name: string): string {
  return PLAIN.test(name) ? name : `"${name.replace(/"/g, '""')}"`
}

function columnOption(c: { name: string; type: string }, tables: string[]): Completion {
  return {
    label: c.name,
    apply: ident(c.name),
    type: 'property',
    detail: `${c.type} · ${tables.join(', ')}`,
    // above a shorter keyword with the same prefix (pu: PULocationID before PUBLIC; the fuzzy
    // matcher ranks shorter labels higher by their length)
    boost: COLUMN_BOOST,
  }
}

/** tableNamespace is the scope as lang-sql's schema: each table with its columns. */
export function tableNamespace(scope: SqlScope): SQLNamespace {
  const ns: Record<string, SQLNamespace> = {}
  for (const t of scope.tables) {
    ns[t.name] = {
      self: {
        label: t.name,
        type: 'type',
        detail: t.columns ? `upstream · ${t.rows?.toLocaleString('en-US') ?? '?'} rows` : 'upstream · no output yet: run it',
        boost: COLUMN_BOOST + 1,
      },
      children: (t.columns ?? []).map((c) => columnOption(c, [t.name])),
    }
  }
  return ns
}

/** columnOptions are every upstream's columns, unqualified; a name in several tables is offered once. */
export function columnOptions(scope: SqlScope): Completion[] {
  const seen = new Map<string, { col: { name: string; type: string }; tables: string[] }>()
  for (const t of scope.tables)
    for (const c of t.columns ?? []) {
      const s = seen.get(c.name)
      if (s) s.tables.push(t.name)
      else seen.set(c.name, { col: c, tables: [t.name] })
    }
  return [...seen.values()].map((s) => columnOption(s.col, s.tables))
}

/** variableOptions are the pipeline's variables as `$name` parameters. */
export function variableOptions(scope: SqlScope): Completion[] {
  return scope.variables.map((v) => ({ label: '$' + v.name, type: 'variable', detail: v.type, info: v.description || undefined }))
}

/**
 * sqlCompletionSource completes `$` with variables, `table.` with that table's columns (aliases
 * too, through lang-sql), and a bare word with the upstream tables and every upstream column.
 * Keywords come from lang-sql's own keyword source beside it.
 */
export function sqlCompletionSource(get: () => SqlScope): CompletionSource {
  return async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const scope = get()
    const param = ctx.matchBefore(/\$\w*$/)
    if (param) return { from: param.from, options: variableOptions(scope), validFor: /^\$\w*$/ }
    const res = await schemaCompletionSource({ dialect: DuckDB, schema: tableNamespace(scope) })(ctx)
    if (!res) return null
    const before = ctx.state.sliceDoc(Math.max(0, res.from - 1), res.from + 1)
    if (before.startsWith('.') || before.endsWith('"')) return res // qualified (table.col) or quoted: lang-sql's answer
    return { ...res, options: [...res.options, ...columnOptions(scope)] }
  }
}

const LITERALS = new Set(['TRUE', 'FALSE', 'NULL', 'UNKNOWN'])

/** keywordOption writes keywords and types upper-case and DuckDB's functions lower-case, as they are usually written. */
export function keywordOption(label: string, type: string): Completion {
  if (type === 'variable' && !LITERALS.has(label)) return { label: label.toLowerCase(), type: 'function' }
  return { label, type: LITERALS.has(label) ? 'keyword' : type }
}

/** sqlLanguage is a SQL cell's language: DuckDB highlighting, keyword completion and the scope's tables, columns and variables. */
export function sqlLanguage(get: () => SqlScope): Extension {
  return [
    sql({ dialect: DuckDB, upperCaseKeywords: true, keywordCompletion: keywordOption }),
    DuckDB.language.data.of({ autocomplete: sqlCompletionSource(get) }),
  ]
}
