// Source positions straight from the lexer's tokens and the parser's node locations, which both
// record line and column: a span costs no line lookup. Anything error recovery inserted has no
// position and yields none.
import type { CstNode, IToken } from 'chevrotain';
import type { Position, Span } from '../diagnostics.js';

export type Located = IToken | CstNode;

function isToken(x: Located): x is IToken {
  return 'image' in x;
}

export function startOf(x: Located | undefined): Position | undefined {
  if (!x) return undefined;
  const { startOffset, startLine, startColumn } = isToken(x) ? x : (x.location ?? { startOffset: Number.NaN });
  if (Number.isNaN(startOffset) || startLine === undefined || startColumn === undefined || Number.isNaN(startLine)) return undefined;
  return { line: startLine, col: startColumn, offset: startOffset };
}

/** The position just past x's last character. */
export function endOf(x: Located | undefined): Position | undefined {
  if (!x) return undefined;
  const token = isToken(x);
  const { endLine, endColumn, endOffset } = token ? x : (x.location ?? {});
  if (endLine === undefined || endColumn === undefined || endOffset === undefined || Number.isNaN(endOffset)) return undefined;
  return { line: endLine, col: endColumn + 1, offset: endOffset + 1 };
}

/** From the start of `from` to the end of `to`. */
export function spanOf(from: Located | undefined, to: Located | undefined = from): Span | undefined {
  const start = startOf(from);
  const end = start && endOf(to);
  return end ? { start, end } : undefined;
}
