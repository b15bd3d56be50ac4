import type { FileHandle } from '../lib/useFile'

export function ConflictBanner({ file, path }: { file: FileHandle; path: string }) {
  if (!file.conflict) return null
  return (
    <div className="banner warn conflict" data-testid="conflict-banner">
      <div>
        <strong>{path}</strong> changed on disk (or in another tab) while you were editing it. Your edits are not
        saved.
      </div>
      <div className="row gap-s">
        <button className="btn xs" onClick={file.keepMine} data-testid="conflict-keep-mine">
          Keep mine (overwrite disk)
        </button>
        <button className="btn xs" onClick={file.takeTheirs} data-testid="conflict-take-theirs">
          Take theirs (drop my edits)
        </button>
      </div>
    </div>
  )
}

export function SaveIndicator({ file }: { file: FileHandle }) {
  const label = file.conflict
    ? 'conflict'
    : file.saveState === 'saving'
      ? 'saving…'
      : file.saveState === 'error'
        ? 'save failed'
        : file.dirty
          ? 'unsaved'
          : 'saved'
  return (
    <span className={`save-state ${file.conflict ? 'error' : file.saveState}`} data-testid="save-state" title={file.saveError ?? ''}>
      {label}
    </span>
  )
}
