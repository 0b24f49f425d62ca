// Canonical JSON (RFC 8785) and the code hash: sha256 of the canonical form of `code`, so
// key order and whitespace never change a hash.
//
// RFC 8785 writes strings and numbers exactly as JSON.stringify does and sorts object keys by
// UTF-16 code units, so only objects need work of our own: an array holding no object at any
// depth (every instruction, every source position) is one native JSON.stringify call. This is
// several times faster than the `canonicalize` package on bytecode, and a test checks the two
// agree byte for byte on arbitrary JSON.
import { createHash } from 'node:crypto';
import type { Code } from './format.js';

function scalar(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

/** True when the array holds only finite scalars and arrays of the same. */
function objectFree(array: readonly unknown[]): boolean {
  for (const item of array) {
    if (typeof item === 'number' && !Number.isFinite(item)) return false;
    if (typeof item === 'object' && item !== null && (!Array.isArray(item) || !objectFree(item))) return false;
  }
  return true;
}

function canonicalArray(array: readonly unknown[]): string {
  if (objectFree(array)) return JSON.stringify(array);
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    out += (i > 0 ? ',' : '') + (item === undefined ? 'null' : canonicalJson(item));
  }
  return out + ']';
}

function canonicalObject(object: Record<string, unknown>): string {
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(key) + ':' + canonicalJson(item);
  }
  return out + '}';
}

/** The RFC 8785 canonical JSON text of a JSON value. */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return scalar(value);
  if (Array.isArray(value)) return canonicalArray(value);
  return canonicalObject(value as Record<string, unknown>);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function codeHash(code: Code): string {
  return sha256Hex(canonicalJson(code));
}
