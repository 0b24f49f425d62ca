// Literal token text to JSON values: strings (JSON-escaped or triple-quoted), and integers,
// durations and sizes read from their raw digits, so an unsafe integer is caught before rounding.
import type { IToken } from 'chevrotain';
import { TripleString } from './tokens.js';

const DURATION_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_BYTES: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function stringValue(token: IToken): string {
  const image = token.image;
  if (token.tokenType === TripleString) return tripleQuoted(image);
  // The token pattern admits only valid JSON strings, so text without escapes is its own value.
  return image.includes('\\') ? (JSON.parse(image) as string) : image.slice(1, -1);
}

const BLANK = /^[ \t]*$/;
const INDENT = /^[ \t]*/;

/**
 * A raw triple-quoted string: line ends become \n (the value must not depend on the checkout),
 * a newline right after the opening quotes is dropped, blank lines become empty, and the
 * indentation common to the other lines is removed.
 */
export function tripleQuoted(image: string): string {
  let body = image.slice(3, -3).replace(/\r\n?/g, '\n');
  if (body.startsWith('\n')) body = body.slice(1);
  const lines = body.split('\n');
  let margin: string | undefined;
  for (const line of lines) {
    if (BLANK.test(line)) continue;
    const indent = (INDENT.exec(line) as RegExpExecArray)[0];
    margin = margin === undefined ? indent : commonPrefix(margin, indent);
  }
  const cut = margin?.length ?? 0;
  return lines.map((line) => (BLANK.test(line) ? '' : line.slice(cut))).join('\n');
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}

/**
 * An integer from its digits times a unit; undefined when the digits or the product are not a
 * safe integer. Digits up to 2^53 - 1 convert exactly and anything larger rounds to at least
 * 2^53, so the checks on the converted values are exact.
 */
function scaled(digits: string, unit: number): number | undefined {
  const n = Number(digits) * unit;
  if (!Number.isSafeInteger(n)) return undefined;
  return n === 0 ? 0 : n; // no -0 in the AST
}

/** The value of an Integer, Duration (ms) or Size (bytes) token; undefined when not a safe integer. */
export function integerValue(image: string): number | undefined {
  let end = image.length;
  while (end > 0 && !isDigit(image.charCodeAt(end - 1))) end--;
  if (end === image.length) return scaled(image, 1);
  const unit = image.slice(end);
  return scaled(image.slice(0, end), DURATION_MS[unit] ?? SIZE_BYTES[unit] ?? Number.NaN);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
