import { describe, expect, it } from 'vitest'
import { fmtShape, fmtTime, languageOf } from './format'

describe('fmtTime', () => {
  const now = Date.parse('2025-03-01T12:00:00Z')
  const at = (sec: number) => new Date(now + sec * 1000).toISOString()
  it.each([
    [-10, 'just now'],
    [-5 * 60, '5 min ago'],
    [-3 * 3600, '3 h ago'],
    [30, 'in less than a minute'],
    [5 * 60, 'in 5 min'],
    [9 * 3600, 'in 9 h'],
    [2 * 3600 + 30 * 60, 'in 2 h 30 min'],
  ])('%i s from now reads %s', (sec, want) => {
    expect(fmtTime(at(sec), now)).toBe(want)
  })
  it('a next run days away is a date, not "just now"', () => {
    expect(fmtTime(at(3 * 86400), now)).not.toMatch(/just now|ago/)
  })
})

describe('fmtShape', () => {
  it('shows a frame as rows × cols', () => expect(fmtShape(1234, 5, 'frame')).toBe('1,234 × 5'))
  it('shows nothing for a string output (0 × 0 from the run)', () => {
    expect(fmtShape(0, 0)).toBe('')
    expect(fmtShape(0, 0, 'json')).toBe('')
    expect(fmtShape(undefined, undefined)).toBe('')
  })
})

describe('languageOf', () => {
  it('edits .go as Go, .sql as SQL and anything else as text', () => {
    expect(languageOf('transformers/prepare.go')).toBe('go')
    expect(languageOf('transformers/prepare_sql.sql')).toBe('sql')
    expect(languageOf('markdowns/notes.md')).toBe('text')
    expect(languageOf('utils/sql.go.txt')).toBe('text')
  })
})
