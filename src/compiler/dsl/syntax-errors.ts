// Lexer and parser errors as syntax-error diagnostics, located at the offending text. A parser
// error at a malformed token is dropped: the pre-scan already said what is wrong with it.
import { EOF, type ILexingError, type IRecognitionException } from 'chevrotain';
import { diagnostic, type Diagnostic, type Span } from '../diagnostics.js';
import type { SourceMap } from '../source-map.js';
import { INVALID_TOKENS } from './tokens.js';

export function lexingDiagnostics(errors: readonly ILexingError[], map: SourceMap): Diagnostic[] {
  return errors.map((e) => {
    const skipped = map.text.slice(e.offset, e.offset + e.length);
    const what = skipped.length === 1 ? 'character' : 'characters';
    const span: Span = map.span(e.offset, e.offset + e.length);
    return diagnostic('syntax-error', {
      pointer: '',
      span,
      message: `unexpected ${what} ${JSON.stringify(skipped.length > 40 ? `${skipped.slice(0, 40)}...` : skipped)}`,
    });
  });
}

export function parserDiagnostics(errors: readonly IRecognitionException[], map: SourceMap): Diagnostic[] {
  const text = map.text;
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
    out.push(diagnostic('syntax-error', { pointer: '', span: map.span(start, atEnd ? start : (token.endOffset ?? start) + 1), message: e.message }));
  }
  return out;
}
