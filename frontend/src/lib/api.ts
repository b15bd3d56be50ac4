// Typed client for the editor HTTP API (docs/EDITOR_API.md). Every non-2xx answer becomes an ApiError.

import type {
  AddBlockRequest,
  Block,
  ChartData,
  ChartList,
  ChartSpec,
  CompletionList,
  Conflict,
  EntryList,
  ErrorBody as APIErrorBody,
  ErrorReply,
  FileContent,
  FileList,
  FramePage,
  JSONOutput,
  Kind,
  MarkdownHTML,
  ModelAlias,
  ModelList,
  PatchBlockRequest,
  Pipeline,
  PipelineList,
  Problem,
  Project,
  RunList,
  Run,
  RunMode,
  RunRef,
  RunRequest,
  SecretList,
  Steps,
  TriggerInfo,
  TriggerList,
  UpdatePipelineRequest,
  WorkerList,
} from './api.gen'
import { KindValues } from './api.gen'

// The API's bodies are generated from the editor's Go types (make generate): one source.
export type * from './api.gen'

export const KINDS: Kind[] = KindValues

/**
 * ErrorBody is an error as the page shows it: the API's error body (ErrorReply.error), or a
 * block's Problem from a run, which has no code.
 */
export type ErrorBody = Omit<APIErrorBody, 'code'> & { code?: string }

/** Output is what GET .../output answers: a page of a frame or a JSON value. */
export type Output = FramePage | JSONOutput

/** ApiError is a non-2xx answer: status, the server's error body and, for stale writes, the conflict. */
export class ApiError extends Error {
  status: number
  body: ErrorBody
  conflict?: Conflict
  constructor(status: number, body: ErrorBody, conflict?: Conflict) {
    super(body.message || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.body = body
    this.conflict = conflict
  }
  get code(): string {
    return this.body.code ?? ''
  }
}

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>

const enc = (s: string) => encodeURIComponent(s)
const encPath = (p: string) => p.split('/').map(enc).join('/')

/** Client wraps fetch for the editor API; base is '' in the page, a URL in tests. */
export class Client {
  constructor(
    private base = '',
    private fetcher: Fetcher = (i, init) => fetch(i, init),
  ) {}

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } }
    if (body !== undefined) {
      init.body = JSON.stringify(body)
      ;(init.headers as Record<string, string>)['Content-Type'] = 'application/json'
    }
    let res: Response
    try {
      res = await this.fetcher(this.base + path, init)
    } catch (e) {
      throw new ApiError(0, { code: 'network', message: `server unreachable: ${(e as Error).message}` })
    }
    if (res.status === 204) return undefined as T
    const text = await res.text()
    let data: unknown = undefined
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = undefined
      }
    }
    if (!res.ok) {
      const d = (data ?? {}) as Partial<ErrorReply>
      const err: ErrorBody = d.error ?? { code: 'http', message: text.trim() || `HTTP ${res.status}` }
      throw new ApiError(res.status, err, d.conflict)
    }
    return data as T
  }

  project = () => this.request<Project>('GET', '/api/project')
  pipelines = () => this.request<PipelineList>('GET', '/api/pipelines').then((r) => r.pipelines)
  pipeline = (name: string) => this.request<Pipeline>('GET', `/api/pipelines/${enc(name)}`)
  createPipeline = (name: string, description?: string) =>
    this.request<Pipeline>('POST', '/api/pipelines', description ? { name, description } : { name })
  updatePipeline = (name: string, patch: UpdatePipelineRequest) =>
    this.request<Pipeline>('PUT', `/api/pipelines/${enc(name)}`, patch)
  deletePipeline = (name: string) => this.request<void>('DELETE', `/api/pipelines/${enc(name)}`)
  reorder = (name: string, blocks: string[]) => this.request<Pipeline>('PUT', `/api/pipelines/${enc(name)}/order`, { blocks })

  addBlock = (pipeline: string, req: AddBlockRequest) =>
    this.request<Block>('POST', `/api/pipelines/${enc(pipeline)}/blocks`, req)
  patchBlock = (pipeline: string, block: string, patch: PatchBlockRequest) =>
    this.request<Pipeline>('PATCH', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}`, patch)
  deleteBlock = (pipeline: string, block: string, deleteFile = false) =>
    this.request<Pipeline>(
      'DELETE',
      `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}${deleteFile ? '?delete_file=true' : ''}`,
    )

  files = () => this.request<FileList>('GET', '/api/files').then((r) => r.files)
  file = (path: string) => this.request<FileContent>('GET', `/api/files/${encPath(path)}`)
  saveFile = (path: string, content: string, version: string) =>
    this.request<FileContent>('PUT', `/api/files/${encPath(path)}`, { content, version })
  deleteFile = (path: string, version: string) =>
    this.request<void>('DELETE', `/api/files/${encPath(path)}?version=${enc(version)}`)

  run = (pipeline: string, mode: RunMode, block?: string, vars?: Record<string, string>) =>
    this.request<RunRef>('POST', `/api/pipelines/${enc(pipeline)}/runs`, {
      mode,
      ...(block ? { block } : {}),
      ...(vars && Object.keys(vars).length ? { vars } : {}),
    } satisfies RunRequest)
  runs = (pipeline?: string) =>
    this.request<RunList>('GET', `/api/runs${pipeline ? `?pipeline=${enc(pipeline)}` : ''}`).then((r) => r.runs)
  /** runsWithBlocks lists the last limit runs of pipeline with their blocks' status (no logs). */
  runsWithBlocks = (pipeline: string, limit: number) =>
    this.request<RunList>('GET', `/api/runs?pipeline=${enc(pipeline)}&limit=${limit}&blocks=true`).then((r) => r.runs)
  getRun = (id: string) => this.request<Run>('GET', `/api/runs/${enc(id)}`)
  workers = () => this.request<WorkerList>('GET', '/api/workers')
  secrets = () => this.request<SecretList>('GET', '/api/secrets')
  experiments = (q: { pipeline?: string; parent?: string; trials?: boolean } = {}) => {
    const p = new URLSearchParams()
    if (q.pipeline) p.set('pipeline', q.pipeline)
    if (q.parent) p.set('parent', q.parent)
    if (q.trials === false) p.set('trials', 'false')
    const qs = p.toString()
    return this.request<EntryList>('GET', '/api/experiments' + (qs ? '?' + qs : ''))
  }
  experimentSteps = (id: string) =>
    this.request<Steps>('GET', `/api/experiments/steps?id=${enc(id)}`)
  models = () => this.request<ModelList>('GET', '/api/models')
  setAlias = (name: string, alias: string, version: number) =>
    this.request<ModelAlias>('PUT', `/api/models/${enc(name)}/aliases/${enc(alias)}`, { version })
  removeAlias = (name: string, alias: string) => this.request<void>('DELETE', `/api/models/${enc(name)}/aliases/${enc(alias)}`)
  cancelRun = (id: string) => this.request<RunRef>('POST', `/api/runs/${enc(id)}/cancel`)
  triggers = (pipeline: string) => this.request<TriggerList>('GET', `/api/pipelines/${enc(pipeline)}/triggers`)
  setTriggerEnabled = (pipeline: string, trigger: string, enabled: boolean) =>
    this.request<TriggerInfo>('PUT', `/api/pipelines/${enc(pipeline)}/triggers/${enc(trigger)}/enabled`, { enabled })
  retryRun = (id: string) => this.request<RunRef>('POST', `/api/runs/${enc(id)}/retry`)
  rerunRun = (id: string) => this.request<RunRef>('POST', `/api/runs/${enc(id)}/rerun`)

  output = (pipeline: string, block: string, offset = 0, limit = 100) =>
    this.request<Output>(
      'GET',
      `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/output?offset=${offset}&limit=${limit}`,
    )
  summary = (pipeline: string, block: string) =>
    this.request<FramePage>('GET', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/summary`)

  charts = (pipeline: string, block: string) =>
    this.request<ChartList>('GET', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/charts`).then(
      (r) => r.charts,
    )
  addChart = (pipeline: string, block: string, spec: ChartSpec) =>
    this.request<ChartSpec>('POST', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/charts`, spec)
  updateChart = (pipeline: string, block: string, chart: string, spec: ChartSpec) =>
    this.request<ChartSpec>('PUT', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/charts/${enc(chart)}`, spec)
  deleteChart = (pipeline: string, block: string, chart: string) =>
    this.request<void>('DELETE', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/charts/${enc(chart)}`)
  chartData = (pipeline: string, block: string, chart: string) =>
    this.request<ChartData>('GET', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/charts/${enc(chart)}`)
  previewChart = (pipeline: string, block: string, spec: ChartSpec) =>
    this.request<ChartData>('POST', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/charts/preview`, spec)

  renderMarkdown = (markdown: string) =>
    this.request<MarkdownHTML>('POST', '/api/markdown/render', { markdown }).then((r) => r.html)
  completions = () => this.request<CompletionList>('GET', '/api/completions').then((r) => r.items ?? [])
}

/** api is the page's client (same origin). */
export const api = new Client()

/** errorText renders an error for a banner: "file:line:col: message" when a position is known. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const b = e.body
    const details = b.details?.length ? '\n' + b.details.map((d) => positioned(d)).join('\n') : ''
    return positioned(b) + details
  }
  if (e instanceof Error) return e.message
  return String(e)
}

function positioned(p: Problem): string {
  if (!p.file || p.message.startsWith(p.file)) return p.message
  return `${p.file}${p.line ? `:${p.line}` : ''}${p.col ? `:${p.col}` : ''}: ${p.message}`
}
