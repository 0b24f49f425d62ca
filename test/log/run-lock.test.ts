// The run directory's lock admits one writer: a second one is refused with the directory and the
// holder's pid; a lock left by a process that stopped is taken over only when asked, by exactly one
// taker however their steps interleave, also after a taker died midway; and a holder learns when its
// lock was taken from it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, RunLock, RunLockError, type LockHolder } from '../../src/log/run-lock.js';
import type { DurableFs } from '../../src/log/durable-fs.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aos-lock-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid as number;
}

function lockRecord(holder: LockHolder): string {
  return JSON.stringify(holder) + '\n';
}

function holderOnDisk(): LockHolder {
  return JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockHolder;
}

async function refusal(promise: Promise<unknown>): Promise<RunLockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RunLockError);
  return error as RunLockError;
}

describe('RunLock', () => {
  it('refuses a second writer while the first holds the run, naming the directory and the holder', async () => {
    const first = await RunLock.acquire(dir);
    expect(holderOnDisk()).toEqual({ host: hostname(), pid: process.pid, token: first.holder.token });
    const error = await refusal(RunLock.acquire(dir));
    expect(error.problem).toBe('held');
    expect(error.dir).toBe(dir);
    expect(error.holder?.pid).toBe(process.pid);
    expect(error.message).toContain(`run directory ${dir} is locked by process ${process.pid}, which is still running`);
    await first.release();
    expect(readdirSync(dir)).toEqual([]);
    const second = await RunLock.acquire(dir);
    expect(second.holder.token).not.toBe(first.holder.token);
    await second.release();
  });

  it('names the run directory as the caller did, relative or virtual', async () => {
    const held = new Map<string, Uint8Array>([['runs/r1/writer.lock', Buffer.from(lockRecord({ host: hostname(), pid: 4242, token: 'a'.repeat(32) }))]]);
    const fs = { createExclusive: async (path: string) => !held.has(path), readFile: async (path: string) => held.get(path) } as unknown as DurableFs;
    const error = await refusal(RunLock.acquire('runs/r1', { fs, isRunning: () => true }));
    expect(error.message).toBe('run directory runs/r1 is locked by process 4242, which is still running: only one writer may append to a run');
  });

  it('reports a lock whose holder stopped, and takes it over only with breakStale', async () => {
    const pid = deadPid();
    const stale = { host: hostname(), pid, token: 'b'.repeat(32) };
    writeFileSync(join(dir, LOCK_FILE), lockRecord(stale));
    const error = await refusal(RunLock.acquire(dir));
    expect(error.problem).toBe('stale');
    expect(error.holder).toEqual(stale);
    expect(error.message).toContain(`run directory ${dir} is locked by process ${pid}, which is no longer running`);
    expect(holderOnDisk()).toEqual(stale);

    const lock = await RunLock.acquire(dir, { breakStale: true });
    expect(holderOnDisk()).toEqual(lock.holder);
    expect(lock.holder.pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    await lock.release();
  });

  it('never takes over a running holder, even with breakStale', async () => {
    const first = await RunLock.acquire(dir);
    expect((await refusal(RunLock.acquire(dir, { breakStale: true }))).problem).toBe('held');
    await first.release();
  });

  it('treats a lock taken on another host as held: its pid cannot be checked here', async () => {
    writeFileSync(join(dir, LOCK_FILE), lockRecord({ host: 'elsewhere', pid: deadPid(), token: 'c'.repeat(32) }));
    const error = await refusal(RunLock.acquire(dir, { breakStale: true }));
    expect(error.problem).toBe('held');
    expect(error.message).toContain('on host elsewhere, which cannot be checked from host');
    expect(error.message).toContain(join(dir, LOCK_FILE));
  });

  it('refuses a lock file that is not a lock record, saying which file to delete', async () => {
    writeFileSync(join(dir, LOCK_FILE), '');
    const error = await refusal(RunLock.acquire(dir, { breakStale: true }));
    expect(error.problem).toBe('unreadable');
    expect(error.message).toContain(`delete ${join(dir, LOCK_FILE)}`);
  });

  it('refuses to break a stale lock another taker is breaking, naming its ticket', async () => {
    const stale = { host: hostname(), pid: deadPid(), token: 'd'.repeat(32) };
    writeFileSync(join(dir, LOCK_FILE), lockRecord(stale));
    writeFileSync(join(dir, `${LOCK_FILE}.break-${stale.token}`), lockRecord({ ...stale, pid: process.pid, token: 'e'.repeat(32) }));
    const error = await refusal(RunLock.acquire(dir, { breakStale: true }));
    expect(error.problem).toBe('breaking');
    expect(error.message).toContain(`${LOCK_FILE}.break-${stale.token}`);
    expect(holderOnDisk()).toEqual(stale);
  });

  it('takes over a stale lock whose last taker died mid-takeover, leaving no ticket behind', async () => {
    const stale = { host: hostname(), pid: deadPid(), token: '1'.repeat(32) };
    const ticket = `${LOCK_FILE}.break-${stale.token}`;
    writeFileSync(join(dir, LOCK_FILE), lockRecord(stale));
    writeFileSync(join(dir, ticket), lockRecord({ host: hostname(), pid: deadPid(), token: '2'.repeat(32) }));
    expect((await refusal(RunLock.acquire(dir))).problem).toBe('stale');
    const lock = await RunLock.acquire(dir, { breakStale: true });
    expect(holderOnDisk()).toEqual(lock.holder);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    await lock.release();
  });

  it('tells a holder on release that its lock was taken from it, and leaves the new holder\'s lock alone', async () => {
    const lock = await RunLock.acquire(dir);
    const intruder = { host: hostname(), pid: 77, token: 'f'.repeat(32) };
    writeFileSync(join(dir, LOCK_FILE), lockRecord(intruder));
    const error = await refusal(lock.release());
    expect(error.problem).toBe('lost');
    expect(error.message).toContain('process 77 holds it now');
    expect(holderOnDisk()).toEqual(intruder);
  });
});

/** Lock files in memory, where every operation waits for the scheduler to let it run. */
function scheduledFs(s: fc.Scheduler, files: Map<string, Uint8Array>): DurableFs {
  const step = <T>(label: string, act: () => T): Promise<T> => s.schedule(Promise.resolve(label), label).then(act);
  const unused = (): never => {
    throw new Error('the lock uses createExclusive, readFile and remove only');
  };
  return {
    createExclusive: (path, data) => step(`create ${path}`, () => !files.has(path) && files.set(path, data) !== undefined),
    readFile: (path) => step(`read ${path}`, () => files.get(path)),
    remove: (path) => step(`remove ${path}`, () => files.delete(path)),
    open: unused,
    mkdir: unused,
    syncDir: unused,
    rename: unused,
    stat: unused,
    truncate: unused,
  };
}

describe('taking over a stale lock', () => {
  it('leaves exactly one holder however two takers and a plain writer interleave', async () => {
    const STALE_PID = 10;
    const path = join('run', LOCK_FILE);
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const files = new Map<string, Uint8Array>([[path, Buffer.from(lockRecord({ host: 'h', pid: STALE_PID, token: '0'.repeat(32) }))]]);
        const fs = scheduledFs(s, files);
        const isRunning = (pid: number) => pid !== STALE_PID;
        const attempts = [11, 12, 13].map((pid) =>
          RunLock.acquire('run', { fs, host: 'h', pid, isRunning, breakStale: pid !== 13 }).then(
            (lock) => lock.holder,
            (error: unknown) => {
              expect(error).toBeInstanceOf(RunLockError);
              return undefined;
            },
          ),
        );
        const holders = (await s.waitFor(Promise.all(attempts))).filter((holder) => holder !== undefined);
        expect(holders).toHaveLength(1);
        expect([...files.keys()]).toEqual([path]);
        expect(JSON.parse(Buffer.from(files.get(path) as Uint8Array).toString('utf8'))).toEqual(holders[0]);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves exactly one holder when two takers in turn died after any of their steps, and two more take over', async () => {
    const STALE_PID = 10;
    const DEAD_TAKERS = [20, 21];
    const path = join('run', LOCK_FILE);
    const parse = (bytes: Uint8Array | undefined): LockHolder => JSON.parse(Buffer.from(bytes ?? new Uint8Array()).toString('utf8')) as LockHolder;
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })), fc.scheduler(), async (diesAfter, s) => {
        const files = new Map<string, Uint8Array>([[path, Buffer.from(lockRecord({ host: 'h', pid: STALE_PID, token: '0'.repeat(32) }))]]);
        // Each dying taker runs alone and stops for good before its step diesAfter[i]; the next one sees it stopped.
        const stopped = new Set([STALE_PID]);
        for (const [i, pid] of DEAD_TAKERS.entries()) {
          const isRunning = (other: number) => !stopped.has(other);
          await takerThatDies(files, diesAfter[i] as number, (fs) => RunLock.acquire('run', { fs, host: 'h', pid, isRunning, breakStale: true }).catch(() => undefined));
          stopped.add(pid);
        }
        const fs = scheduledFs(s, files);
        const attempts = [11, 12].map((pid) =>
          RunLock.acquire('run', { fs, host: 'h', pid, isRunning: (other) => !stopped.has(other), breakStale: true }).then(
            (lock) => lock.holder,
            (error: unknown) => {
              expect(error).toBeInstanceOf(RunLockError);
              return undefined;
            },
          ),
        );
        const holders = (await s.waitFor(Promise.all(attempts))).filter((holder) => holder !== undefined);
        expect(holders, `the dying takers stopped after ${diesAfter.join(' and ')} steps`).toHaveLength(1);
        expect(parse(files.get(path))).toEqual(holders[0]);
        // What else is left names a taker that died: litter, never a lock anyone holds.
        for (const [name, bytes] of files) if (name !== path) expect(DEAD_TAKERS, name).toContain(parse(bytes).pid);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Runs take on in-memory lock files that stop answering from its step diesAfter on, as they would
 * for a process killed there; resolves once it ended or was stopped.
 */
async function takerThatDies(files: Map<string, Uint8Array>, diesAfter: number, take: (fs: DurableFs) => Promise<unknown>): Promise<void> {
  let steps = 0;
  let stopped: () => void = () => undefined;
  const killed = new Promise<void>((resolve) => (stopped = resolve));
  const step = <T>(act: () => T): Promise<T> => {
    if (steps++ < diesAfter) return Promise.resolve(act());
    stopped();
    return new Promise<T>(() => undefined);
  };
  const unused = (): never => {
    throw new Error('the lock uses createExclusive, readFile and remove only');
  };
  const fs: DurableFs = {
    createExclusive: (path, data) => step(() => !files.has(path) && files.set(path, data) !== undefined),
    readFile: (path) => step(() => files.get(path)),
    remove: (path) => step(() => files.delete(path)),
    open: unused,
    mkdir: unused,
    syncDir: unused,
    rename: unused,
    stat: unused,
    truncate: unused,
  };
  await Promise.race([killed, take(fs)]);
}
