// The run directory's writer: committed lines form a sound chain pinned by the manifest; blobs are
// durable before a line names them and the log before the manifest moves; one writer per run; and
// the reader tells a torn tail, a damaged line and a cut log apart; a call out of order is a named
// RunLogError.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import manifestSchema from '../../schemas/manifest.schema.json' with { type: 'json' };
import { GENESIS_HASH, type KernelEvent } from '../../src/bytecode/events.js';
import { verifyLines } from '../../src/log/chain.js';
import { nodeFs, type DurableFs } from '../../src/log/durable-fs.js';
import { RunDirError, type RunManifest } from '../../src/log/run-dir.js';
import { RunLog, RunLogError } from '../../src/log/writer.js';
import { readRunLog } from '../../src/log/reader.js';
import { RunLockError } from '../../src/log/run-lock.js';

let dir: string;

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'aos-log-')), 'runs', 'r1');
});

afterEach(() => {
  rmSync(join(dir, '..', '..'), { recursive: true, force: true });
});

const started: KernelEvent = {
  seq: 0,
  kind: 'run.started',
  data: { backend: null, codeHash: 'c'.repeat(64), format: 1, input: null, kernel: '1', options: { orderedCompletions: false, policy: 'round-robin', quantum: 256 }, seed: 's', workflow: { name: 'w', version: '1' } },
};

function message(seq: number): KernelEvent {
  return { seq, kind: 'msg.sent', pid: 'main', data: { msg: seq, to: 'writer#1' } };
}

function finished(seq: number): KernelEvent {
  return { seq, kind: 'run.finished', data: { status: 'ok' } };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function fileLines(): string[] {
  const text = readFileSync(join(dir, 'events.jsonl'), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

function manifestOnDisk(): RunManifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;
}

/** The real file system, with every operation written down in order, paths relative to the run. */
function recordingFs(ops: string[]): DurableFs {
  const name = (path: string) => relative(dir, path) || '.';
  return {
    async open(path, mode) {
      ops.push(`open ${name(path)} ${mode}`);
      const file = await nodeFs.open(path, mode);
      return {
        write: async (data) => {
          ops.push(`write ${name(path)} ${Buffer.from(data).toString('utf8')}`);
          await file.write(data);
        },
        sync: async () => {
          await file.sync();
          ops.push(`sync ${name(path)}`);
        },
        close: () => file.close(),
      };
    },
    createExclusive: (path, data) => nodeFs.createExclusive(path, data),
    mkdir: (path) => nodeFs.mkdir(path),
    async truncate(path, size) {
      await nodeFs.truncate(path, size);
      ops.push(`truncate ${name(path)} ${size}`);
    },
    async syncDir(path) {
      await nodeFs.syncDir(path);
      ops.push(`syncDir ${name(path)}`);
    },
    async rename(from, to) {
      await nodeFs.rename(from, to);
      ops.push(`rename ${name(from)} ${name(to)}`);
    },
    remove: (path) => nodeFs.remove(path),
    readFile: (path) => nodeFs.readFile(path),
    stat: (path) => nodeFs.stat(path),
  };
}

function indexOf(ops: readonly string[], test: (op: string) => boolean): number {
  const at = ops.findIndex(test);
  expect(at, 'operation not found').toBeGreaterThanOrEqual(0);
  return at;
}

/** The RunLogError a call throws at once. */
function refusal(call: () => unknown): RunLogError {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(RunLogError);
  return thrown as RunLogError;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('RunLog', () => {
  it('commits a sound chain that the manifest pins by head and count', async () => {
    const log = await RunLog.create(dir);
    expect(manifestOnDisk()).toEqual({ blobs: 'blobs', count: 0, events: 'events.jsonl', finished: false, format: 'aos-run', head: GENESIS_HASH, version: 1 });
    log.append(started);
    for (let seq = 1; seq < 2500; seq++) {
      log.append(message(seq));
      if (seq % 1000 === 0) {
        await log.commit();
        expect(log.durable).toBe(seq + 1);
        expect(manifestOnDisk()).toMatchObject({ count: seq + 1, head: log.head, finished: false });
      }
    }
    log.append(finished(2500));
    await log.close();

    const lines = fileLines();
    const verdict = verifyLines(lines);
    expect(verdict).toEqual({ ok: true, head: log.head, count: 2501 });
    const manifest = manifestOnDisk();
    expect(manifest).toMatchObject({ count: 2501, head: log.head, finished: true });
    expect(new Ajv2020({ strict: true }).validate(manifestSchema, manifest)).toBe(true);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(JSON.stringify(manifest, Object.keys(manifest).sort()) + '\n');
    expect(readdirSync(dir).sort()).toEqual(['blobs', 'events.jsonl', 'manifest.json']);
  });

  it('syncs a blob and its directory entry before writing the first line that names it', async () => {
    const ops: string[] = [];
    const log = await RunLog.create(dir, { fs: recordingFs(ops) });
    const text = 'the artifact\'s bytes';
    const hash = sha256(text);
    log.append(started);
    const stored = log.putBlob(hash, text);
    log.append({ seq: 1, kind: 'artifact.recorded', pid: 'main', data: { hash, id: 0, incarnation: 0, inputs: [], kind: 'note', size: text.length } });
    await log.commit();
    await stored;

    const blob = join('blobs', hash);
    const write = indexOf(ops, (op) => op.startsWith('write events.jsonl') && op.includes(hash));
    expect(indexOf(ops, (op) => op === `sync ${blob}.tmp`)).toBeLessThan(indexOf(ops, (op) => op === `rename ${blob}.tmp ${blob}`));
    expect(indexOf(ops, (op) => op === `rename ${blob}.tmp ${blob}`)).toBeLessThan(indexOf(ops, (op) => op === 'syncDir blobs'));
    expect(indexOf(ops, (op) => op === 'syncDir blobs')).toBeLessThan(write);
    expect(readFileSync(join(dir, blob), 'utf8')).toBe(text);
    await log.close();
  });

  it('syncs the log before it renames the manifest, and resolves a commit only once the rename is synced', async () => {
    const ops: string[] = [];
    const log = await RunLog.create(dir, { fs: recordingFs(ops) });
    ops.length = 0;
    log.append(started);
    log.append(message(1));
    await log.commit();
    ops.push('commit resolved');
    const manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8');
    expect(ops.slice().sort()).toEqual([
      'commit resolved',
      'open manifest.json.tmp truncate',
      'rename manifest.json.tmp manifest.json',
      'sync events.jsonl',
      'sync manifest.json.tmp',
      'syncDir .',
      `write events.jsonl ${fileLines().join('\n')}\n`,
      `write manifest.json.tmp ${manifestText}`,
    ]);
    const at = (op: string) => ops.indexOf(op);
    expect(at('sync events.jsonl')).toBeLessThan(at('rename manifest.json.tmp manifest.json'));
    expect(at('sync manifest.json.tmp')).toBeLessThan(at('rename manifest.json.tmp manifest.json'));
    expect(at('rename manifest.json.tmp manifest.json')).toBeLessThan(at('syncDir .'));
    expect(at('syncDir .')).toBe(ops.length - 2);
    expect(manifestOnDisk()).toMatchObject({ count: 2, head: log.head });
    await log.close();
  });

  it('writes a group in one write; lines appended during a commit go into the next, which later calls share', async () => {
    const ops: string[] = [];
    const log = await RunLog.create(dir, { fs: recordingFs(ops) });
    log.append(started);
    const first = log.commit();
    log.append(message(1));
    log.append(message(2));
    const second = log.commit();
    expect(log.commit()).toBe(second);
    await Promise.all([first, second]);
    const writes = ops.filter((op) => op.startsWith('write events.jsonl'));
    expect(writes).toHaveLength(2);
    expect(writes[1]?.split('\n')).toHaveLength(3);
    expect(log.durable).toBe(3);
    await log.close();
  });

  it('closes after the commit under way and what was appended before close, then takes nothing more', async () => {
    const log = await RunLog.create(dir);
    log.append(started);
    const committing = log.commit();
    log.append(message(1));
    const closing = log.close();
    expect(log.close()).toBe(closing);
    expect(() => log.append(message(2))).toThrow('is closed');
    await Promise.all([committing, closing]);
    expect(verifyLines(fileLines())).toMatchObject({ ok: true, count: 2 });
    expect(manifestOnDisk().count).toBe(2);
    expect(readdirSync(dir)).not.toContain('writer.lock');
  });

  it('syncs a blob an earlier writer left instead of rewriting it, and puts a blob once per writer', async () => {
    const text = 'kept';
    const hash = sha256(text);
    const first = await RunLog.create(dir);
    first.append(started);
    await first.close();
    writeFileSync(join(dir, 'blobs', hash), text);

    const ops: string[] = [];
    const { log } = await RunLog.open(dir, { fs: recordingFs(ops) });
    ops.length = 0;
    await log.putBlob(hash, text);
    await log.putBlob(hash, text);
    expect(ops).toEqual([`open blobs/${hash} append`, `sync blobs/${hash}`, 'syncDir blobs']);
    await log.close();
  });

  it('refuses a blob whose bytes do not match its hash, and then commits nothing more', async () => {
    const log = await RunLog.create(dir);
    log.append(started);
    const error = await rejection(log.putBlob('0'.repeat(64), 'not zeros'));
    expect(error).toBeInstanceOf(RunLogError);
    expect(error).toMatchObject({ code: 'run-log.blob-hash', problem: 'blob-hash', dir });
    expect(error.message).toContain(`hash to ${sha256('not zeros')}`);
    expect(await rejection(log.commit())).toBe(error);
    expect(() => log.append(message(1))).toThrow(error.message);
    await log.close();
    expect(readdirSync(join(dir, 'blobs'))).toEqual([]);
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toBe('');
  });

  it('stops after a failed sync, still releasing the run for the next writer', async () => {
    let failing = true;
    const fs: DurableFs = {
      ...nodeFs,
      async open(path, mode) {
        const file = await nodeFs.open(path, mode);
        return {
          ...file,
          write: (data) => file.write(data),
          close: () => file.close(),
          sync: () => (failing && path.endsWith('events.jsonl') ? Promise.reject(new Error('EIO: i/o error, fdatasync')) : file.sync()),
        };
      },
    };
    const log = await RunLog.create(dir, { fs });
    log.append(started);
    const error = await rejection(log.commit());
    expect(error).toBeInstanceOf(RunDirError);
    expect(error).toMatchObject({ code: 'run-dir.write', problem: 'write' });
    expect(error.message).toBe(`run directory ${dir}: writing the run failed, so the writer stopped: EIO: i/o error, fdatasync`);
    failing = false;
    expect(await rejection(log.commit())).toBe(error);
    expect(log.durable).toBe(0);
    await log.close();
    const { log: next, contents } = await RunLog.open(dir);
    expect(contents.manifest.count).toBe(0);
    await next.close();
  });

  it('refuses an event holding the run directory\'s host path', async () => {
    const log = await RunLog.create(dir);
    log.append(started);
    const leak: KernelEvent = { seq: 1, kind: 'msg.sent', pid: 'main', data: { msg: 1, to: `${dir}/workspace/out.txt` } };
    expect(() => log.append(leak)).toThrow(`run directory ${dir}: event 1 (msg.sent) holds the run directory's host path; events carry virtual paths only`);
    expect(await rejection(log.commit())).toMatchObject({ problem: 'host-path' });
    await log.close();
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toBe('');
  });

  it('keeps run.started first and nothing after run.finished', async () => {
    const log = await RunLog.create(dir);
    expect(() => log.append(message(0))).toThrow(/run.started must be line 0/);
    log.append(started);
    expect(() => log.append({ ...started, seq: 1 })).toThrow(/run.started must be line 0 and only line 0/);
    log.append(finished(1));
    expect(log.finished).toBe(true);
    expect(() => log.append(message(2))).toThrow(/already ends with run.finished/);
    await log.close();
  });

  it('refuses each call out of order with a RunLogError and its code, and takes the right call after it', async () => {
    const log = await RunLog.create(dir);
    expect(refusal(() => log.append(message(0)))).toMatchObject({ code: 'run-log.first-line', problem: 'first-line', dir });
    log.append(started);
    expect(refusal(() => log.append(message(2)))).toMatchObject({ code: 'run-log.seq', message: 'RunLog: event seq 2 is not the next seq 1' });
    expect(refusal(() => log.append({ ...started, seq: 1 }))).toMatchObject({ code: 'run-log.first-line' });
    log.append(message(1));
    await log.close();
    expect(refusal(() => log.append(message(2)))).toMatchObject({ code: 'run-log.closed', message: `RunLog: ${dir} is closed` });
    expect(refusal(() => log.commit())).toMatchObject({ code: 'run-log.closed' });
    expect(verifyLines(fileLines())).toMatchObject({ ok: true, count: 2 });

    appendFileSync(join(dir, 'events.jsonl'), '{"data":');
    const { log: torn } = await RunLog.open(dir);
    expect(refusal(() => torn.append(message(2)))).toMatchObject({ code: 'run-log.torn-tail', problem: 'torn-tail' });
    await torn.close();

    const { log: cut } = await RunLog.open(dir, { cutTail: true });
    cut.append(finished(2));
    expect(refusal(() => cut.append(message(3)))).toMatchObject({ code: 'run-log.finished', problem: 'finished' });
    await cut.close();
    expect(verifyLines(fileLines())).toMatchObject({ ok: true, count: 3 });
  });

  it('lets one writer hold a run: a second RunLog on the same directory is refused', async () => {
    const log = await RunLog.create(dir);
    const error = await rejection(RunLog.open(dir));
    expect(error).toBeInstanceOf(RunLockError);
    expect(error).toMatchObject({ code: 'run-lock.held' });
    expect(error.message).toBe(`run directory ${dir} is locked by process ${process.pid}, which is still running: only one writer may append to a run`);
    expect((await rejection(RunLog.create(dir))).message).toContain('is locked by process');
    await log.close();
    const exists = await rejection(RunLog.create(dir));
    expect(exists).toMatchObject({ code: 'run-dir.exists', problem: 'exists' });
    expect(readdirSync(dir)).not.toContain('writer.lock');
  });
});

describe('RunLog.open and readRunLog', () => {
  async function recorded(events: number, commitEvery = events): Promise<string[]> {
    const log = await RunLog.create(dir);
    log.append(started);
    for (let seq = 1; seq < events; seq++) {
      log.append(message(seq));
      if (seq % commitEvery === 0) await log.commit();
    }
    await log.close();
    return fileLines();
  }

  it('resumes after the last line, continuing the chain', async () => {
    const before = await recorded(5);
    const { log, contents } = await RunLog.open(dir);
    expect(contents).toMatchObject({ lines: before, count: 5, finished: false, tail: undefined });
    log.append(message(5));
    log.append(finished(6));
    await log.close();
    const lines = fileLines();
    expect(lines.slice(0, 5)).toEqual(before);
    expect(verifyLines(lines)).toMatchObject({ ok: true, count: 7 });
    expect(manifestOnDisk()).toMatchObject({ count: 7, finished: true });
    const { log: done, contents: all } = await RunLog.open(dir);
    expect(all.finished).toBe(true);
    expect(() => done.append(message(7))).toThrow(/already ends with run.finished/);
    await done.close();
  });

  it('reports a torn last line and takes no line after it until it is cut off', async () => {
    const lines = await recorded(4);
    const size = readFileSync(join(dir, 'events.jsonl')).length;
    appendFileSync(join(dir, 'events.jsonl'), '{"data":{"msg":4');
    const { log, contents } = await RunLog.open(dir);
    expect(contents.lines).toEqual(lines);
    expect(contents.tail).toEqual({ seq: 4, offset: size, bytes: 16, problem: 'the last line has no newline' });
    expect(contents.head).toBe(manifestOnDisk().head);
    expect(() => log.append(message(4))).toThrow(`ends in a torn tail at byte ${size}`);
    await log.close();

    // Opened to cut it: the file ends at the last sound line, and the chain grows from there.
    const { log: cutting, contents: again } = await RunLog.open(dir, { cutTail: true });
    expect(again.tail).toMatchObject({ seq: 4, offset: size });
    expect(readFileSync(join(dir, 'events.jsonl')).length).toBe(size);
    cutting.append(message(4));
    await cutting.close();
    expect(verifyLines(fileLines())).toMatchObject({ ok: true, count: 5 });
    expect(manifestOnDisk()).toMatchObject({ count: 5 });
  });

  it('reports zeros a crash left after the committed lines as a torn tail', async () => {
    const lines = await recorded(3);
    appendFileSync(join(dir, 'events.jsonl'), Buffer.alloc(40) + '\n');
    const contents = await readRunLog(dir);
    expect(contents.lines).toEqual(lines);
    expect(contents.tail).toMatchObject({ seq: 3, bytes: 41, problem: expect.stringMatching(/^not JSON/) });
  });

  it('keeps sound lines the manifest does not pin yet, and pins them at the next commit', async () => {
    const lines = await recorded(6, 3);
    const early = JSON.parse(lines[3] as string) as { h: string };
    expect(manifestOnDisk().count).toBe(6);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifestOnDisk(), count: 4, head: early.h }));
    const { log, contents } = await RunLog.open(dir);
    expect(contents).toMatchObject({ count: 6, tail: undefined, lines });
    expect(contents.manifest.count).toBe(4);
    await log.commit();
    expect(manifestOnDisk().count).toBe(6);
    await log.close();
  });

  it('refuses a log cut at a line boundary below the manifest\'s count', async () => {
    const lines = await recorded(5);
    truncateSync(join(dir, 'events.jsonl'), Buffer.byteLength(lines.slice(0, 3).join('\n') + '\n'));
    const error = await rejection(readRunLog(dir));
    expect(error).toMatchObject({ problem: 'truncated', dir });
    expect(error.message).toBe(`run directory ${dir}: events.jsonl holds 3 complete lines, but manifest.json pins 5`);
  });

  it('refuses a damaged committed line, naming its seq', async () => {
    const lines = await recorded(5);
    lines[2] = (lines[2] as string).replace('"msg":2', '"msg":9');
    writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n');
    const error = await rejection(RunLog.open(dir));
    expect(error).toMatchObject({ problem: 'damaged' });
    expect(error.message).toMatch(new RegExp(`^run directory ${dir}: events.jsonl is damaged at seq 2: h is `));
    expect(readdirSync(dir)).not.toContain('writer.lock');
  });

  it('refuses a manifest that is off its schema', async () => {
    await recorded(2);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifestOnDisk(), count: -1 }));
    expect((await rejection(readRunLog(dir))).message).toBe(`run directory ${dir}: manifest.json does not match schemas/manifest.schema.json: /count must be >= 0`);
    rmSync(join(dir, 'events.jsonl'));
    rmSync(join(dir, 'manifest.json'));
    expect(await rejection(readRunLog(dir))).toMatchObject({ problem: 'manifest' });
  });

  it('rebuilds a missing manifest from a log whose chain verifies; the next writer writes it and warns', async () => {
    const lines = await recorded(5);
    const pinned = manifestOnDisk();
    rmSync(join(dir, 'manifest.json'));
    appendFileSync(join(dir, 'events.jsonl'), '{"data":{"msg":5');
    // The reader only reads: the manifest is rebuilt in memory, and the torn tail reported as ever.
    expect(await readRunLog(dir)).toMatchObject({ count: 5, lines, manifest: pinned, manifestRebuilt: true, tail: { seq: 5, bytes: 16 } });
    expect(readdirSync(dir)).not.toContain('manifest.json');
    const warnings: string[] = [];
    const { log, contents } = await RunLog.open(dir, { cutTail: true, warn: (text) => warnings.push(text) });
    expect(contents.manifestRebuilt).toBe(true);
    expect(manifestOnDisk()).toEqual(pinned);
    expect(warnings).toEqual([`run directory ${dir} had no manifest.json: rebuilt from the 5 lines of events.jsonl, whose chain verifies (head ${pinned.head})`]);
    log.append(message(5));
    log.append(finished(6));
    await log.close();
    const written = manifestOnDisk();
    expect(written).toMatchObject({ count: 7, finished: true });
    // A finished log rebuilds the manifest its writer wrote, finished included.
    rmSync(join(dir, 'manifest.json'));
    expect((await readRunLog(dir)).manifest).toEqual(written);
  });

  it('rebuilds no manifest from a log that does not verify, and opens no writer on it', async () => {
    const lines = await recorded(5);
    lines[2] = (lines[2] as string).replace('"msg":2', '"msg":9');
    writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n');
    rmSync(join(dir, 'manifest.json'));
    const error = await rejection(RunLog.open(dir));
    expect(error).toMatchObject({ code: 'run-dir.manifest', problem: 'manifest' });
    expect(error.message).toMatch(new RegExp(`^run directory ${dir} has no manifest.json, and events.jsonl cannot rebuild it: it is damaged at seq 2: h is `));
    expect(readdirSync(dir).sort()).toEqual(['blobs', 'events.jsonl']);
  });
});
