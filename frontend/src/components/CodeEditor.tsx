// CodeMirror 6 editor: Go or SQL (DuckDB) highlighting, line numbers, bracket matching, completion of
// the blocks/frame API in Go and of upstream tables, columns, variables and keywords in SQL,
// diagnostics underlined at their line, Shift+Enter to run and Mod-s to save.

import { useEffect, useRef } from 'react'
import { EditorState, Prec, Compartment } from '@codemirror/state'
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  drawSelection,
  highlightSpecialChars,
} from '@codemirror/view'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import {
  bracketMatching,
  indentOnInput,
  syntaxHighlighting,
  HighlightStyle,
  foldGutter,
  indentUnit,
} from '@codemirror/language'
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { setDiagnostics, lintGutter, type Diagnostic } from '@codemirror/lint'
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search'
import { go, goLanguage } from '@codemirror/lang-go'
import { tags as t } from '@lezer/highlight'
import { completionSource } from '../lib/completion'
import { sqlLanguage, type SqlScope } from '../lib/sqlcomplete'
import type { Completion, Problem } from '../lib/api'

const theme = EditorView.theme(
  {
    '&': { backgroundColor: '#0f1420', color: '#d6deeb', fontSize: '12.5px' },
    '.cm-content': { fontFamily: 'var(--mono)', caretColor: '#e2e8f0', padding: '6px 0' },
    '.cm-gutters': { backgroundColor: '#0b0f19', color: '#4b5563', border: 'none' },
    '.cm-activeLineGutter': { backgroundColor: '#151b2b', color: '#9ca3af' },
    '.cm-activeLine': { backgroundColor: '#151b2b80' },
    '&.cm-focused .cm-cursor': { borderLeftColor: '#e2e8f0' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
      backgroundColor: '#264f78 !important',
    },
    '.cm-matchingBracket': { backgroundColor: '#3b4252', outline: '1px solid #64748b' },
    '.cm-tooltip': { backgroundColor: '#1a2132', border: '1px solid #2d3648', color: '#d6deeb' },
    '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: '#2b3a55', color: '#fff' },
    '.cm-completionDetail': { color: '#8b95a7', marginLeft: '8px', fontStyle: 'normal' },
    '.cm-diagnostic-error': { borderLeft: '4px solid #ef4444' },
    '.cm-lintRange-error': {
      backgroundImage: 'none',
      textDecoration: 'underline wavy #ef4444',
      textUnderlineOffset: '3px',
    },
    '.cm-scroller': { lineHeight: '1.5' },
  },
  { dark: true },
)

const highlight = HighlightStyle.define([
  { tag: t.keyword, color: '#c792ea' },
  { tag: [t.controlKeyword, t.moduleKeyword, t.definitionKeyword], color: '#c792ea' },
  { tag: [t.string, t.special(t.string)], color: '#c3e88d' },
  { tag: [t.number, t.bool, t.null], color: '#f78c6c' },
  { tag: t.comment, color: '#637777', fontStyle: 'italic' },
  { tag: [t.typeName, t.className], color: '#ffcb6b' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: '#82aaff' },
  { tag: t.propertyName, color: '#9cdcfe' },
  { tag: t.definition(t.variableName), color: '#e2e8f0' },
  { tag: t.operator, color: '#89ddff' },
  { tag: t.special(t.name), color: '#f78c6c' }, // a SQL $variable
  { tag: t.standard(t.name), color: '#82aaff' }, // a SQL function (read_parquet, date_trunc)
  { tag: t.punctuation, color: '#a6accd' },
])

export interface CodeEditorProps {
  value: string
  language?: 'go' | 'sql' | 'text'
  /** What a SQL editor completes: upstream tables with their columns, and variables. */
  sqlScope?: SqlScope
  onChange?: (v: string) => void
  onSave?: () => void
  onRun?: () => void
  problems?: Problem[]
  completions?: Completion[]
  readOnly?: boolean
  minLines?: number
  testId?: string
}

const NO_SCOPE: SqlScope = { tables: [], variables: [] }

/** problemsToDiagnostics maps 1-based line/col positions to document ranges (the rest of the token or line). */
export function problemsToDiagnostics(state: EditorState, problems: Problem[]): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const p of problems) {
    const lineNo = Math.min(Math.max(p.line ?? 1, 1), state.doc.lines)
    const line = state.doc.line(lineNo)
    let from = line.from
    if (p.col && p.col > 1) from = Math.min(line.from + p.col - 1, line.to)
    // Skip leading indentation when the column is unknown.
    if (!p.col) from = line.from + (line.text.length - line.text.trimStart().length)
    let to = line.to
    if (from >= to) {
      from = line.from
      to = Math.max(line.to, line.from)
    }
    out.push({ from, to, severity: 'error', message: p.message })
  }
  return out
}

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const cbs = useRef(props)
  cbs.current = props
  const completions = useRef<Completion[]>(props.completions ?? [])
  completions.current = props.completions ?? []
  const ro = useRef(new Compartment())
  const scope = useRef<SqlScope>(props.sqlScope ?? NO_SCOPE)
  scope.current = props.sqlScope ?? NO_SCOPE

  useEffect(() => {
    const keys = Prec.highest(
      keymap.of([
        {
          key: 'Shift-Enter',
          run: () => {
            cbs.current.onRun?.()
            return !!cbs.current.onRun
          },
        },
        {
          key: 'Mod-s',
          preventDefault: true,
          run: () => {
            cbs.current.onSave?.()
            return true
          },
        },
      ]),
    )
    // Go files are indented with a tab (gofmt), shown four columns wide.
    const lang =
      props.language === 'text'
        ? []
        : props.language === 'sql'
          ? [sqlLanguage(() => scope.current)]
          : [
              go(),
              goLanguage.data.of({ autocomplete: completionSource(() => completions.current) }),
              indentUnit.of('\t'),
              EditorState.tabSize.of(4),
            ]
    const state = EditorState.create({
      doc: props.value,
      extensions: [
        keys,
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        foldGutter(),
        drawSelection(),
        history(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ activateOnTyping: true }),
        highlightActiveLine(),
        highlightSelectionMatches(),
        lintGutter(),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
        ...lang,
        syntaxHighlighting(highlight),
        theme,
        ro.current.of(EditorState.readOnly.of(!!props.readOnly)),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) cbs.current.onChange?.(u.state.doc.toString())
        }),
      ],
    })
    const v = new EditorView({ state, parent: host.current! })
    view.current = v
    return () => {
      v.destroy()
      view.current = null
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // External value (disk reload, take theirs): replace the document when it differs.
  useEffect(() => {
    const v = view.current
    if (!v) return
    const cur = v.state.doc.toString()
    if (cur !== props.value) {
      v.dispatch({ changes: { from: 0, to: cur.length, insert: props.value } })
    }
  }, [props.value])

  useEffect(() => {
    const v = view.current
    if (!v) return
    v.dispatch(setDiagnostics(v.state, problemsToDiagnostics(v.state, props.problems ?? [])))
  }, [props.problems, props.value])

  useEffect(() => {
    view.current?.dispatch({ effects: ro.current.reconfigure(EditorState.readOnly.of(!!props.readOnly)) })
  }, [props.readOnly])

  return (
    <div
      className="code-editor"
      data-testid={props.testId ?? 'code-editor'}
      ref={host}
      style={{ minHeight: props.minLines ? `${props.minLines * 19}px` : undefined }}
    />
  )
}
