// Completion of the blocks/frame API names from the server's /api/completions list.

import type { CompletionContext, CompletionResult, Completion as CMCompletion } from '@codemirror/autocomplete'
import type { Completion } from './api'

const cmType: Record<string, string> = {
  func: 'function',
  method: 'method',
  type: 'type',
  const: 'constant',
  var: 'variable',
  field: 'property',
}

function toCM(c: Completion): CMCompletion {
  return {
    label: c.label,
    type: cmType[c.kind] ?? 'text',
    detail: c.detail ? c.detail.replace(/^func\s*(\([^)]*\)\s*)?/, '') : c.package,
    info: [c.doc, c.example && `e.g. ${c.example}`].filter(Boolean).join('\n\n') || undefined,
    boost: c.kind === 'method' || c.kind === 'func' ? 1 : 0,
  }
}

/**
 * completionsFor picks the items for the text before the cursor:
 * `frame.` / `blocks.` → that package's functions, types, constants;
 * `x.` for any other identifier → methods and fields (of every receiver);
 * a bare identifier → package names and package-level names.
 */
export function completionsFor(items: Completion[], qualifier: string | null, receiver?: string | null): CMCompletion[] {
  const packages = new Set(items.map((i) => i.package).filter(Boolean) as string[])
  if (qualifier !== null) {
    if (packages.has(qualifier)) {
      return dedupe(items.filter((i) => i.package === qualifier && !i.receiver).map(toCM))
    }
    // A value whose type is known offers that type's methods and fields only.
    const own = receiver ? items.filter((i) => i.receiver === receiver) : []
    if (own.length) return dedupe(own.map(toCM))
    return dedupe(items.filter((i) => i.receiver || i.kind === 'method' || i.kind === 'field').map(toCM))
  }
  const pk: CMCompletion[] = [...packages].map((p) => ({ label: p, type: 'namespace' }))
  return dedupe([...pk])
}

const ident = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** resultType is the type a func or method detail returns first: "func (f *Frame) Col(n string) *Series" → "Series". */
function resultType(detail: string | undefined): string | null {
  if (!detail) return null
  const m = /\)\s*\(?\s*\*?(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)[^()]*\)?\s*$/.exec(detail)
  return m ? m[1] : null
}

/**
 * typeOf guesses the type name of variable name in a Go source from its declaration: a parameter or
 * var (`prepare *frame.Frame`), or an assignment from a package function or a method of a value of
 * known type (`trips, err := frame.ReadParquet(...)`, `m := trips.Col("x")`). null when unknown.
 */
export function typeOf(src: string, name: string, items: Completion[], depth = 0): string | null {
  if (depth > 4 || !/^[A-Za-z_]\w*$/.test(name)) return null
  const n = ident(name)
  const types = new Set(items.filter((i) => i.kind === 'type').map((i) => i.label))
  const decl = new RegExp(`(?:^|[(,\\s])${n}\\s+(?:\\[\\])?\\*?(?:([A-Za-z_]\\w*)\\.)?([A-Za-z_]\\w*)`, 'gm')
  for (let m = decl.exec(src); m; m = decl.exec(src)) {
    if (types.has(m[2])) return m[2]
  }
  const assign = new RegExp(`(?:^|[\\s,])${n}\\s*(?:,\\s*\\w+\\s*)*:?=\\s*&?\\*?([A-Za-z_]\\w*)\\.([A-Za-z_]\\w*)`, 'm')
  const a = assign.exec(src)
  if (!a) return null
  const [, left, member] = a
  if (types.has(member)) return member // x := frame.Frame{...}
  const pkgFunc = items.find((i) => i.package === left && !i.receiver && i.label === member)
  if (pkgFunc) return resultType(pkgFunc.detail)
  const recv = typeOf(src, left, items, depth + 1)
  const method = recv && items.find((i) => i.receiver === recv && i.label === member)
  return method ? resultType(method.detail) : null
}

function dedupe(list: CMCompletion[]): CMCompletion[] {
  const seen = new Map<string, CMCompletion>()
  for (const c of list) {
    const prev = seen.get(c.label)
    if (!prev) seen.set(c.label, c)
    else if (prev.detail !== c.detail && c.detail) prev.detail = 'several receivers'
  }
  return [...seen.values()]
}

export function completionSource(get: () => Completion[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const items = get()
    if (!items.length) return null
    const member = ctx.matchBefore(/([A-Za-z_][A-Za-z0-9_]*|\))\.[A-Za-z0-9_]*$/)
    if (member) {
      const dot = member.text.lastIndexOf('.')
      const qual = member.text.slice(0, dot)
      return {
        from: member.from + dot + 1,
        options: completionsFor(items, qual === ')' ? '' : qual, qual === ')' ? null : typeOf(ctx.state.doc.toString(), qual, items)),
        validFor: /^[A-Za-z0-9_]*$/,
      }
    }
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*$/)
    if (!word || (word.from === word.to && !ctx.explicit)) return null
    return { from: word.from, options: completionsFor(items, null), validFor: /^[A-Za-z0-9_]*$/ }
  }
}
