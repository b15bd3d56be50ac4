import { describe, expect, it } from 'vitest'
import { keepMine, reconcile, takeTheirs, type LocalFile } from './conflict'

const local = (o: Partial<LocalFile> = {}): LocalFile => ({ content: 'mine', version: 'v1', dirty: false, ...o })

describe('reconcile', () => {
  it.each([
    { name: 'same version is our own state', l: local(), inc: { version: 'v1', content: 'x' }, want: 'ignore' },
    { name: 'same content adopts the version', l: local({ dirty: true }), inc: { version: 'v2', content: 'mine' }, want: 'adopt-version' },
    { name: 'clean buffer reloads', l: local(), inc: { version: 'v2', content: 'disk' }, want: 'reload' },
    { name: 'clean buffer reloads on a bare version', l: local(), inc: { version: 'v2' }, want: 'reload' },
    { name: 'local edits conflict', l: local({ dirty: true }), inc: { version: 'v2', content: 'disk' }, want: 'conflict' },
    { name: 'local edits conflict on a bare version', l: local({ dirty: true }), inc: { version: 'v2' }, want: 'conflict' },
    { name: 'echo of a save in flight', l: local({ dirty: true, content: 'more', saving: 'saved' }), inc: { version: 'v2', content: 'saved' }, want: 'ignore' },
    { name: 'bare version while saving', l: local({ dirty: true, saving: 'mine' }), inc: { version: 'v2' }, want: 'ignore' },
  ])('$name', ({ l, inc, want }) => {
    expect(reconcile(l, inc)).toBe(want)
  })

  it('keep mine targets the disk version and stays dirty', () => {
    expect(keepMine(local({ dirty: true }), { diskVersion: 'v9', diskContent: 'disk' })).toEqual({
      content: 'mine',
      version: 'v9',
      dirty: true,
    })
  })

  it('take theirs drops local edits', () => {
    expect(takeTheirs(local({ dirty: true }), { diskVersion: 'v9', diskContent: 'disk' })).toMatchObject({
      content: 'disk',
      version: 'v9',
      dirty: false,
    })
  })
})
