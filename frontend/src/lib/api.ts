// Typed client for the editor HTTP API (docs/EDITOR_API.md). Every non-2xx answer becomes an ApiError.

export type Kind = 'data_loader' | 'transformer' | 'data_exporter' | 'custom' | 'sensor' | 'markdown'
export const KINDS: Kind[] = ['data_loader', 'transformer', 'data_exporter', 'custom', 'sensor', 'markdown']

export interface Problem {
  message: string
  file?: string
  line?: number
  col?: number
  /** "warning" for a problem that does not stop runs; absent for errors. */
  severity?: 'warning'
}

export interface ErrorBody extends Problem {
  code?: string
  details?: Problem[]
  stack?: string
}

export interface Conflict {
  path: string
  your_version: string
  disk_version: string
  disk_content: string
}

export interface RunSummary {
  run_id: string
  status: string
  started_at?: string
  duration_ms?: number
}

export interface PipelineSummary {
  name: string
  description?: string
  blocks: number
  last_run: RunSummary | null
}

export interface Project {
  name: string
  dir: string
  version: string
  variables: Record<string, string>
  pipelines: PipelineSummary[]
  /** Validation problems of the project's files, and warnings (e.g. an API token committed in golem.yaml). */
  problems?: Problem[]
}

export interface Variable {
  type: string
  default?: string
  description?: string
}

export interface ChartSpec {
  name: string
  type: string
  column?: string
  bins?: number
  x?: string
  y?: string
  agg?: string
  quantile?: number
  interval?: string
  top?: number
  sort?: string
  sample?: number
}

export interface OutputMeta {
  kind: 'frame' | 'json'
  go_type?: string
  rows?: number
  cols?: number
  run_id?: string
  saved_at?: string
  /** A stored frame's columns: a SQL cell completes its upstream tables with them. */
  schema?: Field[]
}

export interface Block {
  name: string
  kind: Kind
  file: string
  upstream: string[]
  downstream: string[]
  content: string
  file_version: string
  /** Why the block file could not be read (missing, or a symlink leading outside the project). */
  file_error?: string
  charts: ChartSpec[]
  output: OutputMeta | null
}

export interface Pipeline {
  name: string
  description?: string
  version: string
  variables: Record<string, Variable>
  blocks: Block[]
}

export interface Field {
  name: string
  type: string
}

export interface FramePage {
  kind: 'frame'
  rows: number
  cols: number
  offset: number
  limit: number
  schema: Field[]
  data: unknown[][]
  run_id?: string
  saved_at?: string
}

export interface JSONOutput {
  kind: 'json'
  go_type?: string
  value: unknown
  run_id?: string
  saved_at?: string
}

export type Output = FramePage | JSONOutput

export interface ChartData {
  spec: ChartSpec
  option: Record<string, unknown>
  rows: number
  took_ms: number
}

export interface FileInfo {
  path: string
  size: number
  version: string
  mod_time?: string
}

export interface FileContent {
  path: string
  content: string
  version: string
}

export interface SaveResult {
  path: string
  version: string
  problems?: Problem[]
}

export interface RunBlock {
  name: string
  status: string
  rows?: number
  cols?: number
  duration_ms?: number
  error?: ErrorBody | null
  logs?: string[]
  /** first attempt's start and last attempt's end (absent if it never ran) */
  started_at?: string
  ended_at?: string
  attempts?: RunAttempt[]
}

export interface RunAttempt {
  start: string
  end?: string
  error?: string
}

export interface Run {
  run_id: string
  pipeline: string
  mode?: string
  status: string
  started_at?: string
  duration_ms?: number
  /** what failed the run, naming the block (a worker process's crash: "panic: x", "fatal error: ...") */
  error?: string
  /** the last stderr lines (the Go crash report) of a run whose worker process died */
  stderr?: string[]
  /** the cluster workers of the run's attempts, in order */
  workers?: string[]
  blocks: RunBlock[]
}

/** WorkerInfo is a connected cluster worker (GET /api/workers). */
export interface WorkerInfo {
  name: string
  labels: string[]
  slots: number
  running: string[]
  last_heartbeat: string
}

/** SecretInfo is a secret's name and where its value comes from (GET /api/secrets); never a value. */
export interface SecretInfo {
  name: string
  /** store, env (GOLEM_SECRET_<name>) or "store, env" */
  source: string
}

/** ConnectionInfo is a connection profile with the names it references (GET /api/secrets). */
export interface ConnectionInfo {
  name: string
  type: 'postgres' | 's3' | 'http'
  file: string
  line: number
  refs: { kind: 'secret' | 'env'; name: string; set: boolean }[]
}

export interface SecretList {
  secrets: SecretInfo[]
  connections: ConnectionInfo[]
  key_file: string
}

export interface WorkerList {
  /** cluster is false when runs execute on the editor's machine */
  cluster: boolean
  workers: WorkerInfo[]
}

export interface TriggerInfo {
  name: string
  type: string
  schedule: string
  timezone: string
  next_run: string | null
  enabled: boolean
  overlap: string
  variables: Record<string, string>
  line: number
}

export interface TriggerList {
  file: string
  triggers: TriggerInfo[]
  problems: Problem[]
}

export interface Completion {
  label: string
  kind: string
  package?: string
  receiver?: string
  detail?: string
  doc?: string
  example?: string
}

/** Entry is what one block (or one trial of its search) logged in one run (GET /api/experiments). */
export interface Entry {
  id: string
  run_id: string
  pipeline: string
  block: string
  trial?: number
  /** the search's entry id for a trial, null for a block's own entry */
  parent: string | null
  status: string
  params: Record<string, unknown>
  metrics: Record<string, number>
  /** metrics logged at steps (curves) */
  stepped: string[]
  artifacts: { name: string; hash: string; size: number }[]
  model: { name: string; version: number } | null
  started: string
  updated: string
}

export interface StepPoint {
  step: number
  value: number
}

/** ModelVersion is one registered version with its lineage (GET /api/models). */
export interface ModelVersion {
  name: string
  version: number
  run_id: string
  pipeline: string
  block: string
  code_hash: string
  vars: Record<string, string> | null
  params: Record<string, unknown> | null
  metrics: Record<string, number> | null
  hash: string
  tags: Record<string, string> | null
  aliases: string[]
  created: string
}

export interface RegisteredModel {
  name: string
  latest: number
  aliases: Record<string, number>
  tags: Record<string, string>
  created: string
  updated: string
  versions: ModelVersion[]
}

export type RunMode = 'block' | 'with_upstream' | 'downstream' | 'pipeline'

export interface AddBlockRequest {
  name: string
  kind?: Kind
  template?: string
  source?: string
  file?: string
  upstream?: string[]
}

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
      const d = (data ?? {}) as { error?: ErrorBody; conflict?: Conflict }
      const err: ErrorBody = d.error ?? { code: 'http', message: text.trim() || `HTTP ${res.status}` }
      throw new ApiError(res.status, err, d.conflict)
    }
    return data as T
  }

  project = () => this.request<Project>('GET', '/api/project')
  pipelines = () => this.request<{ pipelines: PipelineSummary[] }>('GET', '/api/pipelines').then((r) => r.pipelines)
  pipeline = (name: string) => this.request<Pipeline>('GET', `/api/pipelines/${enc(name)}`)
  createPipeline = (name: string, description?: string) =>
    this.request<Pipeline>('POST', '/api/pipelines', description ? { name, description } : { name })
  updatePipeline = (name: string, patch: { name?: string; description?: string; variables?: Record<string, Variable> }) =>
    this.request<Pipeline>('PUT', `/api/pipelines/${enc(name)}`, patch)
  deletePipeline = (name: string) => this.request<void>('DELETE', `/api/pipelines/${enc(name)}`)
  reorder = (name: string, blocks: string[]) => this.request<Pipeline>('PUT', `/api/pipelines/${enc(name)}/order`, { blocks })

  addBlock = (pipeline: string, req: AddBlockRequest) =>
    this.request<Block>('POST', `/api/pipelines/${enc(pipeline)}/blocks`, req)
  patchBlock = (pipeline: string, block: string, patch: { name?: string; upstream?: string[] }) =>
    this.request<Pipeline>('PATCH', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}`, patch)
  deleteBlock = (pipeline: string, block: string, deleteFile = false) =>
    this.request<Pipeline>(
      'DELETE',
      `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}${deleteFile ? '?delete_file=true' : ''}`,
    )

  files = () => this.request<{ files: FileInfo[] }>('GET', '/api/files').then((r) => r.files)
  file = (path: string) => this.request<FileContent>('GET', `/api/files/${encPath(path)}`)
  saveFile = (path: string, content: string, version: string) =>
    this.request<SaveResult>('PUT', `/api/files/${encPath(path)}`, { content, version })
  deleteFile = (path: string, version: string) =>
    this.request<void>('DELETE', `/api/files/${encPath(path)}?version=${enc(version)}`)

  run = (pipeline: string, mode: RunMode, block?: string, vars?: Record<string, string>) =>
    this.request<{ run_id: string }>('POST', `/api/pipelines/${enc(pipeline)}/runs`, {
      mode,
      ...(block ? { block } : {}),
      ...(vars && Object.keys(vars).length ? { vars } : {}),
    })
  runs = (pipeline?: string) =>
    this.request<{ runs: Run[] }>('GET', `/api/runs${pipeline ? `?pipeline=${enc(pipeline)}` : ''}`).then((r) => r.runs)
  /** runsWithBlocks lists the last limit runs of pipeline with their blocks' status (no logs). */
  runsWithBlocks = (pipeline: string, limit: number) =>
    this.request<{ runs: Run[] }>('GET', `/api/runs?pipeline=${enc(pipeline)}&limit=${limit}&blocks=true`).then((r) => r.runs)
  getRun = (id: string) => this.request<Run>('GET', `/api/runs/${enc(id)}`)
  workers = () => this.request<WorkerList>('GET', '/api/workers')
  secrets = () => this.request<SecretList>('GET', '/api/secrets')
  experiments = (q: { pipeline?: string; parent?: string; trials?: boolean } = {}) => {
    const p = new URLSearchParams()
    if (q.pipeline) p.set('pipeline', q.pipeline)
    if (q.parent) p.set('parent', q.parent)
    if (q.trials === false) p.set('trials', 'false')
    const qs = p.toString()
    return this.request<{ entries: Entry[] }>('GET', '/api/experiments' + (qs ? '?' + qs : ''))
  }
  experimentSteps = (id: string) =>
    this.request<{ id: string; steps: Record<string, StepPoint[]> }>('GET', `/api/experiments/steps?id=${enc(id)}`)
  models = () => this.request<{ models: RegisteredModel[] }>('GET', '/api/models')
  setAlias = (name: string, alias: string, version: number) =>
    this.request<{ name: string; alias: string; version: number }>('PUT', `/api/models/${enc(name)}/aliases/${enc(alias)}`, { version })
  removeAlias = (name: string, alias: string) => this.request<void>('DELETE', `/api/models/${enc(name)}/aliases/${enc(alias)}`)
  cancelRun = (id: string) => this.request<{ run_id: string }>('POST', `/api/runs/${enc(id)}/cancel`)
  triggers = (pipeline: string) => this.request<TriggerList>('GET', `/api/pipelines/${enc(pipeline)}/triggers`)
  setTriggerEnabled = (pipeline: string, trigger: string, enabled: boolean) =>
    this.request<TriggerInfo>('PUT', `/api/pipelines/${enc(pipeline)}/triggers/${enc(trigger)}/enabled`, { enabled })
  retryRun = (id: string) => this.request<{ run_id: string }>('POST', `/api/runs/${enc(id)}/retry`)
  rerunRun = (id: string) => this.request<{ run_id: string }>('POST', `/api/runs/${enc(id)}/rerun`)

  output = (pipeline: string, block: string, offset = 0, limit = 100) =>
    this.request<Output>(
      'GET',
      `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/output?offset=${offset}&limit=${limit}`,
    )
  summary = (pipeline: string, block: string) =>
    this.request<FramePage>('GET', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/summary`)

  charts = (pipeline: string, block: string) =>
    this.request<{ charts: ChartSpec[] }>('GET', `/api/pipelines/${enc(pipeline)}/blocks/${enc(block)}/charts`).then(
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
    this.request<{ html: string }>('POST', '/api/markdown/render', { markdown }).then((r) => r.html)
  completions = () => this.request<{ items: Completion[] }>('GET', '/api/completions').then((r) => r.items ?? [])
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
