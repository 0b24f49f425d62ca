// Secrets and host paths are taken out at the host boundary, before an input is admitted, so the
// live run and its replay see the same bytes, no key ever reaches the log, and a log recorded on
// one machine names nothing of it (a compiler's error quoting a file's real path, say).
import type { JsonValue } from '../bytecode/json.js';
import type { Completion } from '../vm/effects.js';

export const REDACTED = '[redacted]';

/**
 * What to take out: secret values, whatever their length (a short key is still a key, and a
 * rule that spared short ones would leak exactly those), and host paths with their stand-ins.
 */
export interface Redactions {
  readonly secrets: readonly string[];
  readonly paths: readonly { readonly host: string; readonly standIn: string }[];
}

/**
 * Every value to take out, as one pattern over text, and the stand-in of each. One pass replaces
 * them all, longest first at each place (a path inside another is replaced whole), and never
 * looks again at a stand-in it put in: a short secret inside `[redacted]` or `<run>` stays put.
 */
interface Scrubber {
  readonly pattern: RegExp;
  readonly standIns: ReadonlyMap<string, string>;
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The scrubber of redactions, its values spelled by `spell`; undefined when there is nothing to take out. */
function scrubber(redactions: Redactions, spell: (text: string) => string = (text) => text): Scrubber | undefined {
  const standIns = new Map<string, string>();
  for (const path of redactions.paths) if (path.host.length > 1) standIns.set(spell(path.host), spell(path.standIn));
  for (const secret of redactions.secrets) if (secret !== '') standIns.set(spell(secret), spell(REDACTED));
  if (standIns.size === 0) return undefined;
  const longestFirst = [...standIns.keys()].sort((a, b) => b.length - a.length);
  return { pattern: new RegExp(longestFirst.map(escaped).join('|'), 'g'), standIns };
}

function scrubText(text: string, scrub: Scrubber): string {
  return text.replace(scrub.pattern, (found) => scrub.standIns.get(found) ?? found);
}

function scrubValue(value: JsonValue, scrub: Scrubber): JsonValue {
  if (typeof value === 'string') return scrubText(value, scrub);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, scrub));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubText(k, scrub), scrubValue(v, scrub)]));
  return value;
}

/** A value (the run's input, say) with every secret and host path replaced. */
export function redactValue(value: JsonValue, redactions: Redactions): JsonValue {
  const scrub = scrubber(redactions);
  return scrub === undefined ? value : scrubValue(value, scrub);
}

/** The completion with every secret and host path replaced. */
export function redact(completion: Completion, redactions: Redactions): Completion {
  const scrub = scrubber(redactions);
  if (scrub === undefined) return completion;
  return completion.ok
    ? { ok: true, value: scrubValue(completion.value, scrub) }
    : { ok: false, error: { kind: completion.error.kind, message: scrubText(completion.error.message, scrub) } };
}

/** One character per byte: a pattern over it matches bytes, whatever encoding they are in. */
const byteText = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** Bytes (a tool's binary output) with every secret and host path replaced, as in text. */
export function redactBytes(bytes: Uint8Array, redactions: Redactions): Uint8Array {
  const scrub = scrubber(redactions, byteText);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return scrub === undefined ? buffer : Buffer.from(scrubText(buffer.toString('latin1'), scrub), 'latin1');
}

/**
 * The host environment a tool may pick its variables from: without any variable that holds a
 * secret, so that a tool is never handed the model backend's key, whatever its allow-list says.
 */
export function withoutSecrets(env: Readonly<Record<string, string | undefined>>, secrets: readonly string[]): Record<string, string | undefined> {
  const given = secrets.filter((secret) => secret !== '');
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value === undefined || !given.some((secret) => value.includes(secret))));
}
