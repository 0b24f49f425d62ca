// Lexer and parser errors as syntax-error diagnostics, located at the offending text. A parser
// error at a malformed token is dropped: the pre-scan already said what is wrong with it.
import { EOF, type ILexingError, type IRecognitionException } from 'chevrotain';
import { diagnostic, type Diagnostic, type Span } from '../diagnostics.js';
import { LineIndex } from '../source-map.js';
import { spanOf } from './positions.js';
import { INVALID_TOKENS } from './tokens.js';

export function lexingDiagnostics(errors: readonly ILexingError[], text: string): Diagnostic[] {
  return errors.map((e) => {
    const skipped = text.slice(e.offset, e.offset + e.length);
    const what = skipped.length === 1 ? 'character' : 'characters';
    // Skipped text never holds a line break (whitespace is a token), so it ends on its line.
    const line = e.line ?? 1;
    const col = e.column ?? 1;
    const span: Span = { start: { line, col, offset: e.offset }, end: { line, col: col + e.length, offset: e.offset + e.length } };
    return diagnostic('syntax-error', {
      pointer: '',
      span,
      message: `unexpected ${what} ${JSON.stringify(skipped.length > 40 ? `${skipped.slice(0, 40)}...` : skipped)}`,
    });
  });
}

/** The empty span at the end of the text, for "found the end of the file". */
function endOfText(text: string): Span {
  const end = new LineIndex(text).position(text.length);
  return { start: end, end };
}

export function parserDiagnostics(errors: readonly IRecognitionException[], text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const e of errors) {
    const token = e.token;
    if (INVALID_TOKENS.has(token.tokenType)) continue;
    const atEnd = token.tokenType === EOF || Number.isNaN(token.startOffset);
    const start = atEnd ? text.length : token.startOffset;
    // Recovery can fail more than once at one token; the first message says it.
    if (seen.has(start)) continue;
    seen.add(start);
    out.push(diagnostic('syntax-error', { pointer: '', span: atEnd ? endOfText(text) : spanOf(token), message: e.message }));
  }
  return out;
}
