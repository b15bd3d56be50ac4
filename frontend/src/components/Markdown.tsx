import { useEffect, useState } from 'react'
import { api, errorText } from '../lib/api'
import { sanitizeHTML } from '../lib/sanitize'

/**
 * Markdown renders through the server (goldmark + an allow-list sanitiser) and
 * passes DOMPurify before it is inserted: the page never inserts unsanitised HTML.
 */
export function Markdown({ source, testId = 'markdown' }: { source: string; testId?: string }) {
  const [html, setHtml] = useState<string>('')
  const [err, setErr] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    const t = setTimeout(() => {
      api
        .renderMarkdown(source)
        .then((h) => {
          if (live) {
            setHtml(sanitizeHTML(h))
            setErr(null)
          }
        })
        .catch((e) => live && setErr(errorText(e)))
    }, 150)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [source])
  if (err) return <div className="banner error">{err}</div>
  if (!source.trim()) return <div className="muted small pad">Empty markdown: double-click to edit.</div>
  return <div className="markdown" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />
}
