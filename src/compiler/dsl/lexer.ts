// Text to tokens: one lexer instance, built once. Tokens keep full positions: the parser's
// node locations need end offsets, and a token span then needs no line lookup.
import { Lexer, type ILexingError, type IToken } from 'chevrotain';
import { LEXER_TOKENS } from './tokens.js';

const lexer = new Lexer(LEXER_TOKENS, {
  positionTracking: 'full',
  // Fail at load, not silently at run time, if a pattern defeats the first-character optimisation.
  ensureOptimizations: true,
});

export interface LexResult {
  tokens: IToken[];
  errors: ILexingError[];
}

export function lex(text: string): LexResult {
  const { tokens, errors } = lexer.tokenize(text);
  return { tokens, errors };
}
