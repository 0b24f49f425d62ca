// Checks the lines of events.jsonl on their bytes, without parsing them as JSON: a line is sound when
// its bytes, less its h member, hash with the previous h to that h (chain.ts), and it ends with the
// seq of its place. A file is read in chunks, so a log of any size is checked in bounded memory, and
// a byte range of it can be checked on its own from the h and seq before it (verify-log.ts gives the
// second half of a log to another thread).
import { hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { eventParts } from './chain.js';
import type { KernelEvent } from '../bytecode/events.js';

/** Bytes before a line's start that checking it may overwrite: the previous h goes there. */
export const HEADROOM = 64;

/** Bytes read at a time; two such buffers per thread, plus the longest line, is what a check holds. */
export const CHUNK_BYTES = 1024 * 1024;

/** `"h":"`, 64 hex digits and `",`: the member a line's h takes, right before `"kind":"`. */
const H_MEMBER = 71;
const KIND_KEY = Buffer.from('"kind":"', 'latin1');
const SEQ_KEY = Buffer.from(',"seq":', 'latin1');
const RUN_STARTED = Buffer.from('run.started"', 'latin1');
const RUN_FINISHED = Buffer.from('run.finished"', 'latin1');
const NEWLINE = 10;
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;
const ZERO = 0x30;
const NINE = 0x39;
/** Seqs are safe integers: at most 16 digits. */
const MAX_SEQ_DIGITS = 16;

/**
 * damaged-line: the line's bytes do not hash to its h, or it is not a well-formed line. seq: a sound
 * line stands where another seq belongs (a line dropped or lines reordered). torn: the bytes end
 * without a newline.
 */
export type ScanProblemKind = 'damaged-line' | 'seq' | 'torn';

export interface ScanProblem {
  readonly kind: ScanProblemKind;
  readonly seq: number;
  readonly message: string;
}

/** Where a scan starts: after the line with hash prevHash, at line firstSeq. */
export interface ScanStart {
  readonly prevHash: string;
  readonly firstSeq: number;
  /** A seq whose h the scan records (the manifest's last pinned line), if it reaches it. */
  readonly pinSeq?: number;
}

export interface ScanResult {
  /** The seq after the last sound line: firstSeq plus the sound lines. */
  readonly count: number;
  /** The h of the last sound line (prevHash when there is none). */
  readonly head: string;
  /** The seq of a sound run.finished line; the scan refuses any line after it. */
  readonly finishedSeq: number | undefined;
  /** The h of line pinSeq, when it is sound. */
  readonly pinned: string | undefined;
  /** The first unsound line; the scan stops there. */
  readonly problem: ScanProblem | undefined;
}

function matchesAt(buf: Buffer, at: number, text: Buffer): boolean {
  if (at < 0 || at + text.length > buf.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text[i]) return false;
  return true;
}

/**
 * Where the line's top-level `"kind":"` starts, or -1. It is the line's last: only the kind's
 * string, the pid's and the seq follow it, and a JSON string holds no unescaped quote.
 */
function lastKindKey(buf: Buffer, start: number, end: number): number {
  // The least that follows the key is `","seq":0}`.
  for (let i = end - KIND_KEY.length - 10; i > start; i--) {
    if (buf[i] === 0x6b && buf[i - 1] === QUOTE && matchesAt(buf, i - 1, KIND_KEY)) return i - 1;
  }
  return -1;
}

/** Where the h member starts when the line has one right before its kind at k, else -1. */
function hashMemberAt(buf: Buffer, start: number, k: number): number {
  const at = k - H_MEMBER;
  if (at <= start) return -1;
  if (buf[at] !== QUOTE || buf[at + 1] !== 0x68 || buf[at + 2] !== QUOTE || buf[at + 3] !== 0x3a || buf[at + 4] !== QUOTE) return -1;
  return buf[k - 2] === QUOTE && buf[k - 1] === 0x2c ? at : -1;
}

/** The line's h, read from its bytes (unchecked), or undefined when it has no h member in its place. */
export function lineHash(line: Buffer): string | undefined {
  const k = lastKindKey(line, 0, line.length);
  const at = k < 0 ? -1 : hashMemberAt(line, 0, k);
  return at < 0 ? undefined : line.toString('latin1', at + 5, at + 69);
}

/** The seq the line ends with (`,"seq":N}`), or -1 when it does not end so. */
function seqAtEnd(buf: Buffer, after: number, end: number): number {
  if (buf[end - 1] !== CLOSE_BRACE) return -1;
  let value = 0;
  let scale = 1;
  let i = end - 2;
  for (; i > after; i--) {
    const c = buf[i] as number;
    if (c < ZERO || c > NINE) break;
    value += (c - ZERO) * scale;
    scale *= 10;
  }
  const digits = end - 2 - i;
  if (digits === 0 || digits > MAX_SEQ_DIGITS || (digits > 1 && buf[i + 1] === ZERO)) return -1;
  return matchesAt(buf, i - SEQ_KEY.length + 1, SEQ_KEY) && Number.isSafeInteger(value) ? value : -1;
}

/** The line's bytes as the writer wrote them, from the parts left in place after its check shifted them. */
function reassembled(buf: Buffer, start: number, at: number, h: string, shiftedEnd: number): Buffer {
  return Buffer.concat([buf.subarray(start, at), Buffer.from(`"h":"${h}",`, 'latin1'), buf.subarray(at, shiftedEnd)]);
}

/** Why a line that does not pass is not a sound line in its own right, if it is not. */
function malformation(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `the line is not JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the line is not a JSON object';
  const { h, ...rest } = value as Record<string, unknown>;
  if (typeof h !== 'string') return 'the line has no h';
  try {
    const { before, after } = eventParts(rest as unknown as KernelEvent);
    if (before + `"h":"${h}",` + after !== text) return 'the line is not canonical JSON';
  } catch (error) {
    return `the line's event has no canonical form: ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * Checks lines fed to it in chunks, in order, from a start; stops at the first unsound line.
 * A chunk's first HEADROOM bytes are room, not log: the check writes each line's previous h into
 * the HEADROOM bytes before it, and moves the line's tail over its h member, so that the hashed
 * text lies in one piece and is hashed in one call.
 */
export class LineScanner {
  #prev: string;
  #seq: number;
  readonly #pinSeq: number | undefined;
  #pinned: string | undefined;
  #finishedSeq: number | undefined;
  #problem: ScanProblem | undefined;
  /** A line begun in an earlier chunk, after HEADROOM bytes of room. */
  #carry = Buffer.allocUnsafe(HEADROOM + 4096);
  #carried = 0;

  constructor(start: ScanStart) {
    this.#prev = start.prevHash;
    this.#seq = start.firstSeq;
    this.#pinSeq = start.pinSeq;
  }

  /** Checks the lines of chunk (after its HEADROOM bytes); false once a line is unsound. */
  feed(chunk: Buffer): boolean {
    if (this.#problem !== undefined) return false;
    let start = HEADROOM;
    if (this.#carried > 0) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) {
        this.#keep(chunk, start, chunk.length);
        return true;
      }
      this.#keep(chunk, start, newline);
      if (!this.#line(this.#carry, HEADROOM, HEADROOM + this.#carried)) return false;
      this.#carried = 0;
      start = newline + 1;
    }
    for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      if (!this.#line(chunk, start, end)) return false;
      start = end + 1;
    }
    if (start < chunk.length) this.#keep(chunk, start, chunk.length);
    return true;
  }

  /** The verdict on what was fed: bytes after the last newline are a torn line. */
  end(): ScanResult {
    if (this.#problem === undefined && this.#carried > 0) {
      this.#problem = { kind: 'torn', seq: this.#seq, message: `the log ends in ${this.#carried} bytes with no newline: a write cut short` };
    }
    return { count: this.#seq, head: this.#prev, finishedSeq: this.#finishedSeq, pinned: this.#pinned, problem: this.#problem };
  }

  #keep(chunk: Buffer, start: number, end: number): void {
    const needed = HEADROOM + this.#carried + end - start;
    if (needed > this.#carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.#carry.length));
      this.#carry.copy(grown, 0, 0, HEADROOM + this.#carried);
      this.#carry = grown;
    }
    this.#carried += chunk.copy(this.#carry, HEADROOM + this.#carried, start, end);
  }

  /** Checks the line buf[start, end) (without its newline) as line #seq; true when it is sound. */
  #line(buf: Buffer, start: number, end: number): boolean {
    const seq = this.#seq;
    const k = lastKindKey(buf, start, end);
    const at = k < 0 ? -1 : hashMemberAt(buf, start, k);
    if (at < 0) return this.#fail('damaged-line', seq, 'the line is not well-formed: it has no top-level h right before its kind');
    const found = seqAtEnd(buf, k, end);
    if (found < 0) return this.#fail('damaged-line', seq, 'the line is not well-formed: it does not end with ,"seq":N}');
    if (found !== seq) return this.#misplaced(buf, start, end, found);
    if (this.#finishedSeq !== undefined) return this.#fail('damaged-line', seq, `the line follows run.finished (seq ${this.#finishedSeq}), which ends a log`);
    if (seq === 0 && !matchesAt(buf, k + KIND_KEY.length, RUN_STARTED)) return this.#fail('damaged-line', seq, 'line 0 is not run.started');
    const finished = matchesAt(buf, k + KIND_KEY.length, RUN_FINISHED);
    const h = buf.toString('latin1', at + 5, at + 69);
    buf.write(this.#prev, start - HEADROOM, 'latin1');
    buf.copyWithin(at, k, end);
    const shiftedEnd = end - H_MEMBER;
    const digest = hash('sha256', new Uint8Array(buf.buffer, buf.byteOffset + start - HEADROOM, shiftedEnd - start + HEADROOM));
    if (digest !== h) {
      const line = reassembled(buf, start, at, h, shiftedEnd);
      const why = malformation(line.toString('utf8'));
      return this.#fail('damaged-line', seq, `its bytes do not hash to its h${why === undefined ? ` (h is ${h}; its bytes and the previous h give ${digest})` : `, and ${why}`}`);
    }
    if (finished) this.#finishedSeq = seq;
    if (seq === this.#pinSeq) this.#pinned = digest;
    this.#prev = digest;
    this.#seq = seq + 1;
    return true;
  }

  /**
   * A well-formed line with another seq than its place's: a line missing or out of order, unless
   * its seq digits are what is damaged (its bytes hash to its h with the right seq in their place).
   */
  #misplaced(buf: Buffer, start: number, end: number, found: number): boolean {
    const seq = this.#seq;
    const line = Buffer.from(buf.subarray(start, end));
    const why = malformation(line.toString('utf8'));
    if (why !== undefined) return this.#fail('damaged-line', seq, why);
    const k = lastKindKey(line, 0, line.length);
    const at = hashMemberAt(line, 0, k);
    const digits = line.lastIndexOf(SEQ_KEY) + SEQ_KEY.length;
    const repaired = Buffer.concat([Buffer.from(this.#prev, 'latin1'), line.subarray(0, at), line.subarray(k, digits), Buffer.from(`${seq}}`, 'latin1')]);
    if (hash('sha256', repaired) === line.toString('latin1', at + 5, at + 69)) {
      return this.#fail('damaged-line', seq, `its seq digits are damaged: they read ${found}, and the line hashes as seq ${seq}`);
    }
    return this.#fail('seq', seq, `the line there has seq ${found}: a line is missing or out of order`);
  }

  #fail(kind: ScanProblemKind, seq: number, message: string): false {
    this.#problem = { kind, seq, message };
    return false;
  }
}

/**
 * Checks the lines of the file at path in bytes [start, end), which begin at a line boundary,
 * reading the next chunk while it checks one.
 */
export async function scanFile(path: string, start: number, end: number, from: ScanStart, chunkBytes = CHUNK_BYTES): Promise<ScanResult> {
  const scanner = new LineScanner(from);
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(HEADROOM + chunkBytes), Buffer.allocUnsafe(HEADROOM + chunkBytes)];
  let at = start;
  let which = 0;
  const read = () => (at < end ? file.read(buffers[which] as Buffer, HEADROOM, Math.min(chunkBytes, end - at), at) : undefined);
  let pending = read();
  try {
    while (pending !== undefined) {
      const { bytesRead, buffer } = await pending;
      // A file cut shorter while it is read ends where the reads do.
      if (bytesRead === 0) break;
      at += bytesRead;
      which ^= 1;
      pending = read();
      if (!scanner.feed(buffer.subarray(0, HEADROOM + bytesRead))) break;
    }
  } finally {
    await pending?.catch(() => undefined);
    await file.close();
  }
  return scanner.end();
}
