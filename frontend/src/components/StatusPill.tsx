export function StatusPill({ status, testId }: { status?: string | null; testId?: string }) {
  const s = status || 'idle'
  return (
    <span className={`pill pill-${s}`} data-testid={testId ?? 'status'} data-status={s}>
      {s === 'running' && <span className="spinner" />}
      {s}
    </span>
  )
}
