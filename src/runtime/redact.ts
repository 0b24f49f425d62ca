// Secrets and host paths are taken out at the host boundary, before an input is admitted, so the
// live run and its replay see the same bytes, no key ever reaches the log, and a log recorded on
// one machine names nothing of it (a compiler's error quoting a file's real path, say).
import type { JsonValue } from '../bytecode/json.js';
import type { Completion } from '../vm/effects.js';

export const REDACTED = '[redacted]';

/** What to take out: secret values (short ones are not secrets) and host paths with their stand-ins. */
export interface Redactions {
  readonly secrets: readonly string[];
  readonly paths: readonly { readonly host: string; readonly standIn: string }[];
}

function replacements(redactions: Redactions): [string, string][] {
  const pairs: [string, string][] = [
    ...redactions.secrets.filter((s) => s.length >= 8).map((s): [string, string] => [s, REDACTED]),
    ...redactions.paths.filter((p) => p.host.length > 1).map((p): [string, string] => [p.host, p.standIn]),
  ];
  // Longer first, so a path inside another is replaced whole.
  return pairs.sort((a, b) => b[0].length - a[0].length);
}

function scrub(value: JsonValue, pairs: readonly [string, string][]): JsonValue {
  if (typeof value === 'string') return pairs.reduce((text, [from, to]) => text.split(from).join(to), value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, pairs));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k, pairs) as string, scrub(v, pairs)]));
  return value;
}

/** The completion with every secret and host path replaced. */
export function redact(completion: Completion, redactions: Redactions): Completion {
  const pairs = replacements(redactions);
  if (pairs.length === 0) return completion;
  return completion.ok
    ? { ok: true, value: scrub(completion.value, pairs) }
    : { ok: false, error: { kind: completion.error.kind, message: scrub(completion.error.message, pairs) as string } };
}

/** Bytes (a tool's binary output) with every secret and host path replaced, as in text. */
export function redactBytes(bytes: Uint8Array, redactions: Redactions): Uint8Array {
  let out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const [from, to] of replacements(redactions)) {
    const needle = Buffer.from(from, 'utf8');
    if (out.indexOf(needle) < 0) continue;
    const parts: Buffer[] = [];
    let at = 0;
    for (let found = out.indexOf(needle); found >= 0; found = out.indexOf(needle, at)) {
      parts.push(out.subarray(at, found), Buffer.from(to, 'utf8'));
      at = found + needle.length;
    }
    parts.push(out.subarray(at));
    out = Buffer.concat(parts);
  }
  return out;
}

/**
 * The host environment a tool may pick its variables from: without any variable that holds a
 * secret, so that a tool is never handed the model backend's key, whatever its allow-list says.
 */
export function withoutSecrets(env: Readonly<Record<string, string | undefined>>, secrets: readonly string[]): Record<string, string | undefined> {
  const real = secrets.filter((secret) => secret.length >= 8);
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value === undefined || !real.some((secret) => value.includes(secret))));
}
