// A mount reached through a symbolic link, end to end on the live host and through resume: a
// model plants a link with an ordinary tool (ln -s) where a later agent's mount goes; a mount's
// directory is swapped for a link while its agent sleeps, or while the run is stopped. The run
// stops and resume refuses, naming the path, without touching anything outside the workspace or
// appending to the log; once the operator moves the path away, resume finishes the run inside
// the workspace. And what a write cut short by a crash left in a mount is gone after a resume.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/bytecode/canonical.js';
import type { Bytecode } from '../../src/bytecode/format.js';
import { fileHost } from '../../src/cli/files.js';
import { compileSource } from '../../src/compiler/index.js';
import { Workspace } from '../../src/drivers/files.js';
import { loadScript, scriptFromObject, ScriptedBackend } from '../../src/drivers/scripted.js';
import { verifyLog } from '../../src/log/verify-log.js';
import { RunLog } from '../../src/log/writer.js';
import { runLive } from '../../src/runtime/live-host.js';
import { BYTECODE_FILE, resume, run, type HostRequest } from '../../src/runtime/run.js';
import type { Kernel, StepOutput } from '../../src/vm/kernel.js';

const FIXTURES = resolve('test/runtime/fixtures/escape');
const SECRET = 'outside the workspace';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function compile(name: string): Bytecode {
  const file = join(FIXTURES, name);
  const compiled = compileSource(readFileSync(file, 'utf8'), file, fileHost(file));
  if (compiled.bytecode === undefined) throw new Error(`${name} does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  return compiled.bytecode;
}

/** A fresh folder holding `outside/` (a secret, outside every run) and, once started, the run in `run/`. */
function setting() {
  const dir = mkdtempSync(join(tmpdir(), 'aos-escape-run-'));
  made.push(dir);
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  const runDir = join(dir, 'run');
  return { dir, outside, runDir, workspace: join(runDir, 'workspace') };
}

/** Every name below a folder, links not followed, as sorted relative paths. */
function namesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => [`${prefix}${entry.name}`, ...(entry.isDirectory() ? namesBelow(join(dir, entry.name), `${prefix}${entry.name}/`) : [])])
    .sort();
}

function host(runDir: string, script: string | undefined, observe?: (kernel: Kernel, output: StepOutput) => void): HostRequest {
  const backend = new ScriptedBackend(script === undefined ? scriptFromObject({ format: 'aos-script', responses: [], version: 1 }, 'empty.json') : loadScript(join(FIXTURES, script)));
  return {
    backend,
    hostEnv: { PATH: process.env['PATH'] },
    runDir,
    scripted: true,
    secrets: [],
    workflowDir: FIXTURES,
    ...(observe === undefined ? {} : { observe }),
  };
}

const start = (request: HostRequest, bytecode: Bytecode) => run({ ...request, bytecode, input: null, orderedCompletions: true, seed: '1' });

const logLines = (runDir: string): string[] => readFileSync(join(runDir, 'events.jsonl'), 'utf8').trimEnd().split('\n');

interface Event {
  readonly kind: string;
  readonly pid?: string;
  readonly data?: Record<string, unknown>;
}

const events = (runDir: string): Event[] => logLines(runDir).map((line) => JSON.parse(line) as Event);

/** Whether a transition asked for the sleeper's nap (its budget and main's awaits are timers too). */
const napRequested = (output: StepOutput): boolean => output.requests.some((r) => r.op === 'timer' && r.pid === 'sleeper#1' && r.request['purpose'] === 'sleep');

/** Resume refuses, naming the path and the mounts that need it, and leaves the log and the outside as they were. */
async function refusedResume(runDir: string, outside: string, request: HostRequest, path: string, mounts: readonly string[]): Promise<void> {
  const before = logLines(runDir);
  const refusal = resume(request);
  await expect(refusal).rejects.toMatchObject({ code: 'workspace.escape' });
  const message = ((await refusal.catch((error: unknown) => error)) as Error).message;
  expect(message).toMatch(/^cannot resume: /);
  expect(message).toContain(`${JSON.stringify(path)} is a symbolic link`);
  for (const mount of mounts) expect(message).toContain(mount);
  expect(message).toContain('move it away, then resume again');
  expect(message).not.toContain('\n');
  expect(logLines(runDir)).toEqual(before);
  expect(existsSync(join(runDir, 'completion.json'))).toBe(false);
  expect(namesBelow(outside)).toEqual(['secret.txt']);
}

describe('a mount reached through a symbolic link', () => {
  it('planted by a model with ln -s: the agent spawned after it stops the run, resume refuses, and after the link is moved away the run ends inside the workspace', async () => {
    const { outside, runDir, workspace } = setting();
    const bytecode = compile('plant.aos');
    const request = host(runDir, 'plant.script.json');
    const link = join(workspace, 'shared', 'data', 'sub');

    const stopped = start(request, bytecode);
    await expect(stopped).rejects.toMatchObject({ code: 'workspace.escape' });
    const message = ((await stopped.catch((error: unknown) => error)) as Error).message;
    expect(message).toBe(
      `mount "/data/sub" of process "reader#1": ${JSON.stringify(link)} is a symbolic link (to "../../../../outside"); a mount's directory and every folder above it must be real directories inside the workspace`,
    );
    // The model did plant it, with the real tool, as a recorded effect that succeeded.
    const planted = events(runDir).find((e) => e.kind === 'effect.completed' && e.pid === 'planter#1' && (e.data?.['value'] as { exit_code?: number } | undefined)?.exit_code === 0);
    expect(planted).toBeDefined();
    expect(readFileSync(join(link, 'secret.txt'), 'utf8')).toBe(SECRET);
    expect(namesBelow(outside)).toEqual(['secret.txt']);

    await refusedResume(runDir, outside, request, link, ['mount "/data/sub" of "reader#1"']);

    // The operator moves the link away; the resumed run mounts a real directory in its place.
    unlinkSync(link);
    const report = await resume(host(runDir, 'plant.script.json'));
    expect(report).toMatchObject({ status: 'ok', output: { planted: 'ok', read: 'written by the reader' } });
    expect(readFileSync(join(workspace, 'shared', 'data', 'sub', 'planted.txt'), 'utf8')).toBe('written by the reader');
    expect(namesBelow(outside)).toEqual(['secret.txt']);
    expect(await verifyLog(runDir)).toMatchObject({ ok: true, finished: true });
  });

  it('swapped in while its agent sleeps: the agent\'s own write is refused, the next agent to mount it stops the run, and resume refuses until it is moved back', async () => {
    const { dir, outside, runDir, workspace } = setting();
    const bytecode = compile('swap.aos');
    const out = join(workspace, 'shared', 'out');
    const aside = join(dir, 'moved-aside');
    let swapped = false;
    const swapWhileAsleep = (_kernel: Kernel, output: StepOutput) => {
      if (swapped || !napRequested(output)) return;
      swapped = true;
      renameSync(out, aside);
      symlinkSync(outside, out);
    };

    const stopped = start(host(runDir, undefined, swapWhileAsleep), bytecode);
    await expect(stopped).rejects.toMatchObject({ code: 'workspace.escape', message: expect.stringContaining(`mount "/out" of process "late#1": ${JSON.stringify(out)} is a symbolic link (to ${JSON.stringify(outside)})`) });
    const sleeper = events(runDir).find((e) => e.kind === 'proc.exited' && e.pid === 'sleeper#1');
    expect(sleeper?.data).toMatchObject({ status: 'failed', reason: { kind: 'write-failed', path: '/out/after.txt', error: { kind: 'escape' } } });
    expect(namesBelow(outside)).toEqual(['secret.txt']);

    await refusedResume(runDir, outside, host(runDir, undefined), out, ['mount "/out" of "sleeper#1"']);

    unlinkSync(out);
    renameSync(aside, out);
    const report = await resume(host(runDir, undefined));
    expect(report).toMatchObject({ status: 'ok', output: { slept: 'failed', came: 'ok' } });
    expect(readFileSync(join(out, 'late.txt'), 'utf8')).toBe('came late');
    expect(namesBelow(outside)).toEqual(['secret.txt']);
  });

  it('swapped in while the run is stopped: resume refuses before it dispatches anything, and goes on once it is moved back', async () => {
    const { dir, outside, runDir, workspace } = setting();
    const bytecode = compile('swap.aos');
    const out = join(workspace, 'shared', 'out');
    // The host stops for good while the sleeper sleeps: its timer is in the log, never fired.
    const stopWhileAsleep = (_kernel: Kernel, output: StepOutput) => {
      if (napRequested(output)) throw new Error('the host stopped');
    };
    await expect(start(host(runDir, undefined, stopWhileAsleep), bytecode)).rejects.toThrow('the host stopped');
    expect(readFileSync(join(out, 'naps', 'first', 'before.txt'), 'utf8')).toBe('before the nap');

    const aside = join(dir, 'moved-aside');
    renameSync(out, aside);
    symlinkSync(outside, out);
    await refusedResume(runDir, outside, host(runDir, undefined), out, ['mount "/out" of "sleeper#1"']);

    unlinkSync(out);
    renameSync(aside, out);
    const report = await resume(host(runDir, undefined));
    expect(report).toMatchObject({ status: 'ok', output: { slept: 'ok', came: 'ok' } });
    expect(namesBelow(out)).toEqual(['after.txt', 'late.txt', 'naps', 'naps/first', 'naps/first/before.txt']);
    expect(namesBelow(outside)).toEqual(['secret.txt']);
  });
});

describe('a write cut short by a crash', () => {
  it('leaves its temporary file and the folders it made until the run is resumed; then they are gone and the write is done again', async () => {
    const { runDir, workspace } = setting();
    const bytecode = compile('swap.aos');
    // The first host: its lock names a process that is gone by the time the run is resumed.
    const log = await RunLog.create(runDir, { host: 'escape-test-host', isRunning: (pid) => pid === 1, pid: 1 });
    writeFileSync(join(runDir, BYTECODE_FILE), `${canonicalJson(bytecode)}\n`);
    let crashed!: () => void;
    const atCrash = new Promise<void>((resolve) => (crashed = resolve));
    const hooks = {
      afterFill: (virtualPath: string) => {
        if (virtualPath !== '/out/naps/first/before.txt') return;
        crashed();
        return new Promise<void>(() => undefined);
      },
    };
    const running = runLive({
      backend: new ScriptedBackend(scriptFromObject({ format: 'aos-script', responses: [], version: 1 }, 'empty.json')),
      bytecode,
      hostEnv: {},
      log,
      seed: '1',
      workflowDir: FIXTURES,
      workspace: await Workspace.create(workspace, { hooks }),
    });
    await Promise.race([atCrash, running]);
    const out = join(workspace, 'shared', 'out');
    const left = namesBelow(out).map((name) => name.replace(/-[0-9a-f]{16}$/, '-…'));
    expect(left).toEqual(['.aos-made-…', 'naps', 'naps/first', 'naps/first/.aos-tmp-…']);

    const report = await resume({ ...host(runDir, undefined), runLog: { host: 'escape-test-host', isRunning: (pid) => pid === 2, pid: 2 } });
    expect(report).toMatchObject({ status: 'ok', output: { slept: 'ok', came: 'ok' } });
    expect(namesBelow(out)).toEqual(['after.txt', 'late.txt', 'naps', 'naps/first', 'naps/first/before.txt']);
    expect(namesBelow(workspace).filter((name) => name.split('/').some((part) => part.startsWith('.aos-') || part.startsWith('.tmp-')))).toEqual([]);
  });
});
