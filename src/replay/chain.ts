// The hash chain of events.jsonl (DESIGN.md section 5): each line is an event's canonical JSON with
// h = sha256(previous h ‖ the canonical JSON without h) in its sorted place, so any line can be
// checked from the line before it, and the head hash with the line count pins the whole log.
import { hash } from 'node:crypto';
import { canonicalJson } from '../bytecode/hash.js';
import { GENESIS_HASH, type KernelEvent } from '../bytecode/events.js';

const HASH = /^[0-9a-f]{64}$/;
const ENVELOPE_KEYS = new Set(['data', 'h', 'kind', 'pid', 'seq']);

// The canonical text splits where "h" sorts in: after data, before kind. Building the two halves
// once serves both the hashed text and the written line, so each event is serialised once.
function textBeforeHash(event: KernelEvent): string {
  return event.data === undefined ? '{' : '{"data":' + canonicalJson(event.data) + ',';
}

// A run has few distinct kinds and process names, each written on many lines: their JSON text
// is built once. The table is bounded by what it caches: kinds, and names the run spawned.
const quoted = new Map<string, string>();

function quote(text: string): string {
  let json = quoted.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (quoted.size < 100_000) quoted.set(text, json);
  }
  return json;
}

function textAfterHash(event: KernelEvent): string {
  const pid = event.pid === undefined ? '' : ',"pid":' + quote(event.pid);
  return '"kind":' + quote(event.kind) + pid + ',"seq":' + String(event.seq) + '}';
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

/** Turns events into chained lines, one seq after another. */
export class HashChain {
  #head: string;
  #count: number;

  /** Starts at genesis, or continues a log whose last line has hash prevHash and which holds count lines. */
  constructor(prevHash = GENESIS_HASH, count = 0) {
    if (!HASH.test(prevHash)) throw new Error(`HashChain: the previous hash must be 64 lowercase hex digits, got ${JSON.stringify(prevHash)}`);
    if (!Number.isSafeInteger(count) || count < 0) throw new Error(`HashChain: the line count must be a non-negative integer, got ${count}`);
    this.#head = prevHash;
    this.#count = count;
  }

  /** The event's line (no trailing newline); its seq must be the next one, or the kernel has a bug. */
  append(event: KernelEvent): string {
    if (event.seq !== this.#count) throw new Error(`HashChain: event seq ${event.seq} is not the next seq ${this.#count}`);
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
