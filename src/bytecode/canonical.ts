// Canonical JSON (RFC 8785): the one byte form of every value the contract hashes or records — the
// code section, the constant pool, event data, content the kernel hashes. It is part of the contract
// because the compiler, the kernel and the log must agree on it byte for byte; the event log's speed
// shortcuts (texts kept for frozen values, one-pass writing of flat objects) live in src/log and
// plug in through `CanonicalShortcuts`, so this module keeps no state.
//
// RFC 8785 writes strings and numbers exactly as JSON.stringify does and sorts object keys by
// UTF-16 code units, so only objects need work of our own: an array holding no object at any
// depth (every instruction, every source position) is one native JSON.stringify call. This is
// several times faster than the `canonicalize` package on bytecode, and a test checks the two
// agree byte for byte on arbitrary JSON.

/** Texts a writer may already have for a value: used in place of writing it again. */
export interface CanonicalShortcuts {
  /** The canonical text of an object or array, if known. */
  readonly known: (value: object) => string | undefined;
  /** The canonical text of a plain object written some faster way, or undefined to write it the usual way. */
  readonly flat: (object: Record<string, unknown>) => string | undefined;
}

/** The canonical text of a number, boolean, null or string. */
export function canonicalScalar(value: unknown): string {
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

function canonicalArray(array: readonly unknown[], shortcuts: CanonicalShortcuts | undefined): string {
  if (objectFree(array)) return JSON.stringify(array);
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    out += (i > 0 ? ',' : '') + (item === undefined ? 'null' : writeCanonical(item, shortcuts));
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

function canonicalObject(object: Record<string, unknown>, shortcuts: CanonicalShortcuts | undefined): string {
  let out = '';
  for (const key of sortKeys(Object.keys(object))) {
    const item = object[key];
    if (item === undefined) continue;
    const text = typeof item === 'string' ? JSON.stringify(item) : writeCanonical(item, shortcuts);
    out += (out === '' ? '{' : ',') + JSON.stringify(key) + ':' + text;
  }
  return out === '' ? '{}' : out + '}';
}

/**
 * The key comes next in canonical order, after `previous` (the object's first key when previous is
 * undefined), as JavaScript enumerates it: integer-like keys come first whatever their order, so
 * none may appear.
 */
export function keyFollows(previous: string | undefined, key: string): boolean {
  const c = key.charCodeAt(0);
  return !(c >= 48 && c <= 57) && (previous === undefined || previous < key);
}

/**
 * True when JSON.stringify already writes the value canonically: every object's keys in sorted
 * order and none integer-like (JavaScript puts those first, whatever their order), every number
 * finite. Values the kernel builds for events are mostly like this, and checking is cheaper than
 * serialising key by key.
 */
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

/** The canonical text of a JSON value, taking the shortcuts' texts where they have one. */
export function writeCanonical(value: unknown, shortcuts: CanonicalShortcuts | undefined): string {
  if (typeof value !== 'object' || value === null) return canonicalScalar(value);
  if (shortcuts !== undefined) {
    const known = shortcuts.known(value);
    if (known !== undefined) return known;
    if (!Array.isArray(value)) {
      const written = shortcuts.flat(value as Record<string, unknown>);
      if (written !== undefined) return written;
    }
  }
  if (stringifiesCanonically(value, 0)) return JSON.stringify(value);
  if (Array.isArray(value)) return canonicalArray(value, shortcuts);
  return canonicalObject(value as Record<string, unknown>, shortcuts);
}

/** The RFC 8785 canonical JSON text of a JSON value. */
export function canonicalJson(value: unknown): string {
  return writeCanonical(value, undefined);
}
