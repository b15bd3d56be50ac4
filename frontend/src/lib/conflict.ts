// What an open editor does when the file it shows changes elsewhere (disk, another tab).

export interface LocalFile {
  content: string
  /** version the editor last loaded or saved */
  version: string
  /** content differs from what is on disk at `version` */
  dirty: boolean
  /** content of a save in flight, if any */
  saving?: string | null
}

export type Reconcile = 'ignore' | 'adopt-version' | 'reload' | 'conflict'

/**
 * reconcile decides how to treat a newer version of the open file:
 * same version → ignore; same content (our own save echoed back) → adopt its version;
 * no local edits → reload; local edits → conflict (never overwrite silently).
 * `incoming.content` may be undefined when only the version is known (a websocket file_changed).
 */
export function reconcile(local: LocalFile, incoming: { version: string; content?: string }): Reconcile {
  if (incoming.version === local.version) return 'ignore'
  if (incoming.content !== undefined) {
    if (incoming.content === local.content) return 'adopt-version'
    if (local.saving != null && incoming.content === local.saving) return 'ignore'
  } else if (local.saving != null) {
    // Our own save in flight: its answer brings the version.
    return 'ignore'
  }
  return local.dirty ? 'conflict' : 'reload'
}

export interface ConflictState {
  diskVersion: string
  diskContent: string
}

/** keepMine resolves a conflict by saving the local content over the disk version. */
export function keepMine(local: LocalFile, c: ConflictState): LocalFile {
  return { ...local, version: c.diskVersion, dirty: true }
}

/** takeTheirs resolves a conflict by dropping local edits for the disk content. */
export function takeTheirs(local: LocalFile, c: ConflictState): LocalFile {
  return { ...local, content: c.diskContent, version: c.diskVersion, dirty: false, saving: null }
}
