// Reads a run directory's log back and checks it against its manifest, taking no lock: what
// `aos resume` starts from, and what inspection and replay read.
import { join } from 'node:path';
import { GENESIS_HASH } from '../bytecode/events.js';
import { verifyLines } from './chain.js';
import { nodeFs, type DurableFs } from './durable-fs.js';
import { EVENTS_FILE, MANIFEST_FILE, manifestOf, noManifest, readManifestIfPresent, RunDirError, type RunManifest } from './run-dir.js';

/** Bytes at the end of events.jsonl, after the last sound line, that are not a sound line. */
export interface TornTail {
  /** The seq the first of them would have had. */
  readonly seq: number;
  /** Where in the file they start: the byte length of the sound lines. */
  readonly offset: number;
  readonly bytes: number;
  readonly problem: string;
}

export interface RunLogContents {
  /** manifest.json, or the manifest rebuilt from the log when there was none. */
  readonly manifest: RunManifest;
  /** There was no manifest.json, and every complete line of the log is sound: manifest pins them all. */
  readonly manifestRebuilt: boolean;
  /** The sound lines, from seq 0, without their newlines: the manifest's lines and any after them. */
  readonly lines: readonly string[];
  readonly head: string;
  readonly count: number;
  /** The last sound line is run.finished. */
  readonly finished: boolean;
  readonly tail: TornTail | undefined;
}

function kindOf(line: string): unknown {
  return (JSON.parse(line) as { kind: unknown }).kind;
}

/**
 * The complete lines (each ending in a newline, which is left out) and where each starts. Each line
 * is decoded on its own: a log of a few million events is longer than the longest string V8 makes.
 */
function splitLines(buffer: Buffer): { lines: string[]; starts: number[]; complete: number } {
  const lines: string[] = [];
  const starts: number[] = [];
  let start = 0;
  for (let end = buffer.indexOf(10); end >= 0; end = buffer.indexOf(10, start)) {
    starts.push(start);
    lines.push(buffer.toString('utf8', start, end));
    start = end + 1;
  }
  return { lines, starts, complete: start };
}

function hashOf(line: string): string {
  return (JSON.parse(line) as { h: string }).h;
}

/**
 * Reads a run directory's log and checks it, taking no lock: every line the manifest pins must be
 * sound and end at the manifest's head. Sound lines after them (a crash between the log's sync and
 * the manifest's replacement) are kept. Whatever follows the last sound line is reported as the
 * torn tail, and left as it is. Without manifest.json, nothing says where the log should end, so
 * the manifest is rebuilt only from a log whose complete lines are all sound: it pins every one.
 */
export async function readRunLog(dir: string, options: { readonly fs?: DurableFs } = {}): Promise<RunLogContents> {
  const fs = options.fs ?? nodeFs;
  // The manifest is read first: a writer syncs the lines it pins before it replaces it.
  const recorded = await readManifestIfPresent(fs, dir);
  const bytes = await fs.readFile(join(dir, EVENTS_FILE));
  if (bytes === undefined) throw recorded === undefined ? noManifest(dir) : new RunDirError('log', dir, `run directory ${dir} has no ${EVENTS_FILE}`);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { lines, starts, complete } = splitLines(buffer);
  const manifest = recorded ?? rebuiltManifest(dir, lines);
  const pinned = manifest.count;
  if (lines.length < pinned) {
    throw new RunDirError('truncated', dir, `run directory ${dir}: ${EVENTS_FILE} holds ${lines.length} complete lines, but ${MANIFEST_FILE} pins ${pinned}`);
  }
  const committed = recorded === undefined ? { ok: true as const, head: manifest.head } : verifyLines(lines.slice(0, pinned));
  if (!committed.ok) throw new RunDirError('damaged', dir, `run directory ${dir}: ${EVENTS_FILE} is damaged at seq ${committed.seq}: ${committed.problem}`);
  if (committed.head !== manifest.head) {
    throw new RunDirError('damaged', dir, `run directory ${dir}: line ${pinned - 1} of ${EVENTS_FILE} has h ${committed.head}, but ${MANIFEST_FILE} pins ${manifest.head}`);
  }
  const after = verifyLines(lines.slice(pinned), committed.head, pinned);
  let tail: TornTail | undefined;
  let sound = lines;
  if (!after.ok) {
    sound = lines.slice(0, after.seq);
    const offset = starts[after.seq] as number;
    tail = { seq: after.seq, offset, bytes: buffer.length - offset, problem: after.problem };
  } else if (complete < buffer.length) {
    tail = { seq: lines.length, offset: complete, bytes: buffer.length - complete, problem: 'the last line has no newline' };
  }
  const head = sound.length === 0 ? GENESIS_HASH : hashOf(sound[sound.length - 1] as string);
  if (sound.length > 0 && kindOf(sound[0] as string) !== 'run.started') {
    throw new RunDirError('damaged', dir, `run directory ${dir}: line 0 of ${EVENTS_FILE} is not run.started`);
  }
  const finished = sound.length > 0 && kindOf(sound[sound.length - 1] as string) === 'run.finished';
  return { manifest, manifestRebuilt: recorded === undefined, lines: sound, head, count: sound.length, finished, tail };
}

/** The manifest of a log without one: all its complete lines, which must all be sound. */
function rebuiltManifest(dir: string, lines: readonly string[]): RunManifest {
  const chain = verifyLines(lines);
  if (!chain.ok) throw new RunDirError('manifest', dir, `run directory ${dir} has no ${MANIFEST_FILE}, and ${EVENTS_FILE} cannot rebuild it: it is damaged at seq ${chain.seq}: ${chain.problem}`);
  const finished = lines.length > 0 && kindOf(lines[lines.length - 1] as string) === 'run.finished';
  return manifestOf(lines.length, chain.head, finished);
}
