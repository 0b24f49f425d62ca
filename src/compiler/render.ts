// Diagnostics as text (file:line:col, the source line, a caret underline, hints) or as JSON
// objects for tools. Rendering is separate from finding: diagnostics are data until here.
import type { Diagnostic, Hint, Span } from './diagnostics.js';
import { LineIndex } from './source-map.js';

const UNKNOWN_FILE = '<input>';

function location(span: Span): string {
  return `${span.start.line}:${span.start.col}`;
}

/**
 * A hint that refers to a place shows where it is: ` (at L:C)`, or ` (declared at L:C)` for a
 * did-you-mean, whose place is the declaration of the name suggested. It goes before the
 * message's closing `?`, `.` or `!`, or at its end, unless the message already names that
 * line:col itself.
 */
export function hintText(hint: Hint): string {
  if (!hint.span) return hint.message;
  const at = location(hint.span);
  if (hint.message.includes(at)) return hint.message;
  const suffix = /^did you mean\b/.test(hint.message) ? ` (declared at ${at})` : ` (at ${at})`;
  const end = /[?.!]$/.exec(hint.message);
  return end ? hint.message.slice(0, end.index) + suffix + end[0] : hint.message + suffix;
}

/** The underline: `^` under the span's first character, `~` under the rest of it on that line. */
function underline(lineText: string, span: Span): string {
  const startIndex = span.start.col - 1;
  // Tabs stay tabs so the caret lines up however wide the terminal draws them.
  const pad = lineText.slice(0, startIndex).replace(/[^\t]/g, ' ') + ' '.repeat(Math.max(0, startIndex - lineText.length));
  const lastCol = span.end.line === span.start.line ? span.end.col : lineText.length + 1;
  return pad + '^' + '~'.repeat(Math.max(0, lastCol - span.start.col - 1));
}

/** One diagnostic, without a trailing newline. The source line is shown when lines are given. */
export function renderDiagnostic(d: Diagnostic, lines?: LineIndex): string {
  const file = d.file ?? UNKNOWN_FILE;
  const where = d.span ? `${file}:${location(d.span)}` : file;
  const out = [`${where}: ${d.severity}: ${d.message} [${d.rule}]`];
  let gutter = ' ';
  if (d.span && lines) {
    const lineNumber = String(d.span.start.line);
    const text = lines.lineText(d.span.start.line);
    gutter = ' '.repeat(lineNumber.length);
    out.push(`${gutter} |`, `${lineNumber} |${text === '' ? '' : ' ' + text}`, `${gutter} | ${underline(text, d.span)}`);
  }
  for (const hint of d.hints) out.push(`${gutter} = hint: ${hintText(hint)}`);
  return out.join('\n');
}

/** One file's diagnostics, separated by blank lines; source is that file's text or its line index. */
export function renderText(diagnostics: readonly Diagnostic[], source?: string | LineIndex): string {
  const lines = typeof source === 'string' ? new LineIndex(source) : source;
  return diagnostics.map((d) => renderDiagnostic(d, lines)).join('\n\n');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `2 errors, 1 warning`; `no problems` when there are none. */
export function renderSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors > 0) parts.push(count(errors, 'error'));
  if (warnings > 0) parts.push(count(warnings, 'warning'));
  return parts.length > 0 ? parts.join(', ') : 'no problems';
}

export interface JsonPosition {
  line: number;
  col: number;
}

export interface JsonHint {
  message: string;
  start?: JsonPosition;
  end?: JsonPosition;
}

/** A diagnostic as `--format json` prints it; start and end are absent when it has no span. */
export interface JsonDiagnostic {
  file: string;
  severity: Diagnostic['severity'];
  rule: string;
  message: string;
  pointer: string;
  start?: JsonPosition;
  end?: JsonPosition;
  hints: JsonHint[];
}

function positions(span: Span | undefined): { start?: JsonPosition; end?: JsonPosition } {
  if (!span) return {};
  return { start: { line: span.start.line, col: span.start.col }, end: { line: span.end.line, col: span.end.col } };
}

/** The diagnostics as plain objects, keys always in the documented order. */
export function jsonDiagnostics(diagnostics: readonly Diagnostic[]): JsonDiagnostic[] {
  return diagnostics.map((d) => {
    const { start, end } = positions(d.span);
    return {
      file: d.file ?? UNKNOWN_FILE,
      severity: d.severity,
      rule: d.rule,
      message: d.message,
      pointer: d.pointer,
      ...(start && { start, end }),
      hints: d.hints.map((h) => ({ message: h.message, ...positions(h.span) })),
    };
  });
}

/** `--format json`: the array of jsonDiagnostics, indented. */
export function renderJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify(jsonDiagnostics(diagnostics), null, 2);
}
