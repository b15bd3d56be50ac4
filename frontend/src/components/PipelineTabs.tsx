import { href } from '../lib/hooks'

export type PipelineTab = 'notebook' | 'dag' | 'triggers' | 'runs'

/** PipelineTabs are the pipeline's views, the same on every page about one pipeline. */
export function PipelineTabs({ name, active }: { name: string; active: PipelineTab | null }) {
  const tabs: [PipelineTab, string, string][] = [
    ['notebook', 'Notebook', href({ page: 'pipeline', name, view: 'notebook' })],
    ['dag', 'DAG', href({ page: 'pipeline', name, view: 'dag' })],
    ['triggers', 'Triggers', href({ page: 'triggers', name })],
    ['runs', 'Runs', href({ page: 'runs', pipeline: name })],
  ]
  return (
    <nav className="tabs">
      {tabs.map(([id, label, to]) => (
        <a key={id} className={`tab${active === id ? ' active' : ''}`} href={to} data-testid={`tab-${id}`}>
          {label}
        </a>
      ))}
    </nav>
  )
}
