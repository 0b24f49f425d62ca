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
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
    // ECMAScript number-to-string is RFC 8785's number form; -0 prints as 0 either way.
    return String(value);
  }
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
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

/**
 * Sorts keys in place by UTF-16 code units. Bytecode objects have a handful of keys, often
 * nearly in order, where an insertion sort with `<` beats the generic sort's string conversions.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function canonicalObject(object: Record<string, unknown>): string {
  let out = '';
  for (const key of sortKeys(Object.keys(object))) {
    const item = object[key];
    if (item === undefined) continue;
    const text = typeof item === 'string' ? JSON.stringify(item) : canonicalJson(item);
    out += (out === '' ? '{' : ',') + JSON.stringify(key) + ':' + text;
  }
  return out === '' ? '{}' : out + '}';
}

/**
 * True when JSON.stringify already writes the value canonically: every object's keys in sorted
 * order and none integer-like (JavaScript puts those first, whatever their order), every number
 * finite. Values the kernel builds for events are mostly like this, and checking is cheaper than
 * serialising key by key.
 */
/**
 * The key comes next in canonical order, after `previous` (the object's first key when previous is
 * undefined), as JavaScript enumerates it: integer-like keys come first whatever their order, so
 * none may appear.
 */
function keyFollows(previous: string | undefined, key: string): boolean {
  const c = key.charCodeAt(0);
  return !(c >= 48 && c <= 57) && (previous === undefined || previous < key);
}

function stringifiesCanonically(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return true;
  if (depth > 64) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!stringifiesCanonically(item, depth + 1)) return false;
    return true;
  }
  let previous: string | undefined;
  for (const key in value) {
    if (!keyFollows(previous, key)) return false;
    if (!stringifiesCanonically((value as Record<string, unknown>)[key], depth + 1)) return false;
    previous = key;
  }
  return true;
}

// A value that goes into many events as it is (a capability set, a budget) is frozen once by
// frozenJson, which keeps its canonical text. An object whose members are scalars and such values
// (a proc.spawned event's data) is then written member by member around that text (flatObject),
// which costs about half of serialising it all again.
const frozenTexts = new WeakMap<object, string>();
const memberKeys = new Map<string, string>();

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}

/** Freezes a JSON value, deeply, and keeps its canonical text for every later canonicalJson of it or of an object holding it. */
export function frozenJson<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !frozenTexts.has(value)) {
    deepFreeze(value);
    frozenTexts.set(value, canonicalJson(value));
  }
  return value;
}

/**
 * The text made for a key, kept in a table that stops growing at `bound` entries (past it, texts
 * are made each time): for the few distinct names a run writes on many lines.
 */
export function keptText(table: Map<string, string>, bound: number, key: string, make: (key: string) => string): string {
  let text = table.get(key);
  if (text === undefined) {
    text = make(key);
    if (table.size < bound) table.set(key, text);
  }
  return text;
}

/** `"key":`, kept for the few keys the kernel's event data have (and, up to a bound, any other). */
function memberKey(key: string): string {
  return keptText(memberKeys, 10_000, key, (k) => JSON.stringify(k) + ':');
}

/** A string JSON.stringify writes between quotes as it is: no quote, backslash, control character or surrogate. */
// eslint-disable-next-line no-control-regex -- the control characters are what the pattern is for
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * One pass over an object whose members are all scalars or frozen values, keys in canonical order:
 * its canonical text, written here (for the small objects most events carry, this costs less than
 * checking the order and then calling JSON.stringify). Undefined for any other object, which the
 * caller writes its other ways.
 */
function flatObject(object: Record<string, unknown>): string | undefined {
  let out = '';
  let previous: string | undefined;
  for (const key in object) {
    const item = object[key];
    let text: string;
    switch (typeof item) {
      case 'undefined':
        continue;
      case 'string':
        text = item.length < 64 && PLAIN.test(item) ? '"' + item + '"' : JSON.stringify(item);
        break;
      case 'number':
      case 'boolean':
        text = scalar(item);
        break;
      default: {
        const frozen = item === null ? 'null' : frozenTexts.get(item as object);
        if (frozen === undefined) return undefined;
        text = frozen;
      }
    }
    if (!keyFollows(previous, key)) return undefined;
    out += (out === '' ? '{' : ',') + memberKey(key) + text;
    previous = key;
  }
  return out === '' ? '{}' : out + '}';
}

/** The RFC 8785 canonical JSON text of a JSON value. */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return scalar(value);
  const frozen = frozenTexts.get(value);
  if (frozen !== undefined) return frozen;
  if (!Array.isArray(value)) {
    const written = flatObject(value as Record<string, unknown>);
    if (written !== undefined) return written;
  }
  if (stringifiesCanonically(value, 0)) return JSON.stringify(value);
  if (Array.isArray(value)) return canonicalArray(value);
  return canonicalObject(value as Record<string, unknown>);
}

/** sha256 (hex) of a text's UTF-8 bytes, or of raw bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return typeof data === 'string' ? createHash('sha256').update(data, 'utf8').digest('hex') : createHash('sha256').update(data).digest('hex');
}

/**
 * sha256 of the canonical JSON of code (with the constants' canonical texts, when the caller
 * already has them), fed to the hash one top-level member at a time: the same bytes as
 * sha256Hex(canonicalJson(code)), without building one string the size of the whole code
 * section, and without paying for a hash update per table entry.
 */
export function codeHash(code: Code, constantTexts?: readonly string[]): string {
  const hash = createHash('sha256');
  const members = code as unknown as Record<string, unknown>;
  let first = true;
  hash.update('{');
  for (const key of Object.keys(members).sort()) {
    const value = members[key];
    if (value === undefined) continue;
    hash.update((first ? '' : ',') + JSON.stringify(key) + ':', 'utf8');
    first = false;
    if (key === 'constants' && constantTexts && constantTexts.length === (value as unknown[]).length) {
      hash.update(`[${constantTexts.join(',')}]`, 'utf8');
    } else {
      hash.update(canonicalJson(value), 'utf8');
    }
  }
  hash.update('}');
  return hash.digest('hex');
}
