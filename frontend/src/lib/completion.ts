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
    info: c.doc || undefined,
    boost: c.kind === 'method' || c.kind === 'func' ? 1 : 0,
  }
}

/**
 * completionsFor picks the items for the text before the cursor:
 * `frame.` / `blocks.` → that package's functions, types, constants;
 * `x.` for any other identifier → methods and fields (of every receiver);
 * a bare identifier → package names and package-level names.
 */
export function completionsFor(items: Completion[], qualifier: string | null): CMCompletion[] {
  const packages = new Set(items.map((i) => i.package).filter(Boolean) as string[])
  if (qualifier !== null) {
    if (packages.has(qualifier)) {
      return dedupe(items.filter((i) => i.package === qualifier && !i.receiver).map(toCM))
    }
    return dedupe(items.filter((i) => i.receiver || i.kind === 'method' || i.kind === 'field').map(toCM))
  }
  const pk: CMCompletion[] = [...packages].map((p) => ({ label: p, type: 'namespace' }))
  return dedupe([...pk])
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
        options: completionsFor(items, qual === ')' ? '' : qual),
        validFor: /^[A-Za-z0-9_]*$/,
      }
    }
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*$/)
    if (!word || (word.from === word.to && !ctx.explicit)) return null
    return { from: word.from, options: completionsFor(items, null), validFor: /^[A-Za-z0-9_]*$/ }
  }
}
