// The value semantics of the comparison and logic opcodes, shared by the kernel and the
// compiler's constant folding.
import { describe, expect, it } from 'vitest';
import { compare, jsonEqual, lessThan, truthy } from '../../src/bytecode/values.js';

describe('values', () => {
  it('false, null, 0 and "" are the falsy values', () => {
    expect([false, null, 0, '', -0].map(truthy)).toEqual([false, false, false, false, false]);
    expect([true, 1, 'a', [], {}, '0'].map(truthy)).toEqual([true, true, true, true, true, true]);
  });

  it('equality is deep and ignores key order', () => {
    expect(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });

  it('equality handles deep nesting without recursion', () => {
    let a: unknown = 0;
    let b: unknown = 0;
    for (let i = 0; i < 100_000; i++) {
      a = [a];
      b = [b];
    }
    expect(jsonEqual(a, b)).toBe(true);
  });

  it('orders numbers by value and strings by code units, and nothing else', () => {
    expect(lessThan(2, 10)).toBe(true);
    expect(lessThan('10', '2')).toBe(true);
    expect(lessThan('Z', 'a')).toBe(true);
    expect(lessThan(1, '2')).toBe(false);
    expect(lessThan(null, 1)).toBe(false);
  });

  it('compare covers every comparison operator', () => {
    expect((['==', '!=', '<', '<=', '>', '>='] as const).map((op) => compare(op, 1, 2))).toEqual([false, true, true, true, false, false]);
    expect((['==', '!=', '<', '<=', '>', '>='] as const).map((op) => compare(op, [1], [1]))).toEqual([true, false, false, true, false, true]);
  });
});
