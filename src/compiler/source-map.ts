// A front end's map from AST JSON pointers to source spans. The DSL fills it from its tokens,
// the JSON front end from its position-keeping parse tree; checks only ever see pointers.
import type { Position, Span } from './diagnostics.js';
import { parent } from './pointer.js';

/** Spans are stored as one number, start * SPAN_SCALE + length: no objects per node, little garbage. */
const SPAN_SCALE = 2 ** 21;

function pack(start: number, end: number): number {
  return start * SPAN_SCALE + Math.min(Math.max(end - start, 0), SPAN_SCALE - 1);
}

/**
 * Ranges by pointer are recorded into flat arrays and indexed only when a diagnostic first asks
 * for one: a clean compile never hashes a pointer. Statements and blocks are also recorded by
 * object identity, which is what the emitter's line table reads.
 */
export class SourceMap {
  private readonly valuePointers: string[] = [];
  private readonly valueRanges: number[] = [];
  private readonly keyPointers: string[] = [];
  private readonly keyRanges: number[] = [];
  private readonly nodes = new Map<object, number>();
  private values: Map<string, number> | undefined;
  private keys: Map<string, number> | undefined;
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

  /** Records the source range of the value at pointer; a later record for one pointer wins. */
  setValue(pointer: string, start: number, end: number): void {
    this.valuePointers.push(pointer);
    this.valueRanges.push(pack(start, end));
    this.values = undefined;
  }

  /** Records the source range of the key (or keyword) that introduces the property at pointer. */
  setKey(pointer: string, start: number, end: number): void {
    this.keyPointers.push(pointer);
    this.keyRanges.push(pack(start, end));
    this.keys = undefined;
  }

  /** Records the source range of an AST object (a statement or a block). */
  setNode(node: object, start: number, end: number): void {
    this.nodes.set(node, pack(start, end));
  }

  /** Where an AST object recorded with setNode starts (the emitter's line table needs no end). */
  nodeStart(node: object): Position | undefined {
    const packed = this.nodes.get(node);
    return packed === undefined ? undefined : this.lines.position(Math.floor(packed / SPAN_SCALE));
  }

  /**
   * The span of the node at pointer (or its key, when atKey), else of the nearest ancestor
   * that has one. Undefined only when nothing on the way up was recorded.
   */
  locate(pointer: string, atKey = false): Span | undefined {
    const packed = this.find(pointer, atKey);
    return packed === undefined ? undefined : this.unpack(packed);
  }

  private unpack(packed: number): Span {
    const start = Math.floor(packed / SPAN_SCALE);
    return this.span(start, start + (packed % SPAN_SCALE));
  }

  private find(pointer: string, atKey: boolean): number | undefined {
    const values = (this.values ??= indexed(this.valuePointers, this.valueRanges));
    const keys = (this.keys ??= indexed(this.keyPointers, this.keyRanges));
    if (atKey) {
      const k = keys.get(pointer);
      if (k !== undefined) return k;
    }
    let p = pointer;
    for (;;) {
      const v = values.get(p) ?? keys.get(p);
      if (v !== undefined) return v;
      if (p === '') return undefined;
      p = parent(p);
    }
  }
}

function indexed(pointers: readonly string[], ranges: readonly number[]): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i < pointers.length; i++) map.set(pointers[i] as string, ranges[i] as number);
  return map;
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
