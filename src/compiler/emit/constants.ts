// The constant pool: each distinct value once, keyed by its canonical JSON, in order of first
// use, so the same AST always gives the same pool.
import type { JsonValue } from '../../bytecode/format.js';
import { canonicalJson } from '../../bytecode/canonical.js';

type Scalar = string | number | boolean | null;

export class ConstantPool {
  readonly values: JsonValue[] = [];
  /** The canonical JSON text of each value, by index: the code hash reuses them. */
  readonly texts: string[] = [];
  /**
   * Scalars by value (a Map key is a scalar's identity, and 0 and -0 share one as they share
   * one JSON text), so the common case never builds a text just to look it up; containers by
   * canonical JSON, which can never equal a scalar's text.
   */
  private readonly scalars = new Map<Scalar, number>();
  private readonly containers = new Map<string, number>();

  add(value: JsonValue): number {
    if (typeof value === 'object' && value !== null) {
      const text = canonicalJson(value);
      return this.containers.get(text) ?? this.append(value, text, this.containers, text);
    }
    const scalar = value as Scalar;
    return this.scalars.get(scalar) ?? this.append(value, JSON.stringify(scalar), this.scalars, scalar);
  }

  private append<K>(value: JsonValue, text: string, indices: Map<K, number>, key: K): number {
    const index = this.values.length;
    this.values.push(value);
    this.texts.push(text);
    indices.set(key, index);
    return index;
  }
}
