// The state of one CST → AST conversion: the source map it fills, the diagnostics it finds, and
// the current nesting depth. Also turns tokens into values, checking numbers on their raw text.
import type { IToken } from 'chevrotain';
import { diagnostic, type Diagnostic, type DiagnosticInit } from '../diagnostics.js';
import { MAX_NESTING } from '../limits.js';
import type { RuleId } from '../rules.js';
import type { SourceMap } from '../source-map.js';
import { integerValue, stringValue } from './literals.js';
import { endOffset, startOffset, type Located } from './positions.js';
import { Decimal, DoubleString, Integer, K, TripleString } from './tokens.js';

export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  /**
   * Open blocks, brackets and parentheses, plus `not`s and `else if`s, which nest in the AST
   * without brackets. The pre-scan bounds brackets; the builder bounds the rest.
   */
  depth = 0;

  constructor(readonly map: SourceMap) {}

  /** Records the range of the value at pointer: one token or CST node, or `from` through `to`. */
  at(pointer: string, from: Located | undefined, to: Located | undefined = from): void {
    const start = startOffset(from);
    const end = endOffset(to);
    if (!Number.isNaN(start) && !Number.isNaN(end)) this.map.setValue(pointer, start, end);
  }

  /**
   * Records a statement or block: its range at pointer, and by identity for the emitter's line
   * table.
   */
  atNode(pointer: string, node: object, from: Located | undefined): void {
    const start = startOffset(from);
    const end = endOffset(from);
    if (Number.isNaN(start) || Number.isNaN(end)) return;
    this.map.setValue(pointer, start, end);
    this.map.setNode(node, start, end);
  }

  /** Records the keyword that introduces the property at pointer; returns the pointer. */
  keyAt(pointer: string, keyword: IToken | undefined): string {
    if (keyword && !Number.isNaN(keyword.startOffset)) this.map.setKey(pointer, keyword.startOffset, endOffset(keyword));
    return pointer;
  }

  /** A diagnostic at pointer, located at the token when it has a position. */
  report(rule: RuleId, message: string, pointer: string, at: IToken | undefined, extra?: Pick<DiagnosticInit, 'params' | 'hints'>): void {
    const start = startOffset(at);
    const span = Number.isNaN(start) ? undefined : this.map.span(start, endOffset(at));
    this.diagnostics.push(diagnostic(rule, { message, pointer, ...(span ? { span } : {}), ...extra }));
  }

  /**
   * Enters one nesting level (a bracket, a `not`, an `else if`). False, reported at the token,
   * when that goes past the limit: the caller then builds nothing below. Always pair with leave().
   */
  enter(at: IToken | undefined): boolean {
    this.depth++;
    if (this.depth <= MAX_NESTING) return true;
    this.report('nesting-too-deep', `blocks, brackets, \`not\`s and \`else if\`s nest more than ${MAX_NESTING} deep here`, '', at, {
      params: { limit: MAX_NESTING },
    });
    return false;
  }

  leave(levels = 1): void {
    this.depth -= levels;
  }

  // ---- Values. Each records its span at pointer; a missing token (recovery) gives a placeholder.

  name(token: IToken | undefined, pointer: string): string {
    this.at(pointer, token);
    return token?.image ?? '';
  }

  string(token: IToken | undefined, pointer: string): string {
    this.at(pointer, token);
    return token && isString(token) ? stringValue(token) : '';
  }

  /** An Integer, Duration or Size token, in ms or bytes; an unsafe value is reported. */
  integer(token: IToken | undefined, pointer: string): number {
    this.at(pointer, token);
    if (!token?.image) return 0;
    const value = integerValue(token.image);
    if (value !== undefined) return value;
    const unit = token.tokenType === Integer ? '' : ' once converted to milliseconds or bytes';
    this.report('unsafe-integer', `${token.image} is not a safe integer${unit}: the limit is ${Number.MAX_SAFE_INTEGER}`, pointer, token);
    return Number(token.image.replace(/[a-z]+$/, ''));
  }

  /** A literal token of an expression or JSON value. */
  literal(token: IToken, pointer: string): string | number | boolean | null {
    const type = token.tokenType;
    if (type === DoubleString || type === TripleString) return this.string(token, pointer);
    if (type === Integer) return this.integer(token, pointer);
    this.at(pointer, token);
    if (type === Decimal) return this.decimal(token, pointer);
    if (type === K.true) return true;
    if (type === K.false) return false;
    return null;
  }

  private decimal(token: IToken, pointer: string): number {
    const value = Number(token.image);
    if (Number.isFinite(value)) return value;
    this.report('syntax-error', `${token.image} is too large to be a number`, pointer, token);
    return 0;
  }
}

function isString(token: IToken): boolean {
  return token.tokenType === DoubleString || token.tokenType === TripleString;
}
