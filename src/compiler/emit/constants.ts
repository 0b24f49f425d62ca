// The constant pool: each distinct value once, keyed by its canonical JSON, in order of first
// use, so the same AST always gives the same pool.
import type { JsonValue } from '../../bytecode/format.js';
import { canonicalJson } from '../../bytecode/hash.js';

function keyOf(value: JsonValue): string {
  // A scalar's canonical form is its JSON.stringify text; only containers need sorting.
  return typeof value === 'object' && value !== null ? canonicalJson(value) : JSON.stringify(value);
}

export class ConstantPool {
  readonly values: JsonValue[] = [];
  /** The canonical JSON text of each value, by index: the code hash reuses them. */
  readonly texts: string[] = [];
  private readonly indices = new Map<string, number>();

  add(value: JsonValue): number {
    const key = keyOf(value);
    let index = this.indices.get(key);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.texts.push(key);
      this.indices.set(key, index);
    }
    return index;
  }
}
