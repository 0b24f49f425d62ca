// The hash chain of events.jsonl (DESIGN.md section 5): each line is an event's canonical JSON with
// h = sha256(previous h ‖ the canonical JSON without h) in its sorted place, so any line can be
// checked from the line before it, and the head hash with the line count pins the whole log.
import { hash } from 'node:crypto';
import { eventJson, keptText } from './event-json.js';
import { GENESIS_HASH, type KernelEvent } from '../bytecode/events.js';
import { isObject } from '../bytecode/json.js';
import { assert, InvariantError } from '../bytecode/errors.js';

const HASH = /^[0-9a-f]{64}$/;
const ENVELOPE_KEYS = new Set(['data', 'h', 'kind', 'pid', 'seq']);

// The canonical text splits where "h" sorts in: after data, before kind. Building the two halves
// once serves both the hashed text and the written line, so each event is serialised once.
/** The canonical text of an event up to where h goes: `{"data":…,` or `{`. */
export function textBeforeHash(event: KernelEvent): string {
  return event.data === undefined ? '{' : '{"data":' + eventJson(event.data) + ',';
}

// A run has few distinct kinds and process names, each written on many lines: the text around
// them is built once. The tables are bounded by what they cache: kinds, and names the run spawned.
const kindTexts = new Map<string, string>();
const pidTexts = new Map<string, string>();
const NO_PID = ',"seq":';
const KEPT_NAMES = 100_000;

/** `"kind":"…"`: the after part's start. */
function kindText(kind: string): string {
  return keptText(kindTexts, KEPT_NAMES, kind, (k) => '"kind":' + JSON.stringify(k));
}

/** `,"pid":"…","seq":` (or `,"seq":` for an event without pid): what follows the kind, up to the seq's digits. */
function pidText(pid: string | undefined): string {
  return pid === undefined ? NO_PID : keptText(pidTexts, KEPT_NAMES, pid, (p) => ',"pid":' + JSON.stringify(p) + NO_PID);
}

/** The canonical text of an event after h: `"kind":…,"pid":…,"seq":…}`. */
export function textAfterHash(event: KernelEvent): string {
  return kindText(event.kind) + pidText(event.pid) + String(event.seq) + '}';
}

// crypto.hash, one call for a whole small input, costs well under half of a createHash object's
// update and digest, and this is once per event on the log's hot path.
function chainHash(prevHash: string, before: string, after: string): string {
  return hash('sha256', prevHash + before + after, 'hex');
}

/** The RFC 8785 canonical JSON of the event without h: the text its h covers. */
export function eventText(event: KernelEvent): string {
  return textBeforeHash(event) + textAfterHash(event);
}

/**
 * The event's canonical text without h, in the two parts h goes between (what a sealing batch holds).
 * before + after is eventText(event).
 */
export function eventParts(event: KernelEvent): { readonly before: string; readonly after: string } {
  return { before: textBeforeHash(event), after: textAfterHash(event) };
}

/** text has the literal at `at`: a few characters compared in place, without a copy. */
function literalAt(text: string, at: number, literal: string): boolean {
  for (let i = 0; i < literal.length; i++) if (text.charCodeAt(at + i) !== literal.charCodeAt(i)) return false;
  return true;
}

/** text has the JSON text of a long value at `at`: slice and === compare natively (startsWith walks a character at a time). */
function textAt(text: string, at: number, json: string): boolean {
  return json.length < 16 ? literalAt(text, at, json) : text.slice(at, at + json.length) === json;
}

/**
 * text[start, end) is the event's line with some h: textBeforeHash, an h member, textAfterHash.
 * Compared part by part in place, so none of the three is built as a string of its own (a
 * concatenated string is flattened, a copy, before === can compare it). Whether the h is the right
 * one is the chain's business (verify-log).
 */
export function lineHolds(text: string, start: number, end: number, event: KernelEvent): boolean {
  let at = start;
  if (event.data === undefined) {
    if (text.charCodeAt(at++) !== 123) return false;
  } else {
    const data = eventJson(event.data);
    if (!literalAt(text, at, '{"data":') || !textAt(text, at + 8, data) || text.charCodeAt(at + 8 + data.length) !== 44) return false;
    at += 9 + data.length;
  }
  if (!literalAt(text, at, '"h":"') || text.charCodeAt(at + 69) !== 34 || text.charCodeAt(at + 70) !== 44) return false;
  at += 71;
  const kind = kindText(event.kind);
  const pid = pidText(event.pid);
  if (!textAt(text, at, kind) || !textAt(text, at + kind.length, pid)) return false;
  at += kind.length + pid.length;
  // The seq's digits, read in place: canonical, so no leading zero.
  if (end - at < 2 || (text.charCodeAt(at) === 48 && end - at > 2) || text.charCodeAt(end - 1) !== 125) return false;
  let seq = 0;
  for (let i = at; i < end - 1; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    seq = seq * 10 + digit;
  }
  return seq === event.seq;
}

/** Bytes a batch holds before each event's parts, where sealBatch puts the previous h. */
export const SEAL_ROOM = 64;
/** What a line adds to its event's parts: `"h":"`, the h, `",` and the newline. */
export const SEAL_GROWTH = 5 + 64 + 2 + 1 - SEAL_ROOM;

/**
 * Chains a batch of events given as the UTF-8 bytes of their parts: event i takes SEAL_ROOM bytes
 * (their content does not matter: sealBatch writes the previous h there and hashes it with the
 * parts, which saves a copy), then lengths[2i] bytes of before and lengths[2i + 1] of after.
 * Returns the lines, each ending in a newline, and the h of the last: the bytes of the lines
 * HashChain.append gives. This is the work a log writer hands to another thread (seal-worker.ts).
 */
export function sealBatch(prevHash: string, batch: Buffer, lengths: ArrayLike<number>): { bytes: Buffer; head: string } {
  const events = lengths.length / 2;
  let used = 0;
  for (let i = 0; i < lengths.length; i++) used += lengths[i] as number;
  const out = Buffer.allocUnsafeSlow(used + events * (SEAL_ROOM + SEAL_GROWTH));
  let head = prevHash;
  let at = 0;
  let o = 0;
  for (let i = 0; i < lengths.length; i += 2) {
    const before = lengths[i] as number;
    const after = lengths[i + 1] as number;
    const parts = at + SEAL_ROOM;
    batch.write(head, at, 'latin1');
    head = hash('sha256', batch.subarray(at, parts + before + after), 'hex');
    o += batch.copy(out, o, parts, parts + before);
    o += out.write('"h":"', o, 'latin1');
    o += out.write(head, o, 'latin1');
    o += out.write('",', o, 'latin1');
    o += batch.copy(out, o, parts + before, parts + before + after);
    out[o++] = 10;
    at = parts + before + after;
  }
  return { bytes: out, head };
}

/** Turns events into chained lines, one seq after another. */
export class HashChain {
  #head: string;
  #count: number;

  /** Starts at genesis, or continues a log whose last line has hash prevHash and which holds count lines. */
  constructor(prevHash = GENESIS_HASH, count = 0) {
    assert(HASH.test(prevHash), () => `HashChain: the previous hash must be 64 lowercase hex digits, got ${JSON.stringify(prevHash)}`);
    assert(Number.isSafeInteger(count) && count >= 0, () => `HashChain: the line count must be a non-negative integer, got ${count}`);
    this.#head = prevHash;
    this.#count = count;
  }

  /** The event's line (no trailing newline); its seq must be the next one, or the kernel has a bug. */
  append(event: KernelEvent): string {
    if (event.seq !== this.#count) throw new InvariantError(`HashChain: event seq ${event.seq} is not the next seq ${this.#count}`);
    const before = textBeforeHash(event);
    const after = textAfterHash(event);
    const h = chainHash(this.#head, before, after);
    this.#head = h;
    this.#count++;
    return before + '"h":"' + h + '",' + after;
  }

  /** The hash of the last line (the genesis hash before any). */
  get head(): string {
    return this.#head;
  }

  /** Lines chained so far, which is also the next seq. */
  get count(): number {
    return this.#count;
  }
}

export type ChainVerdict = { ok: true; head: string; count: number } | { ok: false; seq: number; problem: string };

interface ParsedLine {
  readonly event: KernelEvent;
  readonly h: string;
}

function envelopeProblem(line: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(line)) if (!ENVELOPE_KEYS.has(key)) return `unexpected key ${JSON.stringify(key)}`;
  if (typeof line.h !== 'string' || !HASH.test(line.h)) return 'h is not 64 lowercase hex digits';
  if (!Number.isSafeInteger(line.seq)) return 'seq is not an integer';
  if (typeof line.kind !== 'string') return 'kind is not a string';
  if (line.pid !== undefined && typeof line.pid !== 'string') return 'pid is not a string';
  if (line.data !== undefined && !isObject(line.data)) return 'data is not an object';
  return undefined;
}

function parseLine(text: string): ParsedLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (!isObject(value)) return 'not a JSON object';
  const problem = envelopeProblem(value);
  if (problem !== undefined) return problem;
  return { event: value as unknown as KernelEvent, h: value.h as string };
}

/** The line's h when it is sound as line seq after prevHash, else what is wrong with it. */
function checkLine(text: string, seq: number, prevHash: string): { h: string } | { problem: string } {
  const parsed = parseLine(text);
  if (typeof parsed === 'string') return { problem: parsed };
  const { event, h } = parsed;
  if (event.seq !== seq) return { problem: `seq is ${event.seq}, expected ${seq}` };
  let before: string;
  try {
    before = textBeforeHash(event);
  } catch (error) {
    return { problem: `data has no canonical form: ${(error as Error).message}` };
  }
  const after = textAfterHash(event);
  if (before + '"h":"' + h + '",' + after !== text) return { problem: 'the line is not canonical JSON' };
  const expected = chainHash(prevHash, before, after);
  return h === expected ? { h } : { problem: `h is ${h}, expected ${expected}` };
}

/**
 * The reference check of a log, or of a segment of one that follows a line with hash prevHash and
 * starts at firstSeq: every line parses, carries the expected seq, is canonical (re-serialising it
 * gives the same bytes) and carries the h its predecessor and its text give. The first failure is
 * reported by its seq. A log cut at a line boundary passes: compare head and count with the manifest.
 */
export function verifyLines(lines: readonly string[], prevHash = GENESIS_HASH, firstSeq = 0): ChainVerdict {
  let head = prevHash;
  for (let i = 0; i < lines.length; i++) {
    const seq = firstSeq + i;
    const checked = checkLine(lines[i] as string, seq, head);
    if ('problem' in checked) return { ok: false, seq, problem: checked.problem };
    head = checked.h;
  }
  return { ok: true, head, count: firstSeq + lines.length };
}
