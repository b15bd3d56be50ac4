import type { Variable } from './api'

/** FormValue is an input's value: a checkbox's boolean or a text/number field's string. */
export type FormValue = string | boolean

/** inputKind is the input type for a declared variable type. */
export function inputKind(type: string): 'checkbox' | 'number' | 'text' {
  if (type === 'bool') return 'checkbox'
  if (type === 'int' || type === 'float') return 'number'
  return 'text'
}

/** initialValues pre-fills the form with the declared defaults. */
export function initialValues(vars: Record<string, Variable>): Record<string, FormValue> {
  const out: Record<string, FormValue> = {}
  for (const [name, v] of Object.entries(vars)) {
    out[name] = v.type === 'bool' ? /^(1|t|true)$/i.test((v.default ?? '').trim()) : (v.default ?? '')
  }
  return out
}

/**
 * toRunVars turns form values into the run's variables (strings, as the API
 * takes them), checking each against its declared type; a field left empty
 * is not sent (the pipeline's default applies).
 */
export function toRunVars(
  vars: Record<string, Variable>,
  values: Record<string, FormValue>,
): { vars: Record<string, string>; errors: Record<string, string> } {
  const out: Record<string, string> = {}
  const errors: Record<string, string> = {}
  for (const [name, v] of Object.entries(vars)) {
    const val = values[name]
    if (typeof val === 'boolean') {
      out[name] = String(val)
      continue
    }
    const s = (val ?? '').trim()
    if (s === '') continue
    if (v.type === 'int' && !/^[-+]?\d+$/.test(s)) errors[name] = 'must be a whole number'
    else if (v.type === 'float' && (Number.isNaN(Number(s)) || !/\d/.test(s))) errors[name] = 'must be a number'
    else out[name] = v.type === 'string' || !v.type ? (val as string) : s
  }
  return { vars: out, errors }
}
