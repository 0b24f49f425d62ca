// The run directory's writer (DESIGN.md sections 5 and 8): chains events into events.jsonl, stores
// blobs, and makes both durable in group commits, each closed by a new manifest.json; and the
// reader that checks a run directory's log against its manifest before a run is resumed.
import { hash as digest } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import manifestSchema from '../../schemas/manifest.schema.json' with { type: 'json' };
import { GENESIS_HASH, type KernelEvent } from '../bytecode/events.js';
import { canonicalJson } from '../bytecode/hash.js';
import type { RunManifest } from '../generated/manifest.js';
import { textAfterHash, textBeforeHash, verifyLines } from './chain.js';
import { makeDirDurable, nodeFs, replaceFile, type DurableFile, type DurableFs } from './durable-fs.js';
import { RunLock, type RunLockOptions } from './run-lock.js';
import { LineSealer } from './sealer.js';

export type { RunManifest };

export const EVENTS_FILE = 'events.jsonl';
export const BLOBS_DIR = 'blobs';
export const MANIFEST_FILE = 'manifest.json';

/**
 * exists: create() found a run already there. manifest: manifest.json is missing or invalid.
 * log: events.jsonl is missing. damaged: a committed line is unsound, or the lines end at another
 * head than the manifest's. truncated: the log holds fewer lines than the manifest pins.
 * The writer stops for good after these two, leaving what reached the disk for the next writer to
 * read back: write: a write or sync failed. host-path: an event held the run directory's host path.
 */
export type RunDirProblem = 'exists' | 'manifest' | 'log' | 'damaged' | 'truncated' | 'write' | 'host-path';

export class RunDirError extends Error {
  override readonly name = 'RunDirError';

  constructor(
    readonly problem: RunDirProblem,
    /** The run directory as the caller named it. */
    readonly dir: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The message without the run directory it opens with, for a caller that has named it already. */
  get problemText(): string {
    const prefix = `run directory ${this.dir}`;
    return this.message.startsWith(prefix) ? this.message.slice(prefix.length).replace(/^:?\s*/, '') : this.message;
  }
}

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
  readonly manifest: RunManifest;
  /** The sound lines, from seq 0, without their newlines: the manifest's lines and any after them. */
  readonly lines: readonly string[];
  readonly head: string;
  readonly count: number;
  /** The last sound line is run.finished. */
  readonly finished: boolean;
  readonly tail: TornTail | undefined;
}

const ignore = (): void => undefined;

let manifestValidator: ValidateFunction | undefined;

function manifestBytes(count: number, head: string, finished: boolean): Uint8Array {
  const manifest: RunManifest = { blobs: BLOBS_DIR, count, events: EVENTS_FILE, finished, format: 'aos-run', head, version: 1 };
  return Buffer.from(canonicalJson(manifest) + '\n', 'utf8');
}

/** The run's manifest.json, checked against its schema; a RunDirError ('manifest') when it is missing or invalid. */
export async function readManifest(fs: DurableFs, dir: string): Promise<RunManifest> {
  const bytes = await fs.readFile(join(dir, MANIFEST_FILE));
  if (bytes === undefined) throw new RunDirError('manifest', dir, `run directory ${dir} has no ${MANIFEST_FILE}: it is not a run directory, or its creation did not finish`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new RunDirError('manifest', dir, `run directory ${dir}: ${MANIFEST_FILE} is not JSON: ${(error as Error).message}`);
  }
  manifestValidator ??= new Ajv2020({ strict: true }).compile(manifestSchema);
  if (!manifestValidator(value)) {
    const first = manifestValidator.errors?.[0];
    throw new RunDirError('manifest', dir, `run directory ${dir}: ${MANIFEST_FILE} does not match schemas/manifest.schema.json: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  return value as RunManifest;
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
 * torn tail, and left as it is.
 */
export async function readRunLog(dir: string, options: { readonly fs?: DurableFs } = {}): Promise<RunLogContents> {
  const fs = options.fs ?? nodeFs;
  const manifest = await readManifest(fs, dir);
  const bytes = await fs.readFile(join(dir, EVENTS_FILE));
  if (bytes === undefined) throw new RunDirError('log', dir, `run directory ${dir} has no ${EVENTS_FILE}`);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { lines, starts, complete } = splitLines(buffer);
  const pinned = manifest.count;
  if (lines.length < pinned) {
    throw new RunDirError('truncated', dir, `run directory ${dir}: ${EVENTS_FILE} holds ${lines.length} complete lines, but ${MANIFEST_FILE} pins ${pinned}`);
  }
  const committed = verifyLines(lines.slice(0, pinned));
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
  return { manifest, lines: sound, head, count: sound.length, finished, tail };
}

export interface RunLogOptions extends RunLockOptions {
  /** open(): cut a torn tail off the log (the caller warns), so that the log can grow again. */
  readonly cutTail?: boolean;
}

interface WriterState {
  /** The h of the last line on disk, and the count of lines. */
  readonly head: string;
  readonly count: number;
  readonly manifested: number;
  readonly finished: boolean;
}

/**
 * The one writer of a run directory, holding its lock from create or open until close.
 *
 * The host's part of the write-ahead rule: put a step's blobs (putBlob) before appending the
 * events that refer to them, append the step's events, and await commit() before dispatching an
 * effect those events request or applying a completion it has appended. Effects are requested
 * under their ids (`writer#3/e7`), which the drivers use as idempotency keys, so an effect
 * dispatched again after a crash does its work once.
 */
export class RunLog {
  readonly #blobsInFlight = new Map<string, Promise<void>>();
  readonly #blobsSynced = new Set<string>();
  readonly #hostDir: string | undefined;
  /** Chains the lines appended on the other core; a commit takes them. */
  readonly #sealer: LineSealer;
  #head: string;
  #durable: number;
  #finished: boolean;
  /** The commit under way, and the one that starts when it ends. */
  #committing: Promise<void> | undefined;
  /** The manifest replacements under way (they end with the latest state written). */
  #manifesting: Promise<void> = Promise.resolve();
  /** The count of the last manifest asked for, the bytes of one not yet written, and whether none is being written. */
  #manifestedTo: number;
  #manifestWanted: Uint8Array | undefined;
  #manifestIdle = true;
  /** The last flush handed out, and the commit() promise made of it. */
  #lastLines: Promise<void> | undefined;
  #lastCommit: Promise<void> | undefined;
  #queuedCommit: Promise<void> | undefined;
  #failure: RunDirError | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    private readonly fs: DurableFs,
    private readonly lock: RunLock,
    private readonly events: DurableFile,
    state: WriterState,
    private readonly tail: TornTail | undefined,
  ) {
    this.#sealer = new LineSealer(state.head, state.count);
    this.#head = state.head;
    this.#durable = state.count;
    this.#manifestedTo = state.manifested;
    this.#finished = state.finished;
    // An event holding the run directory's host path would not replay on another machine. (A run
    // in the root directory, absurd as it is, would make every virtual path look like one.)
    const hostDir = resolve(dir);
    this.#hostDir = dirname(hostDir) === hostDir ? undefined : JSON.stringify(hostDir).slice(1, -1);
  }

  /** Makes dir (and its parents) and a new, empty run in it, holding its lock. */
  static async create(dir: string, options: RunLogOptions = {}): Promise<RunLog> {
    const fs = options.fs ?? nodeFs;
    await makeDirDurable(fs, dir);
    const lock = await RunLock.acquire(dir, { ...options, fs });
    let events: DurableFile | undefined;
    try {
      if ((await fs.stat(join(dir, MANIFEST_FILE))) !== undefined || (await fs.stat(join(dir, EVENTS_FILE))) !== undefined) {
        throw new RunDirError('exists', dir, `run directory ${dir} already holds a run: resume it, or choose another directory`);
      }
      await fs.mkdir(join(dir, BLOBS_DIR));
      events = await fs.open(join(dir, EVENTS_FILE), 'append');
      // events.jsonl and blobs/ are durable before the manifest that says the run exists.
      await fs.syncDir(dir);
      await replaceFile(fs, join(dir, MANIFEST_FILE), manifestBytes(0, GENESIS_HASH, false));
      return new RunLog(dir, fs, lock, events, { head: GENESIS_HASH, count: 0, manifested: 0, finished: false }, undefined);
    } catch (error) {
      await events?.close();
      await lock.release();
      throw error;
    }
  }

  /**
   * Takes the lock of an existing run and reads its log (readRunLog), ready to append after its
   * last sound line. Lines a crashed writer wrote without a sync are synced first. A log ending in
   * run.finished takes no more lines, nor does one with a torn tail unless `cutTail` cuts it off
   * (contents.tail still tells what was cut).
   */
  static async open(dir: string, options: RunLogOptions = {}): Promise<{ log: RunLog; contents: RunLogContents }> {
    const fs = options.fs ?? nodeFs;
    const lock = await RunLock.acquire(dir, { ...options, fs });
    let events: DurableFile | undefined;
    try {
      const contents = await readRunLog(dir, { fs });
      const cut = contents.tail !== undefined && options.cutTail === true;
      if (cut) await fs.truncate(join(dir, EVENTS_FILE), (contents.tail as TornTail).offset);
      events = await fs.open(join(dir, EVENTS_FILE), 'append');
      await events.sync();
      const state = { head: contents.head, count: contents.count, manifested: contents.manifest.count, finished: contents.finished };
      return { log: new RunLog(dir, fs, lock, events, state, cut ? undefined : contents.tail), contents };
    } catch (error) {
      await events?.close();
      await lock.release();
      throw error;
    }
  }

  /** Lines appended, which is also the next seq. */
  get count(): number {
    return this.#sealer.pushed;
  }

  /** The h of the last line committed. */
  get head(): string {
    return this.#head;
  }

  /** Lines known to be durable: an effect requested at a seq below this may be dispatched. */
  get durable(): number {
    return this.#durable;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Serialises the event and queues its line, which is chained by the next commit. */
  append(event: KernelEvent): void {
    this.#checkWritable();
    if (this.tail !== undefined) throw new Error(`RunLog: ${this.dir} ends in a torn tail at byte ${this.tail.offset}, which must be cut off before the log grows`);
    if (this.#finished) throw new Error(`RunLog: ${this.dir} already ends with run.finished; nothing may follow it`);
    const count = this.#sealer.pushed;
    if (event.seq !== count) throw new Error(`RunLog: event seq ${event.seq} is not the next seq ${count}`);
    if ((event.kind === 'run.started') !== (count === 0)) {
      throw new Error(`RunLog: run.started must be line 0 and only line 0, got ${event.kind} at seq ${count}`);
    }
    const before = textBeforeHash(event);
    const after = textAfterHash(event);
    // A path can only be in the data: the rest of the line is h (hex) and the kind, pid and seq
    // (names from the bytecode).
    if (this.#hostDir !== undefined && before.includes(this.#hostDir)) {
      this.#failure = new RunDirError('host-path', this.dir, `run directory ${this.dir}: event ${event.seq} (${event.kind}) holds the run directory's host path; events carry virtual paths only`);
      throw this.#failure;
    }
    this.#sealer.push(before, after);
    if (event.kind === 'run.finished') this.#finished = true;
  }

  /**
   * Stores a blob as blobs/<hash>, durably (its bytes, then its name), unless this writer has
   * already done so. text is stored as UTF-8. Resolves once the blob is durable; a commit started
   * after this call also waits for it.
   */
  async putBlob(hash: string, content: string | Uint8Array): Promise<void> {
    this.#checkWritable();
    if (this.#blobsSynced.has(hash)) return;
    const inFlight = this.#blobsInFlight.get(hash);
    if (inFlight !== undefined) return inFlight;
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const actual = digest('sha256', bytes, 'hex');
    // A line may already refer to the hash: with the blob missing, nothing more may be committed.
    if (actual !== hash) throw this.#fail(new Error(`the bytes given for blob ${hash} hash to ${actual}`));
    const stored = this.#storeBlob(hash, bytes).then(
      () => {
        this.#blobsSynced.add(hash);
        this.#blobsInFlight.delete(hash);
      },
      (error: unknown) => {
        this.#blobsInFlight.delete(hash);
        throw this.#fail(error);
      },
    );
    this.#blobsInFlight.set(hash, stored);
    return stored;
  }

  async #storeBlob(hash: string, bytes: Uint8Array): Promise<void> {
    const blobs = join(this.dir, BLOBS_DIR);
    const path = join(blobs, hash);
    const present = await this.fs.readFile(path);
    if (present === undefined || digest('sha256', present, 'hex') !== hash) {
      await replaceFile(this.fs, path, bytes);
      return;
    }
    // Left by an earlier writer of this run, which may have stopped before syncing it.
    const file = await this.fs.open(path, 'append');
    try {
      await file.sync();
    } finally {
      await file.close();
    }
    await this.fs.syncDir(blobs);
  }

  /**
   * A group commit: once every blob put before this call is durable, writes every line appended
   * before it in one write, syncs the log, and replaces the manifest. Resolves when all of that is
   * durable. Calls made while a commit is under way share the next one.
   */
  commit(): Promise<void> {
    this.#checkOpen();
    const lines = this.#commitLines();
    if (lines !== this.#lastLines) {
      this.#lastLines = lines;
      this.#lastCommit = lines.then(() => this.#manifesting);
    }
    return this.#lastCommit as Promise<void>;
  }

  /**
   * The same group commit, resolving once the lines are durable: what dispatching an effect or
   * applying a completion waits for. The manifest is replaced after, off the critical path; a
   * crash before that leaves sound lines past the manifest's count, which the next writer keeps.
   */
  commitLines(): Promise<void> {
    this.#checkOpen();
    return this.#commitLines();
  }

  /** The flush that takes the lines appended so far: the one under way if it has not taken them yet, else the next. */
  #commitLines(): Promise<void> {
    const running = this.#committing;
    if (running === undefined) return this.#startCommit();
    this.#queuedCommit ??= running.then(ignore, ignore).then(() => {
      this.#queuedCommit = undefined;
      return this.#startCommit();
    });
    return this.#queuedCommit;
  }

  /** Starts a flush, which takes the buffered lines and the blobs in flight before its first await. */
  #startCommit(): Promise<void> {
    const flush = this.#flush();
    this.#committing = flush;
    const done = () => {
      if (this.#committing === flush) this.#committing = undefined;
    };
    flush.then(done, done);
    return flush;
  }

  async #flush(): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    const blobs = [...this.#blobsInFlight.values()];
    const taken = this.#sealer.take();
    const finished = this.#finished;
    try {
      const [{ bytes, head, count }] = await Promise.all([taken, ...blobs]);
      if (bytes.length > 0) await this.#writeLines(bytes);
      this.#durable = count;
      this.#head = head;
      if (this.#manifestedTo !== count) {
        // Replaced once the lines are durable: one replacement at a time, each writing the latest
        // state, so commits that follow each other closely share one.
        this.#manifestedTo = count;
        this.#manifestWanted = manifestBytes(count, head, finished);
        if (this.#manifestIdle) {
          this.#manifestIdle = false;
          this.#manifesting = this.#writeManifests();
          this.#manifesting.catch(ignore);
        }
      }
    } catch (error) {
      throw this.#fail(error);
    }
  }

  async #writeManifests(): Promise<void> {
    try {
      for (let bytes = this.#manifestWanted; bytes !== undefined; bytes = this.#manifestWanted) {
        this.#manifestWanted = undefined;
        await replaceFile(this.fs, join(this.dir, MANIFEST_FILE), bytes);
      }
    } catch (error) {
      throw this.#fail(error);
    } finally {
      this.#manifestIdle = true;
    }
  }

  async #writeLines(bytes: Uint8Array): Promise<void> {
    await this.events.write(bytes);
    await this.events.sync();
  }

  /**
   * Commits what is buffered, then closes the log and releases the lock once no write is under
   * way, even after a failure. Nothing may be appended once close is called.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      const committed = this.#failure === undefined ? this.commit() : Promise.resolve();
      this.#closing = this.#shutDown(committed);
    }
    return this.#closing;
  }

  async #shutDown(committed: Promise<void>): Promise<void> {
    try {
      await committed;
    } finally {
      await Promise.allSettled([this.#committing, this.#queuedCommit, this.#manifesting, ...this.#blobsInFlight.values()]);
      this.#sealer.close();
      try {
        await this.events.close();
      } finally {
        await this.lock.release();
      }
    }
  }

  /** After a failed write or sync nothing more may be written: what reached the disk is unknown. */
  #fail(error: unknown): RunDirError {
    this.#failure ??= error instanceof RunDirError ? error : new RunDirError('write', this.dir, `run directory ${this.dir}: writing the run failed, so the writer stopped: ${(error as Error).message}`, { cause: error });
    return this.#failure;
  }

  #checkOpen(): void {
    if (this.#closing !== undefined) throw new Error(`RunLog: ${this.dir} is closed`);
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.#failure !== undefined) throw this.#failure;
  }
}
