// The JSON front end: strict JSON text to the workflow AST (unvalidated) plus its source map.
// A nesting pre-scan runs first, so hostile depth is a diagnostic, never a stack overflow.
import { diagnostic, type Diagnostic, type Span } from '../diagnostics.js';
import type { FrontEndResult } from '../front-end.js';
import { MAX_JSON_DEPTH } from '../limits.js';
import { SourceMap, type LineIndex } from '../source-map.js';
import { buildJson, type RawSyntaxError } from './build.js';
import { findTooDeep } from './depth.js';
import { syntaxMessage, TRAILING_COMMA_MESSAGE } from './syntax-errors.js';

const VALUE_EXPECTED = 4;
const PROPERTY_NAME_EXPECTED = 3;

function tooDeep(offset: number, lines: LineIndex): Diagnostic {
  return diagnostic('nesting-too-deep', {
    pointer: '',
    span: lines.span(offset, offset + 1),
    message: `arrays and objects nest more than ${MAX_JSON_DEPTH} levels deep`,
    params: { limit: MAX_JSON_DEPTH },
  });
}

/** The offset of the comma before a closing bracket at offset, if that is what precedes it. */
function trailingComma(text: string, offset: number): number | undefined {
  const c = text[offset];
  if (c !== '}' && c !== ']') return undefined;
  let i = offset - 1;
  while (i >= 0 && ' \t\r\n'.includes(text[i] as string)) i--;
  return text[i] === ',' ? i : undefined;
}

function syntaxDiagnostic(error: RawSyntaxError, text: string, lines: LineIndex): Diagnostic {
  const offset = error.start.offset;
  if (error.code === VALUE_EXPECTED || error.code === PROPERTY_NAME_EXPECTED) {
    const comma = trailingComma(text, offset);
    if (comma !== undefined) return diagnostic('syntax-error', { pointer: '', span: lines.span(comma, comma + 1), message: TRAILING_COMMA_MESSAGE });
  }
  // A block comment token may span lines, so the end goes through the line index.
  const span: Span = { start: error.start, end: lines.position(offset + error.length) };
  return diagnostic('syntax-error', { pointer: '', span, message: syntaxMessage(error.code, text.slice(offset, offset + error.length)) });
}

/** One diagnostic per offset: after an error the parser's recovery can report the same place again. */
function syntaxDiagnostics(errors: RawSyntaxError[], text: string, map: SourceMap): Diagnostic[] {
  if (errors.length === 0) return [];
  const lines = map.lines;
  const seen = new Set<number>();
  const out: Diagnostic[] = [];
  for (const error of errors) {
    if (seen.has(error.start.offset)) continue;
    seen.add(error.start.offset);
    out.push(syntaxDiagnostic(error, text, lines));
  }
  return out;
}

/**
 * Parses a JSON workflow. A leading byte-order mark is read as whitespace (offsets still count
 * it), although decodeSource normally removes it before this point.
 */
export function parseJsonWorkflow(text: string, file: string): FrontEndResult {
  const map = new SourceMap(file, text);
  const deep = findTooDeep(text, MAX_JSON_DEPTH);
  if (deep !== undefined) return { ast: undefined, map, diagnostics: [tooDeep(deep, map.lines)] };
  const parsed = buildJson(text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text, map);
  return { ast: parsed.ast, map, diagnostics: [...syntaxDiagnostics(parsed.syntaxErrors, text, map), ...parsed.diagnostics] };
}
