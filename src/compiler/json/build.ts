// One pass of jsonc-parser's visitor builds the AST as plain JSON and fills the source map: the
// span of every value and of every property key, by JSON pointer. Duplicate keys and numbers
// that JSON.parse would silently round are reported here, where the raw text is at hand.
import { visit } from 'jsonc-parser';
import { diagnostic, type Diagnostic, type Position, type Span } from '../diagnostics.js';
import { escapeToken } from '../pointer.js';
import type { SourceMap } from '../source-map.js';

type JsonObject = Record<string, unknown>;

interface Frame {
  pointer: string;
  start: number;
  array: unknown[] | undefined;
  object: JsonObject | undefined;
  /** The key whose value comes next, and that value's pointer (objects only). */
  key: string;
  keyPointer: string;
}

/** A syntax error as jsonc-parser reports it, turned into a diagnostic once parsing is done. */
export interface RawSyntaxError {
  code: number;
  start: Position;
  length: number;
}

export interface BuildResult {
  ast: unknown;
  syntaxErrors: RawSyntaxError[];
  diagnostics: Diagnostic[];
}

function position(offset: number, line: number, character: number): Position {
  return { line: line + 1, col: character + 1, offset };
}

/**
 * Tokens (strings, numbers, keywords, brackets) of valid JSON never span lines, so the end is on
 * the start line. (A string continued by an escaped line break is already a syntax error.)
 */
function tokenSpan(offset: number, length: number, line: number, character: number): Span {
  return { start: position(offset, line, character), end: position(offset + length, line, character + length) };
}

function pointerToken(key: string): string {
  return key.includes('~') || key.includes('/') ? escapeToken(key) : key;
}

/** Sets a property as an own data property: assigning `__proto__` would replace the prototype. */
function setProperty(object: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/** Only numbers that are not safe integers have their raw text sliced: the common case stays cheap. */
function checkNumber(value: number, raw: () => string, pointer: string, spanOf: () => Span): Diagnostic | undefined {
  if (Number.isSafeInteger(value)) return undefined;
  const span = spanOf();
  const text = raw();
  if (!Number.isFinite(value)) {
    return diagnostic('unsafe-integer', { pointer, span, message: `number ${text} is too large to represent`, params: { raw: text } });
  }
  // A finite value that is not a safe integer is either a fraction or beyond 2^53; only an
  // integer literal there was rounded. A decimal like 1e20 says what it means.
  if (!Number.isInteger(value) || /[.eE]/.test(text)) return undefined;
  return diagnostic('unsafe-integer', {
    pointer,
    span,
    message: `integer ${text} is not a safe integer (beyond ±${Number.MAX_SAFE_INTEGER}, it would be rounded to ${value})`,
    params: { raw: text },
  });
}

export function buildJson(text: string, map: SourceMap): BuildResult {
  const stack: Frame[] = [];
  const syntaxErrors: RawSyntaxError[] = [];
  const diagnostics: Diagnostic[] = [];
  let ast: unknown;

  /** Places a value in its parent and returns its pointer. */
  function place(value: unknown): string {
    const parent = stack[stack.length - 1];
    if (!parent) {
      ast = value;
      return '';
    }
    if (parent.array) {
      const pointer = `${parent.pointer}/${parent.array.length}`;
      parent.array.push(value);
      return pointer;
    }
    setProperty(parent.object as JsonObject, parent.key, value);
    return parent.keyPointer;
  }

  function begin(array: unknown[] | undefined, object: JsonObject | undefined, offset: number): void {
    const pointer = place(array ?? object);
    stack.push({ pointer, start: offset, array, object, key: '', keyPointer: '' });
  }

  function end(offset: number, length: number): void {
    const frame = stack.pop() as Frame;
    map.setValue(frame.pointer, frame.start, offset + length);
    map.setNode((frame.array ?? frame.object) as object, frame.start, offset + length);
  }

  visit(
    text,
    {
      onObjectBegin: (offset) => begin(undefined, {}, offset),
      onArrayBegin: (offset) => begin([], undefined, offset),
      onObjectEnd: end,
      onArrayEnd: end,
      onObjectProperty: (key, offset, length, line, character) => {
        const frame = stack[stack.length - 1] as Frame;
        const pointer = `${frame.pointer}/${pointerToken(key)}`;
        frame.key = key;
        frame.keyPointer = pointer;
        if (Object.prototype.hasOwnProperty.call(frame.object, key)) {
          const span = tokenSpan(offset, length, line, character);
          const first = map.locate(pointer, true) as Span;
          diagnostics.push(
            diagnostic('duplicate-key', {
              pointer,
              atKey: true,
              span,
              message: `duplicate key ${JSON.stringify(key)}`,
              hints: [{ message: `first defined at ${first.start.line}:${first.start.col}`, span: first }],
              params: { key },
            }),
          );
        }
        map.setKey(pointer, offset, offset + length);
      },
      onLiteralValue: (value: unknown, offset, length, line, character) => {
        const pointer = place(value);
        map.setValue(pointer, offset, offset + length);
        if (typeof value === 'number') {
          const problem = checkNumber(value, () => text.slice(offset, offset + length), pointer, () => tokenSpan(offset, length, line, character));
          if (problem) diagnostics.push(problem);
        }
      },
      onError: (code, offset, length) => {
        // jsonc-parser's own line count can lag inside an unterminated block comment, so an
        // error's position comes from the text itself.
        syntaxErrors.push({ code, start: map.lines.position(offset), length });
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return { ast, syntaxErrors, diagnostics };
}
