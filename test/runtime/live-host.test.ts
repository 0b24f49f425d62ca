import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compiler/index.js';
import { fileHost } from '../../src/cli/files.js';
import { Workspace } from '../../src/drivers/files.js';
import { loadScript, scriptFromObject, ScriptedBackend } from '../../src/drivers/scripted.js';
import { RunLog } from '../../src/log/writer.js';
import { verifyLines } from '../../src/log/chain.js';
import { runLive, type LiveRunOptions } from '../../src/runtime/live-host.js';
import { resume, run } from '../../src/runtime/run.js';
import { TIMERS_FILE, type WallClock } from '../../src/runtime/timers.js';
import { replayExact } from '../../src/replay/replay.js';
import { arrayCursor } from '../../src/log/lines.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function liveRun(file: string, script: string, orderedCompletions = false) {
  const bytecode = compileSource(readFileSync(file, 'utf8'), file, fileHost(file)).bytecode;
  if (bytecode === undefined) throw new Error(`${file} does not compile`);
  const dir = mkdtempSync(join(tmpdir(), 'aos-live-'));
  made.push(dir);
  const log = await RunLog.create(join(dir, 'run'));
  const workspace = await Workspace.create(join(dir, 'run', 'workspace'));
  const backend = new ScriptedBackend(await loadScript(script));
  const run = await runLive({ backend, bytecode, hostEnv: {}, log, options: { orderedCompletions }, seed: '1', workflowDir: dirname(resolve(file)), workspace });
  await log.close();
  return { ...run, dir: join(dir, 'run') };
}

/** Runs a workflow given as text, with an empty script and PATH for its tools; the run directory's events are returned parsed. */
async function liveRunSource(source: string, name: string, options: { orderedCompletions?: boolean; extra?: Partial<LiveRunOptions> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `aos-live-${name}-`));
  made.push(dir);
  const file = join(dir, `${name}.aos`);
  const bytecode = compileSource(source, file, fileHost(file)).bytecode;
  if (bytecode === undefined) throw new Error(`${name} does not compile`);
  const runDir = join(dir, 'run');
  const log = await RunLog.create(runDir);
  const workspace = await Workspace.create(join(runDir, 'workspace'));
  const backend = new ScriptedBackend(scriptFromObject({ format: 'aos-script', responses: [], version: 1 }, 'empty.json'));
  const run = await runLive({ backend, bytecode, hostEnv: { PATH: process.env['PATH'] }, log, options: { orderedCompletions: options.orderedCompletions === true }, seed: '1', workflowDir: dir, workspace, ...options.extra });
  await log.close();
  const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; pid?: string; data?: Record<string, unknown> });
  return { ...run, runDir, events, bytecode };
}

describe('the live host', () => {
  it('runs docs-merge offline on its script: a durable, verifiable log and the merged page on disk', async () => {
    const run = await liveRun('workflows/docs-merge.aos', 'workflows/docs-merge.script.json', true);
    expect(run.result).toMatchObject({ status: 'ok' });
    const lines = readFileSync(join(run.dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    expect(verifyLines(lines)).toMatchObject({ ok: true, count: lines.length });
    const page = readFileSync(join(run.dir, 'workspace', 'shared', 'out', 'merged.html'), 'utf8');
    expect(page).toContain('<h2>Brake test before riding</h2>');
    if (process.env['SHOW_LOG']) console.log(lines.map((l) => l.slice(0, 260)).join('\n'));
  });
});

describe('the live host runs tools', () => {
  it('runs an exec tool on real files, creates the parents of a file it is to write, and records no host path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aos-live-tool-'));
    made.push(dir);
    const source = `workflow tools version "1"
model m { id "m" }
tool count { argv ["wc", "-l", "--", $file] param file path in "/docs" timeout 10s }
tool copy { argv ["cp", "--", $from, $to] param from path in "/docs" param to path in "/out" timeout 10s }
agent counter {
  model m
  mount reference "/docs" from "inputs/docs-merge"
  mount shared "/out"
  caps { tools [count, copy] }
  budget { turns 1 tokens 1 time 1m }
  run {
    let n = exec count { file: "/docs/tires.md" }
    let c = exec copy { from: "/docs/tires.md", to: "/out/deep/er/tires.md" }
    exit { lines: n.stdout, copied: c.exit_code }
  }
}
main { let r = call counter timeout 1m exit r.output }`;
    const file = join(dir, 'tools.aos');
    const { writeFileSync, cpSync } = await import('node:fs');
    writeFileSync(file, source);
    cpSync('workflows/inputs', join(dir, 'inputs'), { recursive: true });
    const bytecode = compileSource(source, file, fileHost(file)).bytecode;
    if (bytecode === undefined) throw new Error('does not compile');
    const runDir = join(dir, 'run');
    const log = await RunLog.create(runDir);
    const workspace = await Workspace.create(join(runDir, 'workspace'));
    const backend = new ScriptedBackend(scriptFromObject({ format: 'aos-script', responses: [], version: 1 }, 'empty.json'));
    const run = await runLive({ backend, bytecode, hostEnv: { PATH: process.env['PATH'] }, hostPaths: [{ host: resolve(runDir), standIn: '<run>' }], log, seed: '1', workflowDir: dir, workspace });
    await log.close();
    expect(run.result).toMatchObject({ status: 'ok', output: { copied: 0 } });
    // wc prints the path it was given: the host path is recorded as the virtual path it stands for.
    expect(String((run.result?.output as { lines: string }).lines)).toMatch(/^\d+ \/docs\/tires\.md\n$/);
    expect(readFileSync(join(runDir, 'workspace', 'shared', 'out', 'deep', 'er', 'tires.md'), 'utf8')).toContain('# Tires');
    expect(readFileSync(join(runDir, 'events.jsonl'), 'utf8')).not.toContain(dir);
  });
});

describe('the live host keeps binary tool output', () => {
  it('stores output that is not UTF-8 as a blob named by the sha256 of its bytes', async () => {
    const source = `workflow binary version "1"
model m { id "m" }
tool bytes { argv ["printf", "\\\\377\\\\376\\\\000A"] timeout 10s }
agent emitter {
  model m
  caps { tools [bytes] }
  budget { turns 1 tokens 1 time 1m }
  run { let out = exec bytes exit out }
}
main { let r = call emitter timeout 1m exit r.output }`;
    const { runDir, ...run } = await liveRunSource(source, 'binary');
    const output = run.result?.output as { stdout: string | null; stdout_blob: string; exit_code: number };
    expect(output).toMatchObject({ exit_code: 0, stdout: null });
    const { createHash } = await import('node:crypto');
    const expected = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    expect(output.stdout_blob).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(readFileSync(join(runDir, 'blobs', output.stdout_blob))).toEqual(expected);
  });
});

describe('the live host and cancellation', () => {
  it('never starts an effect cancelled before it was dispatched', async () => {
    // The call's timeout timer is requested, then cancelled in the same step when the callee has
    // already exited: the timer must never be set, so it never fires.
    const source = `workflow cancelled version "1"
model m { id "m" }
agent quick {
  model m
  budget { turns 1 tokens 1 time 1m }
  run { exit "fast" }
}
main { let r = call quick timeout 20ms sleep 100ms exit r }`;
    const { events, result } = await liveRunSource(source, 'cancelled');
    expect(result).toMatchObject({ status: 'ok', output: { output: 'fast' } });
    const cancelled = events.filter((e) => e.kind === 'effect.cancelled').map((e) => e.data?.['effect']);
    expect(cancelled.length).toBeGreaterThan(0);
    const admitted = events.filter((e) => e.kind === 'timer.fired' || e.kind === 'effect.completed').map((e) => e.data?.['effect']);
    expect(admitted.filter((id) => cancelled.includes(id))).toEqual([]);
    expect(events.some((e) => e.kind === 'effect.discarded')).toBe(false);
  });
});

describe('the live host and signals from outside', () => {
  it('admits an operator\'s signal as a recorded input, which a replay puts back at its seq', async () => {
    const source = `workflow interrupted version "1"
model m { id "m" }
agent napper {
  model m
  budget { turns 1 tokens 1 time 1h }
  run { sleep 30s exit "rested" }
}
main { let r = call napper timeout 1h exit r }`;
    let send: ((target: string, op: 'cancel') => void) | undefined;
    let sent = false;
    const started = Date.now();
    const run = await liveRunSource(source, 'interrupted', {
      extra: {
        external: (signal) => (send = signal),
        // Once the napper's sleep is dispatched, the operator cancels main.
        observe: (_kernel, output) => {
          if (!sent && output.requests.some((r) => r.op === 'timer' && r.request['purpose'] === 'sleep')) {
            sent = true;
            setTimeout(() => send?.('main', 'cancel'), 20);
          }
        },
      },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.result).toMatchObject({ status: 'cancelled', reason: { from: 'host', kind: 'signal', op: 'cancel' } });
    expect(run.events.filter((e) => e.kind === 'signal.external').map((e) => e.data)).toEqual([{ op: 'cancel', target: 'main' }]);
    const lines = readFileSync(join(run.runDir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    expect(replayExact(run.bytecode, () => arrayCursor(lines))).toMatchObject({ events: lines.length, finished: true });
  });
});

describe('the live host keeps a timer\'s deadline across a resume', () => {
  const HOUR = 3_600_000;
  const MINUTE = 60_000;
  /** Any wall-clock moment: only differences from it matter. */
  const STARTED = 1_700_000_000_000;
  const source = `workflow napping version "1"
main { sleep 1h exit "woke" }`;

  /** What the process that armed a timer is taken to have stopped at. */
  class Stopped extends Error {}

  /** A wall clock that moves only when told; each timer armed is kept, with the ms it was armed for. */
  class TestClock implements WallClock {
    readonly armed: { readonly ms: number; readonly fire: () => void }[] = [];
    constructor(
      public time: number,
      private readonly onArm: (timer: { readonly ms: number; readonly fire: () => void }) => void,
    ) {}
    now(): number {
      return this.time;
    }
    after(ms: number, fire: () => void): () => void {
      const timer = { fire, ms };
      this.armed.push(timer);
      this.onArm(timer);
      return () => undefined;
    }
  }

  /** A run of `sleep 1h` stopped as its timer is armed at STARTED, with the deadline that was on disk then. */
  async function stoppedAsItSleeps() {
    const dir = mkdtempSync(join(tmpdir(), 'aos-live-deadline-'));
    made.push(dir);
    const file = join(dir, 'napping.aos');
    const bytecode = compileSource(source, file, fileHost(file)).bytecode;
    if (bytecode === undefined) throw new Error('napping does not compile');
    const runDir = join(dir, 'run');
    const host = { backend: new ScriptedBackend(scriptFromObject({ format: 'aos-script', responses: [], version: 1 }, 'empty.json')), hostEnv: {}, runDir, scripted: true, secrets: [], workflowDir: dir };
    let onDisk = '';
    const clock = new TestClock(STARTED, (timer) => {
      if (timer.ms !== HOUR) return;
      onDisk = readFileSync(join(runDir, TIMERS_FILE), 'utf8');
      throw new Stopped();
    });
    await expect(run({ ...host, bytecode, clock, input: null, orderedCompletions: false, seed: '1' })).rejects.toThrow(Stopped);
    return { host, onDisk, runDir };
  }

  /** Resumes the run at `time`; the timer fires when the clock arms it, whatever it was armed for. */
  async function resumeAt(stopped: Awaited<ReturnType<typeof stoppedAsItSleeps>>, time: number) {
    const warnings: string[] = [];
    const clock = new TestClock(time, (timer) => setImmediate(timer.fire));
    const report = await resume({ ...stopped.host, clock, warn: (message) => warnings.push(message) });
    return { armedFor: clock.armed.map((timer) => timer.ms), report, warnings };
  }

  it('writes the deadline down before the timer is armed', async () => {
    const { onDisk } = await stoppedAsItSleeps();
    const [line, ...rest] = onDisk.split('\n');
    expect(rest).toEqual(['']);
    expect(JSON.parse(line ?? '')).toMatchObject({ due: STARTED + HOUR, ms: HOUR });
  });

  it.each([
    ['20 minutes', 20 * MINUTE, 40 * MINUTE],
    ['59 minutes', 59 * MINUTE, MINUTE],
    ['two hours (past its deadline: at once)', 2 * HOUR, 0],
  ])('resumed %s after it was armed, it fires at its deadline', async (_after, later, remaining) => {
    const stopped = await stoppedAsItSleeps();
    const resumed = await resumeAt(stopped, STARTED + later);
    expect(resumed.armedFor).toEqual([remaining]);
    expect(resumed.warnings).toEqual([]);
    expect(resumed.report).toMatchObject({ output: 'woke', status: 'ok' });
    // The run has finished: no host time is left in its directory.
    expect(existsSync(join(stopped.runDir, TIMERS_FILE))).toBe(false);
  });

  it('runs its full duration again, and says so, when the record is missing', async () => {
    const stopped = await stoppedAsItSleeps();
    rmSync(join(stopped.runDir, TIMERS_FILE));
    const resumed = await resumeAt(stopped, STARTED + 20 * MINUTE);
    expect(resumed.armedFor).toEqual([HOUR]);
    expect(resumed.warnings).toEqual(['timers.jsonl is missing: timer main/e1 runs its full 3600000 ms again']);
    expect(resumed.report).toMatchObject({ output: 'woke', status: 'ok' });
  });

  it('runs its full duration again, and says so, when a line of the record is damaged', async () => {
    const stopped = await stoppedAsItSleeps();
    writeFileSync(join(stopped.runDir, TIMERS_FILE), '{"due":\n');
    const resumed = await resumeAt(stopped, STARTED + 20 * MINUTE);
    expect(resumed.armedFor).toEqual([HOUR]);
    expect(resumed.warnings).toEqual(['line 1 of timers.jsonl is damaged: timer main/e1 runs its full 3600000 ms again']);
  });
});
