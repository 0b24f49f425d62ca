// The run directory's writer (DESIGN.md sections 5 and 8): chains events into events.jsonl, stores
// blobs, and makes both durable in group commits, each closed by a new manifest.json.
import { hash as digest } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { AosError } from '../bytecode/errors.js';
import { GENESIS_HASH, type KernelEvent } from '../bytecode/events.js';
import { textAfterHash, textBeforeHash } from './chain.js';
import { makeDirDurable, nodeFs, replaceFile, type DurableFile, type DurableFs } from './durable-fs.js';
import { readRunLog, type RunLogContents, type TornTail } from './reader.js';
import { BLOBS_DIR, EVENTS_FILE, MANIFEST_FILE, manifestBytes, RunDirError } from './run-dir.js';
import { RunLock, type RunLockOptions } from './run-lock.js';
import { LineSealer } from './sealer.js';

const ignore = (): void => undefined;

/**
 * torn-tail: the log ends in a torn line that was not cut off. finished: the log already ends with
 * run.finished. seq: the event's seq is not the next one. first-line: run.started is not line 0,
 * or line 0 is not run.started. closed: the writer is closed. blob-hash: a blob's bytes do not
 * hash to its name (the writer stops: a line may already refer to the blob).
 */
export type RunLogProblem = 'torn-tail' | 'finished' | 'seq' | 'first-line' | 'closed' | 'blob-hash';

/**
 * A call the writer refuses: how a host used it, not what is on the disk (that is a RunDirError),
 * so these are kept apart from RunDirError's problems. Its code is `run-log.<problem>`.
 */
export class RunLogError extends AosError {
  constructor(
    readonly problem: RunLogProblem,
    /** The run directory as the caller named it. */
    readonly dir: string,
    message: string,
  ) {
    super(`run-log.${problem}`, message);
  }
}

export interface RunLogOptions extends RunLockOptions {
  /** open(): cut a torn tail off the log (the caller warns), so that the log can grow again. */
  readonly cutTail?: boolean;
  /** open(): told, in one line, of a manifest.json it wrote again from the log (readRunLog rebuilt it). */
  readonly warn?: (message: string) => void;
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
  #failure: RunDirError | RunLogError | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    readonly fs: DurableFs,
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
   * last sound line. Lines a crashed writer wrote without a sync are synced first, and a manifest
   * readRunLog rebuilt is written. A log ending in run.finished takes no more lines, nor does one
   * with a torn tail unless `cutTail` cuts it off (contents.tail still tells what was cut).
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
      if (contents.manifestRebuilt) await RunLog.#restoreManifest(fs, dir, contents, options.warn);
      const state = { head: contents.head, count: contents.count, manifested: contents.manifest.count, finished: contents.finished };
      return { log: new RunLog(dir, fs, lock, events, state, cut ? undefined : contents.tail), contents };
    } catch (error) {
      await events?.close();
      await lock.release();
      throw error;
    }
  }

  /** Writes the manifest readRunLog rebuilt, once the lines it pins are synced, and says so. */
  static async #restoreManifest(fs: DurableFs, dir: string, contents: RunLogContents, warn: ((message: string) => void) | undefined): Promise<void> {
    const { count, head, finished } = contents.manifest;
    await replaceFile(fs, join(dir, MANIFEST_FILE), manifestBytes(count, head, finished));
    warn?.(`run directory ${dir} had no ${MANIFEST_FILE}: rebuilt from the ${count} lines of ${EVENTS_FILE}, whose chain verifies (head ${head})`);
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
    if (this.tail !== undefined) throw new RunLogError('torn-tail', this.dir, `RunLog: ${this.dir} ends in a torn tail at byte ${this.tail.offset}, which must be cut off before the log grows`);
    if (this.#finished) throw new RunLogError('finished', this.dir, `RunLog: ${this.dir} already ends with run.finished; nothing may follow it`);
    const count = this.#sealer.pushed;
    if (event.seq !== count) throw new RunLogError('seq', this.dir, `RunLog: event seq ${event.seq} is not the next seq ${count}`);
    if ((event.kind === 'run.started') !== (count === 0)) {
      throw new RunLogError('first-line', this.dir, `RunLog: run.started must be line 0 and only line 0, got ${event.kind} at seq ${count}`);
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
    if (actual !== hash) throw this.#fail(new RunLogError('blob-hash', this.dir, `RunLog: ${this.dir} was given bytes for blob ${hash} that hash to ${actual}, so the writer stopped`));
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
  #fail(error: unknown): RunDirError | RunLogError {
    const named = error instanceof RunDirError || error instanceof RunLogError;
    this.#failure ??= named ? error : new RunDirError('write', this.dir, `run directory ${this.dir}: writing the run failed, so the writer stopped: ${(error as Error).message}`, { cause: error });
    return this.#failure;
  }

  #checkOpen(): void {
    if (this.#closing !== undefined) throw new RunLogError('closed', this.dir, `RunLog: ${this.dir} is closed`);
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.#failure !== undefined) throw this.#failure;
  }
}
