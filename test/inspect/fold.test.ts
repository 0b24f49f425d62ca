// The inspection of a log: events folded into processes, tasks, messages, artifacts, budgets and
// effects, checked against the kernel's own end state on real runs, on hand-made event sequences
// for the clock and the discard rules, failures located in the source through the run's bytecode,
// and through the text renderer.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventLine } from '../../src/generated/event.js';
import { HashChain } from '../../src/log/chain.js';
import { inspectEvents, parseEvents, type Inspection } from '../../src/inspect/fold.js';
import { brief, duration, renderInspection } from '../../src/inspect/render.js';
import { readHeader, scriptedEffects } from '../../src/sim/sweep.js';
import { runSimulated } from '../../src/sim/simulated-host.js';
import type { EffectRequest } from '../../src/vm/effects.js';
import type { Bytecode } from '../../src/bytecode/format.js';
import type { JsonValue } from '../../src/bytecode/json.js';
import type { KernelEvent } from '../../src/bytecode/events.js';
import { compileDsl, run } from '../vm/helpers.js';

function inspect(lines: readonly string[]): Inspection {
  const { events, mismatches } = parseEvents(lines);
  return inspectEvents(events, { committed: null, events: lines.length, head: null, mismatches, tornTail: null });
}

const sweepFolder = new URL('../vm/workflows/', import.meta.url);

function runSweepWorkflow(file: string, seed: string) {
  const source = readFileSync(new URL(file, sweepFolder), 'utf8');
  const bytecode = compileDsl(source);
  return runSimulated({ bytecode, seed, effects: scriptedEffects(readHeader(source).fakes, seed) });
}

describe('the fold agrees with the kernel', () => {
  const files = readdirSync(sweepFolder).filter((f) => f.endsWith('.aos'));
  for (const file of files) {
    it(`${file}: processes, tasks, artifact verdicts, budgets and the result match the kernel's end state`, () => {
      for (const seed of ['1', '2', '3']) {
        const result = runSweepWorkflow(file, seed);
        const ins = inspect(result.lines);
        const core = result.kernel.core;
        expect(ins.result.status).toBe(result.kernel.result?.status === 'timeout' ? 'failed' : result.kernel.result?.status);
        expect(ins.processes.map((p) => [p.name, p.incarnations])).toEqual([...core.processes.values()].map((p) => [p.name, p.incarnation]));
        for (const p of core.processes.values()) {
          const view = ins.processes.find((v) => v.name === p.name);
          if (p.final && view?.exits.at(-1)?.incarnation === p.incarnation) expect(view.status, p.name).toBe(p.exit?.status);
          if (p.kind !== 'agent') continue;
          const budget = ins.budgets.find((b) => b.process === p.name);
          expect(budget?.used.turns, p.name).toBe(p.budget.used.turns);
          expect(budget?.used.tokens, p.name).toBe(p.budget.used.tokens);
        }
        expect(ins.tasks.map((t) => [t.id, t.owner, t.state, t.artifacts])).toEqual(core.tasks.all().map((t) => [t.id, t.owner, t.state, t.artifacts]));
        expect(ins.artifacts.map((a) => [a.id, a.producer, a.inputs, a.verdicts.map((v) => [v.by, v.passed])])).toEqual(
          core.artifacts.all().map((a) => [a.id, a.producer, a.inputs, a.verdicts.map((v) => [v.by, v.passed])]),
        );
        const dead = ins.messages.deadLetters.length;
        expect(dead).toBe(result.lines.filter((l) => l.includes('"kind":"msg.dead"')).length);
        expect(ins.log.events).toBe(result.lines.length);
      }
    });
  }
});

describe('restarts', () => {
  it('a supervised child that fails once shows both incarnations, its failed exit with the reason, and the restart', () => {
    const calls: Record<string, number> = {};
    const tool = (request: EffectRequest): JsonValue => {
      const who = (request.request['argv'] as string[])[1] as string;
      calls[who] = (calls[who] ?? 0) + 1;
      return { exit_code: who === 'b' && calls[who] === 1 ? 1 : 0, stderr: '', stdout: '' };
    };
    const bytecode = compileDsl(`workflow crew version "1"
model default { id "m" }
tool probe { argv ["probe", $who] param who string }
supervisor crew { strategy one_for_one intensity 5 period 1m }
agent worker {
  model default
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let r = exec probe { who: input }
    if r.exit_code != 0 { fail "boom" }
    exit input
  }
}
main supervisor crew {
  let a = spawn worker with "a"
  let b = spawn worker with "b"
  let ra = await a timeout 1m
  let rb = await b timeout 1m
  exit [ra.output, rb.output]
}`);
    const ins = inspect(run(bytecode, { fakes: { tool } }).lines);
    const b = ins.processes.find((p) => p.name === 'worker#2');
    expect(b).toMatchObject({ incarnations: 2, parent: 'main', status: 'ok' });
    expect(b?.exits.map((x) => [x.incarnation, x.status])).toEqual([
      [1, 'failed'],
      [2, 'ok'],
    ]);
    expect(b?.exits[0]?.reason).toBe('boom');
    expect(b?.restarts).toEqual([expect.objectContaining({ cause: 'supervisor', incarnation: 2 })]);
    expect(ins.processes.find((p) => p.name === 'worker#1')?.restarts).toEqual([]);
    const text = renderInspection(ins, 'crew-test');
    expect(text).toMatch(/seq \d+\s+worker#2\s+incarnation 1 exited failed: .*boom/);
    expect(text).toMatch(/seq \d+\s+worker#2\s+restarted as incarnation 2 \(supervisor\)/);
    expect(text).toMatch(/worker#2\s+agent\s+worker\s+main\s+\d+\s+-\s+2\s+ok/);
  });

  it('a crash retry shows the retry and a restart with its attempt', () => {
    const ins = inspect(runSweepWorkflow('supervision.aos', '1').lines);
    const retried = ins.processes.find((p) => p.spec === 'retried');
    expect(retried?.retries).toEqual([expect.objectContaining({ attempt: 2, on: 'crash' })]);
    expect(retried?.restarts).toEqual([expect.objectContaining({ attempt: 2, cause: 'retry', incarnation: 2 })]);
    const lead = ins.processes.find((p) => p.spec === 'lead');
    expect(lead?.escalations.length).toBe(1);
    expect(renderInspection(ins, 'x')).toContain('retry after crash: attempt 2 after 10ms');
  });
});

describe('signals', () => {
  it('lists each signal a process received, who sent it, and the exit it caused', () => {
    const ins = inspect(runSweepWorkflow('signals.aos', '1').lines);
    const byName = (name: string) => ins.processes.find((p) => p.name === name);
    expect(byName('ticker#1')?.signals.map((s) => [s.op, s.from])).toEqual([
      ['pause', 'main'],
      ['resume', 'main'],
    ]);
    expect(byName('ticker#2')?.signals.map((s) => s.op)).toEqual(['cancel']);
    expect(byName('ticker#2')?.status).toBe('cancelled');
    expect(byName('listener#1')?.status).toBe('killed');
    expect(renderInspection(ins, 'x')).toMatch(/seq \d+ +ticker#2 +signalled cancel by main/);
  });
});

describe('dead letters', () => {
  const header = 'model m { id "m" }';
  it('a send to a name that ended for good, and an unread message of one that ended, both become dead letters', () => {
    const bytecode = compileDsl(`workflow dead version "1" ${header}
agent quick {
  model m
  budget { turns 1 tokens 1 time 1h }
  run { exit "bye" }
}
agent sleeper {
  model m
  budget { turns 1 tokens 1 time 1h }
  run { sleep 10s exit "done" }
}
main {
  let s = spawn sleeper
  send s "never read"
  let q = spawn quick
  let done = await q timeout 1m
  send q "too late"
  let slept = await s timeout 1m
  exit done
}`);
    const ins = inspect(run(bytecode).lines);
    expect(ins.messages).toMatchObject({ dead: 2, received: 0, sent: 1, unreceived: 0 });
    expect(ins.messages.deadLetters.map((d) => [d.from, d.to, d.value])).toEqual([
      ['main', 'quick#1', 'too late'],
      ['main', 'sleeper#1', 'never read'],
    ]);
    expect(ins.messages.pairs).toEqual([
      { dead: 1, from: 'main', received: 0, sent: 1, to: 'sleeper#1' },
      { dead: 1, from: 'main', received: 0, sent: 0, to: 'quick#1' },
    ]);
    const text = renderInspection(ins, 'dead');
    expect(text).toContain('messages: 1 sent, 0 received, 2 dead letters, 0 never received');
    expect(text).toMatch(/dead letters \(2\)\n {2}seq \d+ +main → quick#1 +message \d+ +"too late"/);
  });

  it('counts topic deliveries as messages, and what was received', () => {
    const ins = inspect(runSweepWorkflow('pubsub.aos', '1').lines);
    expect(ins.messages.topics.length).toBeGreaterThan(0);
    expect(ins.messages.sent).toBeGreaterThan(0);
    expect(ins.messages.sent).toBe(ins.messages.received + ins.messages.dead + ins.messages.unreceived);
  });
});

describe('rejections', () => {
  it('a rejected task, its retry as a new record, the verdicts on both and on their artifacts', () => {
    const ins = inspect(runSweepWorkflow('tasks.aos', '1').lines);
    const solves = ins.tasks.filter((t) => t.name === 'solve');
    expect(solves.map((t) => [t.owner, t.state])).toEqual([
      ['solver#1', 'rejected'],
      ['solver#2', 'verified'],
    ]);
    expect(solves[0]?.verdicts.map((v) => [v.by, v.passed, v.judgedFor])).toEqual([['judge#1', false, 'main']]);
    expect(solves[0]?.verdicts[0]?.verdict).toMatchObject({ passed: false, why: 'scripted' });
    const rejectedArtifact = ins.artifacts.find((a) => a.id === solves[0]?.artifacts[0]);
    expect(rejectedArtifact?.verdicts.map((v) => [v.by, v.passed, v.task])).toEqual([['judge#1', false, solves[0]?.id]]);
    const build = ins.tasks.find((t) => t.name === 'build');
    expect(build?.state).toBe('verified');
    expect(build?.verdicts[0]?.by).toBe('check');
    const text = renderInspection(ins, 'tasks');
    expect(text).toMatch(/rejected by judge#1 for main +\{"passed":false,"why":"scripted"\}/);
    expect(text).toMatch(/solver#2 +main +\d+ +verified/);
  });
});

/** Events of a hand-made log, numbered in order, with a placeholder hash (the fold never reads h). */
function events(...list: Omit<KernelEvent, 'seq'>[]): EventLine[] {
  return list.map((e, seq) => ({ ...e, h: '0'.repeat(64), seq }) as unknown as EventLine);
}

const started: Omit<KernelEvent, 'seq'> = {
  data: { backend: { json: true, name: 'scripted', streaming: false, tools: true }, codeHash: 'c'.repeat(64), format: 1, input: null, kernel: '1', options: { orderedCompletions: false, policy: 'round-robin', quantum: 256 }, seed: '0', workflow: { name: 'hand', version: '1' } },
  kind: 'run.started',
};
const spawnMain: Omit<KernelEvent, 'seq'> = { data: { budget: null, caps: {}, incarnation: 1, input: null, kind: 'main', parent: null, spec: 'main' }, kind: 'proc.spawned', pid: 'main' };
const spawnAgent: Omit<KernelEvent, 'seq'> = { data: { budget: { time: 60_000, tokens: 100, turns: 3 }, caps: {}, incarnation: 1, input: null, kind: 'agent', parent: 'main', spec: 'a' }, kind: 'proc.spawned', pid: 'a#1' };
const timer = (pid: string, effect: string, ms: number): Omit<KernelEvent, 'seq'> => ({ data: { effect, op: 'timer', request: { ms, purpose: 'sleep' } }, kind: 'effect.requested', pid });

describe('the clock, budgets and discarded completions', () => {
  const log = events(
    started,
    spawnMain,
    spawnAgent,
    timer('a#1', 'a#1/e1', 1500),
    { data: { effect: 'a#1/e2', op: 'model', request: {} }, kind: 'effect.requested', pid: 'a#1' },
    { data: { effect: 'a#1/e1' }, kind: 'timer.fired', pid: 'a#1' },
    { data: { effect: 'a#1/e2', ok: true, value: { content: 'hi', scripted: true, toolCalls: [{ name: 't' }, { name: 'u' }], usage: { input: 7, output: 5 } } }, kind: 'effect.completed', pid: 'a#1' },
    timer('a#1', 'a#1/e3', 10_000),
    { data: { effect: 'a#1/e4', op: 'model', request: {} }, kind: 'effect.requested', pid: 'a#1' },
    { data: { effect: 'a#1/e3' }, kind: 'effect.cancelled', pid: 'a#1' },
    { data: { effect: 'a#1/e3' }, kind: 'timer.fired', pid: 'a#1' },
    { data: { effect: 'a#1/e3', reason: 'cancelled' }, kind: 'effect.discarded', pid: 'a#1' },
    { data: { effect: 'a#1/e5', op: 'tool', request: {} }, kind: 'effect.requested', pid: 'a#1' },
    { data: { effect: 'a#1/e5', error: { kind: 'timeout', message: 'took too long' }, ok: false }, kind: 'effect.completed', pid: 'a#1' },
    { data: { limit: 'turns' }, kind: 'budget.exhausted', pid: 'a#1' },
    { data: { at: null, incarnation: 1, reason: { kind: 'budget-exhausted', limit: 'turns' }, status: 'failed' }, kind: 'proc.exited', pid: 'a#1' },
    { data: { effect: 'a#1/e4' }, kind: 'effect.cancelled', pid: 'a#1' },
    { data: { effect: 'a#1/e4', ok: true, value: { content: 'late', usage: { input: 1000, output: 1000 } } }, kind: 'effect.completed', pid: 'a#1' },
    { data: { effect: 'a#1/e4', reason: 'cancelled' }, kind: 'effect.discarded', pid: 'a#1' },
    timer('main', 'main/e1', 500),
    { data: { effect: 'main/e1' }, kind: 'timer.fired', pid: 'main' },
  );

  it('advances the clock only on applied timer firings, and charges only applied model replies', () => {
    const ins = inspectEvents(log);
    expect(ins.budgets).toEqual([{ exhausted: { limit: 'turns', seq: 14 }, granted: { time: 60_000, tokens: 100, turns: 3 }, process: 'a#1', used: { time: 1500, tokens: 12, turns: 1 } }]);
    expect(ins.processes.find((p) => p.name === 'a#1')).toMatchObject({ status: 'failed', tokens: 12, turns: 1 });
    expect(ins.effects).toMatchObject({ modelCalls: 1, scriptedReplies: 1, tokens: 12, toolCallsAsked: 2 });
    expect(ins.effects.byOp).toEqual([
      { cancelled: 1, discarded: 1, failed: 0, ok: 1, op: 'model', pending: 0, requested: 2 },
      { cancelled: 0, discarded: 0, failed: 1, ok: 0, op: 'tool', pending: 0, requested: 1 },
      { cancelled: 1, discarded: 1, failed: 0, ok: 2, op: 'timer', pending: 0, requested: 3 },
    ]);
    expect(ins.effects.failures.map((f) => [f.seq, f.kind])).toEqual([
      [13, 'effect'],
      [14, 'budget-exhausted'],
    ]);
    expect(ins.result).toEqual({ seq: null, status: 'unfinished' });
  });

  it('a stale second completion of an effect is discarded without undoing the first, which was applied', () => {
    const reply = { content: 'once', usage: { input: 2, output: 3 } };
    const ins = inspectEvents(
      events(
        started,
        spawnMain,
        spawnAgent,
        { data: { effect: 'a#1/e1', op: 'model', request: {} }, kind: 'effect.requested', pid: 'a#1' },
        { data: { effect: 'a#1/e1', ok: true, value: reply }, kind: 'effect.completed', pid: 'a#1' },
        { data: { effect: 'a#1/e1', ok: true, value: reply }, kind: 'effect.completed', pid: 'a#1' },
        { data: { effect: 'a#1/e1', reason: 'stale' }, kind: 'effect.discarded', pid: 'a#1' },
      ),
    );
    expect(ins.effects.byOp).toEqual([{ cancelled: 0, discarded: 1, failed: 0, ok: 1, op: 'model', pending: 0, requested: 1 }]);
    expect(ins.budgets[0]?.used).toEqual({ time: 0, tokens: 5, turns: 1 });
  });

  it('renders the budget as used over granted, the failure, the scripted label and an unfinished result', () => {
    const text = renderInspection(inspectEvents(log), 'hand');
    expect(text).toMatch(/a#1 +1 \/ 3 +12 \/ 100 +1\.5s \/ 1m +turns at seq 14/);
    expect(text).toContain('tokens (scripted counts)');
    expect(text).toContain('backend   scripted — replies are scripted, not a model\'s');
    expect(text).toMatch(/seq 13 +a#1 +effect a#1\/e5 \(tool\) failed: timeout: took too long/);
    expect(text).toContain('result: unfinished (the log has no run.finished)');
    expect(text).toMatch(/^ {2}status +unfinished$/m);
  });

  it('as the kernel does, a verdict on a task already verified or failed is listed but changes neither it nor its artifacts', () => {
    const log = events(
      started,
      spawnMain,
      { ...spawnAgent, data: { ...spawnAgent.data, task: 0 } },
      { data: { input: null, name: 'solve', owner: 'a#1', task: 0 }, kind: 'task.opened', pid: 'main' },
      { data: { hash: 'a'.repeat(64), id: 0, incarnation: 1, inputs: [], kind: 'answer', size: 2 }, kind: 'artifact.recorded', pid: 'a#1' },
      { data: { hash: 'b'.repeat(64), id: 1, incarnation: 1, inputs: [0], kind: 'summary', size: 2 }, kind: 'artifact.recorded', pid: 'a#1' },
      { data: { at: null, incarnation: 1, output: 1, status: 'ok' }, kind: 'proc.exited', pid: 'a#1' },
      { data: { artifacts: [0], task: 0 }, kind: 'task.produced', pid: 'a#1' },
      { data: { by: 'check', task: 0, verdict: { passed: true } }, kind: 'task.verified', pid: 'main' },
      { data: { by: 'check', task: 0, verdict: { passed: false } }, kind: 'task.rejected', pid: 'main' },
    );
    const ins = inspectEvents(log);
    expect(ins.tasks).toEqual([expect.objectContaining({ artifacts: [0], openedBy: 'main', owner: 'a#1', produced: 7, state: 'verified' })]);
    expect(ins.tasks[0]?.verdicts.map((v) => [v.seq, v.passed])).toEqual([
      [8, true],
      [9, false],
    ]);
    expect(ins.artifacts.map((a) => [a.id, a.inputs, a.usedBy, a.verdicts.map((v) => [v.seq, v.passed])])).toEqual([
      [0, [], [1], [[8, true]]],
      [1, [0], [], []],
    ]);
    expect(ins.processes.find((p) => p.name === 'a#1')?.task).toBe(0);
    expect(renderInspection(ins, 'x')).toMatch(/^ {2}#1 +summary +a#1 \(incarnation 1\) +5 +2 B +bbbbbbbbbbbb +#0 +- +-$/m);
  });

  it('keeps a verdict with no task record apart, and its JSON form is the same object', () => {
    const withStray = events(started, spawnMain, { data: { by: 'check', task: -1, verdict: { passed: true } }, kind: 'task.verified', pid: 'main' }, { data: { output: 1, status: 'ok' }, kind: 'run.finished' });
    const ins = inspectEvents(withStray);
    expect(ins.verdictsWithoutTask).toEqual([{ by: 'check', judgedFor: 'main', passed: true, seq: 2, task: -1, verdict: { passed: true } }]);
    expect(ins.result).toEqual({ output: 1, seq: 3, status: 'ok' });
    expect(JSON.parse(JSON.stringify(ins))).toEqual(ins);
    expect(renderInspection(ins, 'x')).toMatch(/seq 2 +no task +passed by check for main/);
  });
});

/** A workflow's run on the simulated host, inspected with its bytecode. */
function inspectRun(source: string): { ins: Inspection; bytecode: Bytecode; lines: readonly string[] } {
  const bytecode = compileDsl(source);
  const { lines } = run(bytecode);
  return { bytecode, ins: inspectEvents(parseEvents(lines).events, undefined, bytecode), lines };
}

/** The 1-based line and column where `text` first starts in `source`. */
function positionOf(source: string, text: string): { line: number; column: number } {
  const before = source.slice(0, source.indexOf(text)).split('\n');
  expect(source).toContain(text);
  return { column: (before.at(-1)?.length ?? 0) + 1, line: before.length };
}

describe('failures in the source', () => {
  const header = 'workflow failing version "1"\nmodel m { id "m" }\n';

  it('a capability denied at run time points at the refused syscall, and the failure it causes is not listed twice', () => {
    const source = `${header}agent bystander {
  model m
  budget { turns 1 tokens 1 time 1m }
  run {
    let word = recv from parent timeout 5s
    exit word
  }
}
agent meddler {
  model m
  budget { turns 1 tokens 1 time 1m }
  run {
    let target = recv from parent timeout 5s
    signal target kill
    exit "meddled"
  }
}
main {
  let b = spawn bystander
  let m = spawn meddler
  send m b
  let meddled = await m timeout 5s
  send b "still here"
  let stood = await b timeout 5s
  exit [meddled.status, stood.output]
}`;
    const { ins, bytecode, lines } = inspectRun(source);
    expect(ins.result).toMatchObject({ output: ['failed', 'still here'], status: 'ok' });
    expect(ins.effects.failures).toEqual([
      expect.objectContaining({ kind: 'cap-denied', op: 'signal', pid: 'meddler#1', source: expect.objectContaining({ file: 'test.aos', ...positionOf(source, 'signal target kill'), procedure: 'meddler' }) as unknown }),
    ]);
    expect(ins.processes.find((p) => p.name === 'meddler#1')?.status).toBe('failed');
    const { line, column } = positionOf(source, 'signal target kill');
    expect(renderInspection(ins, 'x')).toMatch(new RegExp(`seq \\d+ +meddler#1 +capability denied: signal \\{"op":"kill","target":"bystander#1"\\} at test\\.aos:${line}:${column}\\n`));

    // Without the bytecode, or with bytecode of other code, the failure keeps its instruction only.
    const denial = ins.effects.failures[0] as Extract<(typeof ins.effects.failures)[number], { kind: 'cap-denied' }>;
    const bare = inspectEvents(parseEvents(lines).events);
    expect(bare.effects.failures).toEqual([{ ...denial, source: null }]);
    expect(renderInspection(bare, 'x')).toContain(`at procedure ${denial.at?.procedure}, offset ${denial.at?.offset}\n`);
    const other = inspectEvents(parseEvents(lines).events, undefined, { ...bytecode, codeHash: 'f'.repeat(64) });
    expect(other.effects.failures).toEqual([{ ...denial, source: null }]);
  });

  it('an explicit fail points at its line, in every incarnation that ran it', () => {
    const source = `${header}supervisor crew { strategy one_for_one intensity 1 period 1m }
agent doomed {
  model m
  budget { turns 1 tokens 1 time 1m }
  run {
    sleep 10ms
    fail "always crashes"
  }
}
main supervisor crew {
  let d = spawn doomed
  let ended = await d timeout 5s
  exit ended.status
}`;
    const { ins } = inspectRun(source);
    const failed = ins.effects.failures.filter((f) => f.kind === 'failed');
    expect(failed.map((f) => [f.pid, f.incarnation, f.reason, f.source?.line, f.source?.column])).toEqual([
      ['doomed#1', 1, 'always crashes', positionOf(source, 'fail "always crashes"').line, positionOf(source, 'fail "always crashes"').column],
      ['doomed#1', 2, 'always crashes', positionOf(source, 'fail "always crashes"').line, positionOf(source, 'fail "always crashes"').column],
    ]);
    const { line, column } = positionOf(source, 'fail "always crashes"');
    expect(renderInspection(ins, 'x')).toMatch(new RegExp(`seq \\d+ +doomed#1 +failed: "always crashes" at test\\.aos:${line}:${column}\\n`));
  });

  it('a deadlock fails main at the wait it can never get past, naming what every process waits for', () => {
    const source = `${header}main {
  let heard = "nothing"
  parallel {
    branch { let a = recv }
    branch { let b = recv }
  }
  exit heard
}`;
    const { ins } = inspectRun(source);
    expect(ins.result).toMatchObject({ reason: { kind: 'deadlock' }, status: 'failed' });
    const failures = ins.effects.failures;
    expect(failures).toEqual([expect.objectContaining({ kind: 'failed', pid: 'main', source: expect.objectContaining({ procedure: 'main', ...positionOf(source, 'parallel {') }) as unknown })]);
    const { line, column } = positionOf(source, 'parallel {');
    expect(renderInspection(ins, 'x')).toMatch(new RegExp(`seq \\d+ +main +failed: deadlock: every process waits for something that never comes: main \\(join\\), \\S+#1 \\(recv\\), \\S+#1 \\(recv\\) at test\\.aos:${line}:${column}\\n`));
  });
});

describe('parseEvents', () => {
  it('leaves out a line that is sound in the chain but not an event of the schema, and names its seq', () => {
    const chain = new HashChain();
    const lines = [
      chain.append({ ...started, seq: 0 } as KernelEvent),
      chain.append({ ...spawnMain, seq: 1 } as KernelEvent),
      chain.append({ data: { at: null, incarnation: 1, status: 'exploded' }, kind: 'proc.exited', pid: 'main', seq: 2 }),
    ];
    const { events, mismatches } = parseEvents(lines);
    expect(events.map((e) => e.kind)).toEqual(['run.started', 'proc.spawned']);
    expect(mismatches).toEqual([{ problem: expect.stringMatching(/^\/data\/status /) as unknown, seq: 2 }]);
    const ins = inspect(lines);
    expect(ins.processes[0]?.status).toBe('running');
    expect(renderInspection(ins, 'x')).toMatch(/schema +1 event left out, not matching schemas\/event.schema.json: seq 2: \/data\/status/);
  });
});

describe('render helpers', () => {
  it('durations take the largest unit that fits, and JSON is cut short with an ellipsis', () => {
    expect([0, 999, 1000, 1500, 60_000, 90_000, 3_600_000].map(duration)).toEqual(['0ms', '999ms', '1s', '1.5s', '1m', '1.5m', '1h']);
    expect(brief('x'.repeat(10), 6)).toBe('"xxxx…');
    expect(brief({ a: 1 })).toBe('{"a":1}');
  });
});
