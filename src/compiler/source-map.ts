// A front end's map from AST JSON pointers to source spans. The DSL fills it from its tokens,
// the JSON front end from its position-keeping parse tree; checks only ever see pointers.
import type { Span } from './diagnostics.js';
import { parent } from './pointer.js';

/** Spans are stored as one number, start * SPAN_SCALE + length: no objects per node, little garbage. */
const SPAN_SCALE = 2 ** 21;

function pack(start: number, end: number): number {
  return start * SPAN_SCALE + Math.min(Math.max(end - start, 0), SPAN_SCALE - 1);
}

export class SourceMap {
  private readonly values = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private index: LineIndex | undefined;

  constructor(readonly file: string, readonly text: string) {}

  /** The line index of the text, built on first use: most compiles never need a line number. */
  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }

  /** The span of the offsets [start, end). */
  span(start: number, end: number): Span {
    return this.lines.span(start, end);
  }

  /** Records the source range of the value at pointer. */
  setValue(pointer: string, start: number, end: number): void {
    this.values.set(pointer, pack(start, end));
  }

  /** Records the source range of the key (or keyword) that introduces the property at pointer. */
  setKey(pointer: string, start: number, end: number): void {
    this.keys.set(pointer, pack(start, end));
  }

  /**
   * The span of the node at pointer (or its key, when atKey), else of the nearest ancestor
   * that has one. Undefined only when nothing on the way up was recorded.
   */
  locate(pointer: string, atKey = false): Span | undefined {
    const packed = this.find(pointer, atKey);
    if (packed === undefined) return undefined;
    const start = Math.floor(packed / SPAN_SCALE);
    return this.span(start, start + (packed % SPAN_SCALE));
  }

  private find(pointer: string, atKey: boolean): number | undefined {
    if (atKey) {
      const k = this.keys.get(pointer);
      if (k !== undefined) return k;
    }
    let p = pointer;
    for (;;) {
      const v = this.values.get(p) ?? this.keys.get(p);
      if (v !== undefined) return v;
      if (p === '') return undefined;
      p = parent(p);
    }
  }

  get size(): number {
    return this.values.size;
  }
}

/** Offsets to 1-based line:col, by binary search over line starts. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; col: number; offset: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: o - (this.starts[lo] as number) + 1, offset: o };
  }

  span(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(end) };
  }

  /** The text of a 1-based line, without its terminator. */
  lineText(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line] ?? this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}
