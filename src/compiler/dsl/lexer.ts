// Text to tokens: one lexer instance, built once. Tokens keep offsets only; the few spans a
// diagnostic needs get their lines and columns from the source map's line index.
import { Lexer, type ILexingError, type IToken } from 'chevrotain';
import { Identifier, LEXER_TOKENS, WORD_TOKENS } from './tokens.js';

const lexer = new Lexer(LEXER_TOKENS, {
  positionTracking: 'onlyOffset',
  // Fail at load, not silently at run time, if a pattern defeats the first-character optimisation.
  ensureOptimizations: true,
});

export interface LexResult {
  tokens: IToken[];
  errors: ILexingError[];
}

export function lex(text: string): LexResult {
  const { tokens, errors } = lexer.tokenize(text);
  // Offset-only tracking skips line counting but also end offsets, which node locations and
  // spans need; no token spans lines except strings, whose image holds them, so this is exact.
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as IToken;
    token.endOffset = token.startOffset + token.image.length - 1;
    if (token.tokenType === Identifier) {
      const word = WORD_TOKENS.get(token.image);
      if (word) {
        token.tokenType = word;
        token.tokenTypeIdx = word.tokenTypeIdx as number;
      }
    }
  }
  return { tokens, errors };
}
