// Source ranges straight from the lexer's token offsets and the parser's node locations.
// Tokens carry offsets only (line and column are computed on demand from a LineIndex, for the
// few spans a diagnostic needs). Anything error recovery inserted has no position.
import type { CstNode, IToken } from 'chevrotain';

export type Located = IToken | CstNode;

function isToken(x: Located): x is IToken {
  return 'image' in x;
}

/** The offset of x's first character, or NaN when it has none. */
export function startOffset(x: Located | undefined): number {
  if (!x) return Number.NaN;
  return isToken(x) ? x.startOffset : (x.location?.startOffset ?? Number.NaN);
}

/** The offset just past x's last character, or NaN when it has none. */
export function endOffset(x: Located | undefined): number {
  if (!x) return Number.NaN;
  const end = isToken(x) ? x.endOffset : x.location?.endOffset;
  return end === undefined ? Number.NaN : end + 1;
}
