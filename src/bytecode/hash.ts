// The code hash: sha256 of the canonical form (canonical.ts) of `code`, so key order and
// whitespace never change a hash; and sha256 of texts and bytes, for content addresses.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import type { Code } from './format.js';

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
