// A flat pass over the tokens before the recursive parser runs: bracket nesting beyond
// MAX_NESTING stops the parse (a stack overflow must never be the answer to deep input), and
// malformed tokens are reported with a message of their own.
import type { IToken } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { MAX_NESTING } from '../limits.js';
import type { SourceMap } from '../source-map.js';
import { INVALID_TOKENS, LCurly, LParen, LSquare, RCurly, RParen, RSquare } from './tokens.js';

export interface PrescanResult {
  diagnostics: Diagnostic[];
  /** Nesting went past the limit: the caller must not parse. */
  tooDeep: boolean;
}

export function prescan(tokens: readonly IToken[], map: SourceMap): PrescanResult {
  const spanOf = (token: IToken) => map.span(token.startOffset, (token.endOffset ?? token.startOffset) + 1);
  const diagnostics: Diagnostic[] = [];
  let depth = 0;
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === LCurly || type === LParen || type === LSquare) {
      depth++;
      if (depth > MAX_NESTING) {
        diagnostics.push(
          diagnostic('nesting-too-deep', {
            pointer: '',
            span: spanOf(token),
            message: `blocks, brackets and parentheses nest more than ${MAX_NESTING} deep here`,
            params: { limit: MAX_NESTING },
          }),
        );
        return { diagnostics, tooDeep: true };
      }
    } else if (type === RCurly || type === RParen || type === RSquare) {
      // An unmatched closer is the parser's to report; it must not hide later nesting.
      if (depth > 0) depth--;
    } else {
      const why = INVALID_TOKENS.get(type);
      if (why) diagnostics.push(diagnostic('syntax-error', { pointer: '', span: spanOf(token), message: why(token.image) }));
    }
  }
  return { diagnostics, tooDeep: false };
}
