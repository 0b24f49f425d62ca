// The exclusive lock on a run directory, so that two writers (two `aos resume`s) never append to
// one log: a lock file created only if absent, naming its holder's host, pid and a random token.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../bytecode/canonical.js';
import { AosError } from '../bytecode/errors.js';
import { nodeFs, type DurableFs } from './durable-fs.js';

/** The lock file's name in the run directory; it exists only while a writer holds the run. */
export const LOCK_FILE = 'writer.lock';

export interface LockHolder {
  /** The machine the holder runs on: a pid means nothing elsewhere. */
  readonly host: string;
  readonly pid: number;
  /** Tells this holder from a later one with the same pid. */
  readonly token: string;
}

/**
 * held: another writer is running. stale: the holder stopped without releasing, and breakStale
 * was not given. unreadable: the lock file is not a lock record. breaking: another process, still
 * running (or of another host), is taking over the same stale lock; a takeover that stopped midway
 * is taken up instead. lost: the lock was taken from its holder while held.
 */
export type RunLockProblem = 'held' | 'stale' | 'unreadable' | 'breaking' | 'lost';

/** The run's lock could not be taken or was lost; its code is `run-lock.<problem>`. */
export class RunLockError extends AosError {
  constructor(
    readonly problem: RunLockProblem,
    /** The run directory as the caller named it. */
    readonly dir: string,
    readonly holder: LockHolder | undefined,
    message: string,
  ) {
    super(`run-lock.${problem}`, message);
  }
}

export interface RunLockOptions {
  readonly fs?: DurableFs;
  /**
   * Take over a lock whose holder ran on this machine and is no longer running. Default false:
   * taking over is a decision for the person resuming the run, never automatic.
   */
  readonly breakStale?: boolean;
  /** Whether a process of this machine is running. Default: signal 0 to the pid. */
  readonly isRunning?: (pid: number) => boolean;
  /** Default: os.hostname(). */
  readonly host?: string;
  /** Default: this process's pid. */
  readonly pid?: number;
}

const TOKEN = /^[0-9a-f]{32}$/;

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockText(holder: LockHolder): Uint8Array {
  return Buffer.from(canonicalJson({ host: holder.host, pid: holder.pid, token: holder.token }) + '\n', 'utf8');
}

function parseHolder(bytes: Uint8Array): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { host, pid, token } = value as Record<string, unknown>;
  if (typeof host !== 'string' || !Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof token !== 'string' || !TOKEN.test(token)) return undefined;
  return { host, pid: pid as number, token };
}

type Observed = { readonly state: 'absent' } | { readonly state: 'unreadable' } | { readonly state: 'held'; readonly holder: LockHolder };

async function observe(fs: DurableFs, path: string): Promise<Observed> {
  const bytes = await fs.readFile(path);
  if (bytes === undefined) return { state: 'absent' };
  const holder = parseHolder(bytes);
  return holder === undefined ? { state: 'unreadable' } : { state: 'held', holder };
}

/** Who is taking a stale lock over, and how it judges other processes of its machine. */
interface Taker {
  readonly dir: string;
  readonly fs: DurableFs;
  readonly me: LockHolder;
  readonly isRunning: (pid: number) => boolean;
}

/** How many times a lock that vanished between a failed create and the read is tried again. */
const ATTEMPTS = 5;

export class RunLock {
  #released = false;

  private constructor(
    readonly dir: string,
    private readonly fs: DurableFs,
    readonly holder: LockHolder,
  ) {}

  /** Takes the lock on dir (which must exist), or throws a RunLockError naming dir and the holder. */
  static async acquire(dir: string, options: RunLockOptions = {}): Promise<RunLock> {
    const fs = options.fs ?? nodeFs;
    const me: LockHolder = { host: options.host ?? hostname(), pid: options.pid ?? process.pid, token: randomBytes(16).toString('hex') };
    const path = join(dir, LOCK_FILE);
    const isRunning = options.isRunning ?? processIsRunning;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await fs.createExclusive(path, lockText(me))) return new RunLock(dir, fs, me);
      const seen = await observe(fs, path);
      if (seen.state === 'absent') continue;
      if (seen.state === 'unreadable') {
        throw new RunLockError('unreadable', dir, undefined, `run directory ${dir} has a lock file ${LOCK_FILE} that is not a lock record; if no aos process is using this run, delete ${path}`);
      }
      const { holder } = seen;
      if (holder.host !== me.host) {
        throw new RunLockError('held', dir, holder, `run directory ${dir} is locked by process ${holder.pid} on host ${holder.host}, which cannot be checked from host ${me.host}; if no aos process is using this run, delete ${path}`);
      }
      if (isRunning(holder.pid)) {
        throw new RunLockError('held', dir, holder, `run directory ${dir} is locked by process ${holder.pid}, which is still running: only one writer may append to a run`);
      }
      if (options.breakStale !== true) {
        throw new RunLockError('stale', dir, holder, `run directory ${dir} is locked by process ${holder.pid}, which is no longer running; take the lock over explicitly (breakStale) once you are sure no other writer is using this run`);
      }
      if (await RunLock.takeOver({ dir, fs, isRunning, me }, holder)) return new RunLock(dir, fs, me);
    }
    throw new RunLockError('held', dir, undefined, `run directory ${dir}: its lock kept changing hands while it was being taken`);
  }

  /**
   * Replaces the stale lock of holder with me. Whoever holds the ticket named for the stale token
   * is the one taker: a second taker that saw the same stale lock cannot create it while the first
   * works, and once it is gone finds the lock no longer stale. Without the ticket, a slower taker
   * could delete the lock the faster one had just made. False when the stale lock was released in
   * between, so the caller tries again from the start.
   */
  private static takeOver(taker: Taker, stale: LockHolder): Promise<boolean> {
    return RunLock.replaceStale(taker, join(taker.dir, LOCK_FILE), stale, stale);
  }

  /**
   * Replaces the record of a stopped holder at path with the taker's, under the ticket named for
   * the holder's token. A ticket whose own taker stopped midway is itself such a record, replaced
   * the same way under a ticket of its own: a takeover killed at any step is taken up by the next,
   * still one taker at a time. lock is the holder of the run's lock being taken over.
   */
  private static async replaceStale(taker: Taker, path: string, holder: LockHolder, lock: LockHolder): Promise<boolean> {
    const { fs, me } = taker;
    const ticket = `${path}.break-${holder.token}`;
    if (!(await fs.createExclusive(ticket, lockText(me))) && !(await RunLock.takeUpTicket(taker, ticket, lock))) return false;
    try {
      const seen = await observe(fs, path);
      if (seen.state !== 'held' || seen.holder.token !== holder.token) return false;
      await fs.remove(path);
      return await fs.createExclusive(path, lockText(me));
    } finally {
      await fs.remove(ticket);
    }
  }

  /**
   * Makes the taker the holder of a ticket another taker created, when that one stopped; refuses
   * when it still runs or cannot be judged from here. False when the ticket went away meanwhile.
   */
  private static async takeUpTicket(taker: Taker, ticket: string, lock: LockHolder): Promise<boolean> {
    const seen = await observe(taker.fs, ticket);
    if (seen.state === 'absent') return false;
    const other = seen.state === 'held' ? seen.holder : undefined;
    if (other === undefined || other.host !== taker.me.host || taker.isRunning(other.pid)) {
      const who = other === undefined ? 'a ticket that is not a lock record' : `process ${other.pid}${other.host === taker.me.host ? '' : ` on host ${other.host}`}`;
      throw new RunLockError('breaking', taker.dir, lock, `run directory ${taker.dir}: ${who} is taking over the stale lock of process ${lock.pid}; if no aos process is using this run, delete ${ticket}`);
    }
    return RunLock.replaceStale(taker, ticket, other, lock);
  }

  /** Gives the lock up; throws a RunLockError when it was taken from this holder while held. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const path = join(this.dir, LOCK_FILE);
    const seen = await observe(this.fs, path);
    if (seen.state === 'held' && seen.holder.token === this.holder.token) {
      await this.fs.remove(path);
      return;
    }
    const now = seen.state === 'held' ? `process ${seen.holder.pid} holds it now` : 'its lock file is gone';
    throw new RunLockError('lost', this.dir, this.holder, `run directory ${this.dir}: the lock of process ${this.holder.pid} was taken from it while held (${now}); another writer may have appended to the run`);
  }
}
