// The canonical text of event lines, fast: the same bytes as canonicalJson (src/bytecode/canonical.ts),
// with two shortcuts for what the kernel puts in most events. A value that goes into many events as
// it is (a capability set, a budget, the shared empty list) is deeply frozen by the kernel; its text
// is made once and kept here, by identity, for as long as the value lives. An object whose members
// are scalars and such values (a proc.spawned event's data) is written member by member in one pass
// around those texts, which costs about half of serialising it again.
import { keyFollows, canonicalJson, canonicalScalar, writeCanonical, type CanonicalShortcuts } from '../bytecode/canonical.js';

/** Canonical texts of deeply frozen values, by identity: a frozen value cannot change under its text. */
const frozenTexts = new WeakMap<object, string>();
const memberKeys = new Map<string, string>();

/** True when the value and everything it holds are frozen. */
function deeplyFrozen(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  for (const item of Object.values(value)) if (typeof item === 'object' && item !== null && !deeplyFrozen(item)) return false;
  return true;
}

/** The kept text of a deeply frozen value, made on first sight; undefined for any other value. */
function frozenText(value: object): string | undefined {
  let text = frozenTexts.get(value);
  if (text === undefined && deeplyFrozen(value)) {
    text = canonicalJson(value);
    frozenTexts.set(value, text);
  }
  return text;
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
        text = canonicalScalar(item);
        break;
      default: {
        const frozen = item === null ? 'null' : frozenText(item as object);
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

const SHORTCUTS: CanonicalShortcuts = { known: frozenText, flat: flatObject };

/** The RFC 8785 canonical text of an event or its data: byte for byte canonicalJson's. */
export function eventJson(value: unknown): string {
  return writeCanonical(value, SHORTCUTS);
}
