// What the comparison and logic opcodes mean on JSON values. The kernel runs them and the
// compiler folds constant expressions with them, so the two cannot disagree.
import { isObject } from './json.js';

/** false, null, 0 and "" are falsy; every other value (including [] and {}) is truthy. */
export function truthy(value: unknown): boolean {
  return !(value === false || value === null || value === 0 || value === '' || value === undefined);
}

/** Deep equality of JSON values (object key order does not matter). Iterative: values may nest deeply. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  // Scalars, the common case (loop conditions), compare without allocating a work list.
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const pending: [unknown, unknown][] = [[a, b]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y[i]]);
    } else if (isObject(x)) {
      if (!isObject(y)) return false;
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(y).length) return false;
      for (const k of keys) {
        if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
        pending.push([x[k], y[k]]);
      }
    } else {
      return false;
    }
  }
  return true;
}

/** Numbers by value, strings by UTF-16 code units; any other pair is not ordered. */
export function lessThan(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  return false;
}

export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** The result of EQ, NE, LT, LE, GT or GE on left and right. */
export function compare(op: ComparisonOp, left: unknown, right: unknown): boolean {
  switch (op) {
    case '==':
      return jsonEqual(left, right);
    case '!=':
      return !jsonEqual(left, right);
    case '<':
      return lessThan(left, right);
    case '<=':
      return lessThan(left, right) || jsonEqual(left, right);
    case '>':
      return lessThan(right, left);
    case '>=':
      return lessThan(right, left) || jsonEqual(left, right);
  }
}
