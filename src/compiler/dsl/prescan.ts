// A flat pass over the tokens before the recursive parser runs: bracket nesting beyond
// MAX_NESTING stops the parse (a stack overflow must never be the answer to deep input), and
// malformed tokens are reported with a message of their own.
import type { IToken, TokenType } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { MAX_NESTING } from '../limits.js';
import type { SourceMap } from '../source-map.js';
import { INVALID_TOKENS, K, LCurly, LParen, LSquare, RCurly, RParen, RSquare } from './tokens.js';

export interface PrescanResult {
  diagnostics: Diagnostic[];
  /** Nesting went past the limit: the caller must not parse. */
  tooDeep: boolean;
  /** Token indices of the declaration keywords that stand outside every bracket, in order. */
  declarations: number[];
}

/** Keywords that open a top-level declaration (outside brackets they mean nothing else but `main supervisor`). */
const DECLARATION_KEYWORDS: ReadonlySet<TokenType> = new Set([K.model, K.tool, K.artifact, K.agent, K.task, K.supervisor, K.retry, K.main]);

export function prescan(tokens: readonly IToken[], map: SourceMap): PrescanResult {
  const spanOf = (token: IToken) => map.span(token.startOffset, (token.endOffset ?? token.startOffset) + 1);
  const diagnostics: Diagnostic[] = [];
  const declarations: number[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as IToken;
    const type = token.tokenType;
    // `main supervisor NAME {` is the one place a declaration keyword continues a declaration.
    if (depth === 0 && DECLARATION_KEYWORDS.has(type) && !(type === K.supervisor && tokens[i - 1]?.tokenType === K.main)) declarations.push(i);
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
        return { diagnostics, tooDeep: true, declarations };
      }
    } else if (type === RCurly || type === RParen || type === RSquare) {
      // An unmatched closer is the parser's to report; it must not hide later nesting.
      if (depth > 0) depth--;
    } else {
      const why = INVALID_TOKENS.get(type);
      if (why) diagnostics.push(diagnostic('syntax-error', { pointer: '', span: spanOf(token), message: why(token.image) }));
    }
  }
  return { diagnostics, tooDeep: false, declarations };
}
