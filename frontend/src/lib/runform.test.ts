import { describe, expect, it } from 'vitest'
import { initialValues, inputKind, toRunVars } from './runform'
import type { Variable } from './api'

const vars: Record<string, Variable> = {
  months: { type: 'string', default: '2023-01' },
  limit: { type: 'int', default: '10' },
  rate: { type: 'float', default: '' },
  dry: { type: 'bool', default: 'true' },
}

describe('run now form', () => {
  it('picks an input per type', () => {
    expect(['string', 'int', 'float', 'bool', ''].map(inputKind)).toEqual(['text', 'number', 'number', 'checkbox', 'text'])
  })
  it('pre-fills the defaults', () => {
    expect(initialValues(vars)).toEqual({ months: '2023-01', limit: '10', rate: '', dry: true })
  })
  it('sends strings, skips empty fields', () => {
    expect(toRunVars(vars, { ...initialValues(vars), dry: false })).toEqual({
      vars: { months: '2023-01', limit: '10', dry: 'false' },
      errors: {},
    })
  })
  it('checks numbers against their type', () => {
    const r = toRunVars(vars, { months: 'x', limit: '1.5', rate: 'abc', dry: true })
    expect(r.errors).toEqual({ limit: 'must be a whole number', rate: 'must be a number' })
    expect(toRunVars(vars, { limit: ' 7 ', rate: '0.25' }).vars).toEqual({ limit: '7', rate: '0.25' })
  })
})
