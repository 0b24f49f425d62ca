// `aos verify-log`: the integrity check of a run directory's log against its manifest, on the log's
// bytes (log-scan.ts) rather than its parsed JSON, and on two threads: a log is cut at a line
// boundary near its middle, and the second half is checked on another thread from the h and seq
// of the line before it, which the main thread reads without waiting for the first half's check.
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_HASH } from '../bytecode/events.js';
import type { RunManifest } from '../generated/manifest.js';
import { CHUNK_BYTES, lineHash, scanFile, type ScanProblemKind, type ScanResult, type ScanStart } from './scan.js';
import { nodeFs } from './durable-fs.js';
import { EVENTS_FILE, MANIFEST_FILE, manifestOf, readManifestIfPresent, RunDirError } from './run-dir.js';
import type { VerifyJob, VerifyReply } from './verify-worker.js';
import { PersistentWorker, ThreadError } from './workers.js';

/**
 * A scan's kinds (damaged-line, seq, torn), and: truncated: the log ends at a line boundary before
 * the manifest's count. manifest: the manifest is invalid (or missing, over a log that does not
 * verify), pins another head, or says the run has not finished when its last pinned line is
 * run.finished. not-finished: the manifest says the run finished, and its last pinned line is not
 * run.finished.
 */
export type LogProblemKind = ScanProblemKind | 'truncated' | 'manifest' | 'not-finished';

export interface LogProblem {
  readonly kind: LogProblemKind;
  /** The first seq that is wrong; undefined only for a manifest that cannot be read or contradicts itself. */
  readonly seq: number | undefined;
  readonly message: string;
}

/**
 * Not problems: extra: sound lines after the manifest's count (written and synced by a writer that
 * stopped before it replaced the manifest; the next writer keeps them). not-finished: the log does
 * not end with run.finished, and the manifest does not say it does. no-manifest: there is no
 * manifest, and every line of the log is sound: the next writer rebuilds it from them all.
 */
export interface LogNote {
  readonly kind: 'extra' | 'not-finished' | 'no-manifest';
  readonly seq: number;
  readonly message: string;
}

export type LogVerdict =
  | {
      readonly ok: true;
      /** Lines in the log, every one sound. */
      readonly count: number;
      /** The h of the last line. */
      readonly head: string;
      /** The last line is run.finished. */
      readonly finished: boolean;
      /** The manifest, which the log matches: its count lines end at its head; rebuilt from the log when there is none (a no-manifest note). */
      readonly manifest: RunManifest;
      readonly notes: readonly LogNote[];
      /** The seq the second thread started at, when the log was checked on two. */
      readonly split: number | undefined;
    }
  | { readonly ok: false; readonly problem: LogProblem; readonly split: number | undefined };

export interface VerifyLogOptions {
  /** Logs at least this long are checked on two threads (default 1 MiB). */
  readonly splitBytes?: number;
  /**
   * Check the whole log on the worker thread, leaving this one free (a replay runs here
   * meanwhile); `started` is called once the worker has its job.
   */
  readonly offMainThread?: { readonly started: () => void };
  /** Bytes read at a time, per thread (default 1 MiB). */
  readonly chunkBytes?: number;
}

const SPLIT_BYTES = 1024 * 1024;

/** The manifest as read: absent, invalid (its problem) or valid. */
type ManifestRead = { readonly manifest: RunManifest } | { readonly problem: string } | { readonly absent: true };

async function readManifestOf(dir: string): Promise<ManifestRead> {
  let manifest: RunManifest | undefined;
  try {
    manifest = await readManifestIfPresent(nodeFs, dir);
  } catch (error) {
    if (!(error instanceof RunDirError)) throw error;
    return { problem: error.problemText };
  }
  if (manifest === undefined) return { absent: true };
  if (manifest.count === 0 && (manifest.head !== GENESIS_HASH || manifest.finished)) {
    return { problem: `${MANIFEST_FILE} pins no lines, yet ${manifest.finished ? 'says the run finished' : `a head of ${manifest.head}`}` };
  }
  return { manifest };
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

interface Split {
  /** The byte offset the second half starts at, and its first seq. */
  readonly offset: number;
  readonly seq: number;
  /** The h the last line of the first half carries, unchecked (the first half's check checks it). */
  readonly prevHash: string;
}

/**
 * The first line boundary after the middle of the file, found by counting the newlines before it,
 * with the h of the line that ends there; undefined when no line starts after the middle.
 */
async function findSplit(path: string, size: number, chunkBytes: number): Promise<Split | undefined> {
  const middle = Math.floor(size / 2);
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let lines = 0;
    let lineStart = 0;
    for (let at = 0; at < size; ) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(chunkBytes, size - at), at);
      if (bytesRead === 0) return undefined;
      const chunk = buffer.subarray(0, bytesRead);
      for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, newline + 1)) {
        const offset = at + newline + 1;
        lines++;
        if (offset > middle) {
          if (offset >= size) return undefined;
          const last = Buffer.allocUnsafe(offset - 1 - lineStart);
          await file.read(last, 0, last.length, lineStart);
          return { offset, seq: lines, prevHash: lineHash(last) ?? GENESIS_HASH };
        }
        lineStart = offset;
      }
      at += bytesRead;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

/** The verifying thread, kept for the process: starting one costs more than checking a small log. */
const verifier = new PersistentWorker<VerifyJob, VerifyReply>('verify-worker', import.meta.url);

async function verifyOnThread(job: VerifyJob): Promise<ScanResult> {
  const reply = await verifier.request(job);
  if (reply.result === undefined) throw new Error('the verifying thread sent no result');
  return reply.result;
}

/** The two halves' results as one scan's: the first half's problem is the lower one. */
function joined(first: ScanResult, second: ScanResult, split: Split): ScanResult {
  if (first.problem !== undefined) return first;
  if (first.count !== split.seq || first.head !== split.prevHash) throw new ThreadError('log-changed', 'the log changed while it was verified: a writer is appending to it; verify it again once the run has stopped');
  const pinned = first.pinned ?? second.pinned;
  if (first.finishedSeq !== undefined && (second.count > split.seq || second.problem !== undefined) && second.problem?.seq !== split.seq) {
    const problem = { kind: 'damaged-line' as const, seq: split.seq, message: `the line follows run.finished (seq ${first.finishedSeq}), which ends a log` };
    return { ...first, pinned, problem };
  }
  return { ...second, finishedSeq: first.finishedSeq ?? second.finishedSeq, pinned };
}

async function scanLog(path: string, size: number, pinSeq: number | undefined, options: VerifyLogOptions): Promise<{ scan: ScanResult; split: number | undefined }> {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const start: ScanStart = { prevHash: GENESIS_HASH, firstSeq: 0, pinSeq };
  if (options.offMainThread !== undefined) {
    const scanned = verifyOnThread({ path, start: 0, end: size, from: start, chunkBytes });
    options.offMainThread.started();
    return { scan: await scanned, split: undefined };
  }
  if (size < (options.splitBytes ?? SPLIT_BYTES)) return { scan: await scanFile(path, 0, size, start, chunkBytes), split: undefined };
  const split = await findSplit(path, size, chunkBytes);
  if (split === undefined) return { scan: await scanFile(path, 0, size, start, chunkBytes), split: undefined };
  const second = verifyOnThread({ path, start: split.offset, end: size, from: { prevHash: split.prevHash, firstSeq: split.seq, pinSeq }, chunkBytes });
  // Taken below; until then its rejection is not unhandled.
  second.catch(() => undefined);
  const first = await scanFile(path, 0, split.offset, start, chunkBytes);
  return { scan: joined(first, await second, split), split: split.seq };
}

/** The problem of the lowest seq, the earlier one on a tie. */
function lowest(problems: readonly (LogProblem | undefined)[]): LogProblem | undefined {
  let best: LogProblem | undefined;
  for (const problem of problems) {
    if (problem !== undefined && (best === undefined || (problem.seq ?? Infinity) < (best.seq ?? Infinity))) best = problem;
  }
  return best;
}

/** What the manifest says that the scan contradicts, for the lines the scan found sound. */
function manifestProblems(manifest: RunManifest, scan: ScanResult): (LogProblem | undefined)[] {
  const sound = scan.problem?.seq ?? scan.count;
  const last = manifest.count - 1;
  const problems: (LogProblem | undefined)[] = [];
  if (scan.problem === undefined && scan.count < manifest.count) {
    problems.push({ kind: 'truncated', seq: scan.count, message: `the log ends after ${scan.count} lines, but ${MANIFEST_FILE} pins ${manifest.count}` });
  }
  if (last >= 0 && last < sound && scan.pinned !== manifest.head) {
    problems.push({ kind: 'manifest', seq: last, message: `line ${last} has h ${scan.pinned ?? '?'}, but ${MANIFEST_FILE} pins head ${manifest.head}` });
  }
  if (manifest.finished && last >= 0 && last < sound && scan.finishedSeq !== last) {
    problems.push({ kind: 'not-finished', seq: last, message: `${MANIFEST_FILE} says the run finished, but line ${last} is not run.finished` });
  }
  // A writer's manifest says finished exactly when the lines it pins end with run.finished.
  if (!manifest.finished && last >= 0 && last < sound && scan.finishedSeq === last) {
    problems.push({ kind: 'manifest', seq: last, message: `${MANIFEST_FILE} says the run has not finished, but line ${last}, the last it pins, is run.finished` });
  }
  return problems;
}

/** A problem in the log past the lines the manifest pins, which are sound (it is the lowest), says so. */
function afterPinned(problem: LogProblem, manifest: RunManifest): LogProblem {
  if (problem.seq === undefined || problem.seq < manifest.count) return problem;
  return { ...problem, message: `${problem.message} (after the ${manifest.count} lines ${MANIFEST_FILE} pins, which are sound)` };
}

function notesOf(manifest: RunManifest, scan: ScanResult): LogNote[] {
  const notes: LogNote[] = [];
  if (scan.count > manifest.count) {
    const extra = scan.count - manifest.count;
    notes.push({ kind: 'extra', seq: manifest.count, message: `${extra} sound line${extra === 1 ? '' : 's'} after the ${manifest.count} ${MANIFEST_FILE} pins: written before the writer stopped, and kept by the next one` });
  }
  if (scan.finishedSeq === undefined) notes.push({ kind: 'not-finished', seq: scan.count, message: 'the log does not end with run.finished: the run is unfinished, or stopped before it could finish' });
  return notes;
}

/**
 * Checks the log of the run directory dir against its manifest: every line sound and in its place,
 * the manifest's count lines ending at its head, and run.finished last exactly when it says the run
 * finished. Without a manifest, a log whose every line is sound passes with a warning. Reports
 * the first problem by its seq. Takes no lock: a writer appending meanwhile may leave its last line
 * torn in what is read.
 */
export async function verifyLog(dir: string, options: VerifyLogOptions = {}): Promise<LogVerdict> {
  // The manifest is read first: a writer syncs the lines it pins before it replaces it.
  const read = await readManifestOf(dir);
  const manifest = 'manifest' in read ? read.manifest : undefined;
  const path = join(dir, EVENTS_FILE);
  const size = await fileSize(path);
  if (size === undefined) {
    const pinned = manifest === undefined ? '' : `, but ${MANIFEST_FILE} pins ${manifest.count} lines`;
    return { ok: false, problem: { kind: 'truncated', seq: 0, message: `there is no ${EVENTS_FILE}${pinned}` }, split: undefined };
  }
  const { scan, split } = await scanLog(path, size, manifest === undefined || manifest.count === 0 ? undefined : manifest.count - 1, options);
  if ('absent' in read) return scan.problem === undefined ? withoutManifest(scan, split) : { ok: false, problem: scan.problem, split };
  if ('problem' in read) return { ok: false, problem: scan.problem ?? { kind: 'manifest', seq: undefined, message: read.problem }, split };
  const problem = lowest([scan.problem, ...manifestProblems(read.manifest, scan)]);
  if (problem !== undefined) return { ok: false, problem: afterPinned(problem, read.manifest), split };
  return { ok: true, count: scan.count, head: scan.head, finished: scan.finishedSeq !== undefined, manifest: read.manifest, notes: notesOf(read.manifest, scan), split };
}

/** The verdict on a sound log without a manifest: the one a writer rebuilds from it, and a warning. */
function withoutManifest(scan: ScanResult, split: number | undefined): LogVerdict {
  const manifest = manifestOf(scan.count, scan.head, scan.finishedSeq !== undefined);
  const missing: LogNote = {
    kind: 'no-manifest',
    seq: scan.count,
    message: `there is no ${MANIFEST_FILE}: the log's chain verifies, and \`aos resume\` rebuilds the manifest from its ${scan.count} lines; without it, a log cut at a line boundary cannot be told`,
  };
  return { ok: true, count: scan.count, head: scan.head, finished: manifest.finished, manifest, notes: [missing, ...notesOf(manifest, scan)], split };
}
