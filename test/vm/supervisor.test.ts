// Supervision through whole workflows on the simulated host: which children each strategy
// restarts, which exits each restart type restarts, signals, checkpoints, what await sees,
// escalation when restarts exceed the intensity within the period, and what a restart never
// renews (the budget) or never keeps (a supervisor's own restart count).
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/bytecode/json.js';
import type { EffectRequest } from '../../src/vm/effects.js';
import { compileDsl, run, type ParsedEvent } from './helpers.js';

function ofKind(log: readonly ParsedEvent[], kind: string, pid?: string): ParsedEvent[] {
  return log.filter((e) => e.kind === kind && (pid === undefined || e.pid === pid));
}

/** The incarnations each process was restarted into, by name. */
function restartsByName(log: readonly ParsedEvent[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const e of ofKind(log, 'proc.restarted')) (out[e.pid as string] ??= []).push(e.data?.['incarnation'] as number);
  return out;
}

/** A fake tool that fails (exit code 1) the listed calls of each argument, counting from 1, and records every call. */
function probe(failing: Record<string, number[]>): { calls: string[]; tool: (request: EffectRequest) => JsonValue } {
  const calls: string[] = [];
  const tool = (request: EffectRequest): JsonValue => {
    const arg = (request.request['argv'] as string[])[1] as string;
    calls.push(arg);
    const nth = calls.filter((c) => c === arg).length;
    return { exit_code: failing[arg]?.includes(nth) === true ? 1 : 0, stderr: '', stdout: '' };
  };
  return { calls, tool };
}

const HEADER = `
model default { id "m" }
tool probe { argv ["probe", $who] param who string }
`;

/** Three workers under main; each probes once, fails if the probe failed, else sleeps 1 s and exits with its input. */
function crew(strategy: string): string {
  return `workflow crew version "1"
${HEADER}
supervisor crew { strategy ${strategy} intensity 5 period 1m }
agent worker {
  model default
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let r = exec probe { who: input }
    if r.exit_code != 0 { fail "boom" }
    sleep 1s
    exit input
  }
}
main supervisor crew {
  let a = spawn worker with "a"
  let b = spawn worker with "b"
  let c = spawn worker with "c"
  let ra = await a timeout 1m
  let rb = await b timeout 1m
  let rc = await c timeout 1m
  exit [ra.output, rb.output, rc.output]
}`;
}

describe('strategies', () => {
  const cases: [string, Record<string, number[]>, string[]][] = [
    ['one_for_one', { 'worker#2': [2] }, ['a', 'b', 'c', 'b']],
    ['one_for_all', { 'worker#2': [2], 'worker#1': [2], 'worker#3': [2] }, ['a', 'b', 'c', 'b', 'a', 'c']],
    ['rest_for_one', { 'worker#2': [2], 'worker#3': [2] }, ['a', 'b', 'c', 'b', 'c']],
  ];
  for (const [strategy, restarted, probes] of cases) {
    it(`${strategy}: the second of three children fails once and exactly the right children restart`, () => {
      const fake = probe({ b: [1] });
      const { log, kernel } = run(compileDsl(crew(strategy)), { fakes: { tool: fake.tool } });
      expect(kernel.result).toEqual({ status: 'ok', output: ['a', 'b', 'c'] });
      expect(restartsByName(log)).toEqual(restarted);
      expect(fake.calls).toEqual(probes);
      for (const e of ofKind(log, 'proc.restarted')) expect(e.data?.['cause']).toBe('supervisor');
      // The failed child restarts first, then the siblings its strategy takes down, in spawn order.
      expect(ofKind(log, 'proc.restarted').map((e) => e.pid)).toEqual(Object.keys(restarted));
      const killed = ofKind(log, 'proc.exited').filter((e) => e.data?.['status'] === 'killed');
      expect(killed.map((e) => e.pid)).toEqual(Object.keys(restarted).filter((n) => n !== 'worker#2'));
      for (const e of killed) expect(e.data?.['reason']).toEqual({ child: 'worker#2', kind: 'sibling-restart' });
      expect(ofKind(log, 'supervisor.escalated')).toEqual([]);
    });
  }

  it('one_for_all: a paused sibling restarts paused, and runs its new incarnation only once resumed', () => {
    const fake = probe({ b: [1] });
    // worker#1 is paused while its probe runs; worker#2's probe fails at 1 ms; worker#1 is resumed at 30 s.
    const signals = [
      { at: 0, input: { kind: 'signal.external' as const, target: 'worker#1', op: 'pause' as const } },
      { at: 30_000, input: { kind: 'signal.external' as const, target: 'worker#1', op: 'resume' as const } },
    ];
    const { log, kernel } = run(compileDsl(crew('one_for_all')), { fakes: { tool: fake.tool }, signals });
    expect(kernel.result).toEqual({ status: 'ok', output: ['a', 'b', 'c'] });
    expect(restartsByName(log)).toEqual({ 'worker#2': [2], 'worker#1': [2], 'worker#3': [2] });
    // Its second probe waits for the resume: the others probe again at once.
    expect(fake.calls).toEqual(['a', 'b', 'c', 'b', 'c', 'a']);
    const resumed = log.find((e) => e.kind === 'proc.signalled' && e.data?.['op'] === 'resume');
    const ran = log.filter((e) => e.pid === 'worker#1' && e.kind === 'effect.requested' && e.data?.['op'] === 'tool');
    expect(ran.map((e) => e.seq > (resumed?.seq ?? Infinity))).toEqual([false, true]);
  });

  it('one_for_one: a paused child that fails restarts paused, and runs again only once resumed', () => {
    // A failed read ends a process even while it is paused; its pause outlives the restart.
    const source = `workflow paused version "1"
model default { id "m" }
supervisor crew { strategy one_for_one intensity 5 period 1m }
agent reader {
  model default
  mount shared "/shared"
  budget { turns 1 tokens 100 time 1h }
  run {
    let text = read "/shared/notes.txt"
    exit text
  }
}
main supervisor crew {
  let r = spawn reader
  let ended = await r timeout 1m
  exit ended
}`;
    const files = new Map<string, string>();
    const signals = [
      { at: 0, input: { kind: 'signal.external' as const, target: 'reader#1', op: 'pause' as const } },
      { at: 30_000, input: { kind: 'signal.external' as const, target: 'reader#1', op: 'resume' as const } },
    ];
    // The notes appear once the first read has failed.
    const observe = (_kernel: unknown, output: { events: readonly { kind: string }[] }) => {
      if (output.events.some((e) => e.kind === 'proc.exited')) files.set('/shared/notes.txt', 'notes');
    };
    const { log, kernel } = run(compileDsl(source), { fakes: { files }, signals, observe });
    expect(kernel.result?.output).toEqual({ output: 'notes', status: 'ok' });
    expect(restartsByName(log)).toEqual({ 'reader#1': [2] });
    const resumed = log.find((e) => e.kind === 'proc.signalled' && e.data?.['op'] === 'resume');
    const reads = log.filter((e) => e.pid === 'reader#1' && e.kind === 'effect.requested' && e.data?.['op'] === 'read');
    expect(reads.map((e) => e.seq > (resumed?.seq ?? Infinity))).toEqual([false, true]);
  });

  it('a sibling that already ended for good is not restarted with the others', () => {
    // worker#1 (no sleep) exits ok before worker#2 fails; one_for_all restarts only the live ones.
    const source = crew('one_for_all').replace('sleep 1s', 'if input != "a" { sleep 1s }');
    const fake = probe({ b: [1] });
    const { log, kernel } = run(compileDsl(source), { fakes: { tool: fake.tool } });
    expect(kernel.result?.status).toBe('ok');
    expect(fake.calls.filter((c) => c === 'a')).toHaveLength(1);
    expect(restartsByName(log)).toEqual({ 'worker#2': [2], 'worker#3': [2] });
  });
});

/** One worker of the given restart type under main; it probes and fails when the probe failed. */
function single(restart: string, intensity = 5): string {
  return `workflow single version "1"
${HEADER}
supervisor top { strategy one_for_one intensity ${intensity} period 1m }
agent worker {
  model default
  restart ${restart}
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let r = exec probe { who: "w" }
    if r.exit_code != 0 { fail "boom" }
    exit "done"
  }
}
main supervisor top {
  let w = spawn worker
  let r = await w timeout 1m
  exit r
}`;
}

describe('restart types', () => {
  it('permanent restarts after ok exits too, until the intensity is spent', () => {
    const fake = probe({});
    const { log, kernel } = run(compileDsl(single('permanent', 2)), { fakes: { tool: fake.tool } });
    const exits = ofKind(log, 'proc.exited', 'worker#1').map((e) => [e.data?.['incarnation'], e.data?.['status']]);
    expect(exits).toEqual([[1, 'ok'], [2, 'ok'], [3, 'ok']]);
    expect(restartsByName(log)).toEqual({ 'worker#1': [2, 3] });
    expect(ofKind(log, 'supervisor.escalated').map((e) => e.data)).toEqual([{ child: 'worker#1', policy: 'top', restarts: 2 }]);
    expect(kernel.result).toEqual({ status: 'failed', output: null, reason: { child: 'worker#1', kind: 'supervisor-escalated', policy: 'top' } });
  });

  it('permanent restarts after a failure', () => {
    const { log, kernel } = run(compileDsl(single('permanent', 1)), { fakes: { tool: probe({ w: [1] }).tool } });
    expect(restartsByName(log)).toEqual({ 'worker#1': [2] });
    // The second exit is ok, and a permanent child restarts again: with intensity 1 that escalates.
    expect(kernel.result?.status).toBe('failed');
    expect(ofKind(log, 'supervisor.escalated')).toHaveLength(1);
  });

  it('transient restarts after a failure and not after an ok exit', () => {
    const fake = probe({ w: [1, 2] });
    const { log, kernel } = run(compileDsl(single('transient')), { fakes: { tool: fake.tool } });
    expect(restartsByName(log)).toEqual({ 'worker#1': [2, 3] });
    expect(fake.calls).toHaveLength(3);
    expect(kernel.result).toEqual({ status: 'ok', output: { output: 'done', status: 'ok' } });
  });

  it('transient is the default restart type', () => {
    const { log } = run(compileDsl(single('transient').replace('restart transient', '')), { fakes: { tool: probe({ w: [1] }).tool } });
    expect(restartsByName(log)).toEqual({ 'worker#1': [2] });
  });

  it('a supervisor policy`s restart type applies to children that declare none, and a child`s own wins', () => {
    const policyTemporary = single('transient').replace('restart transient', '').replace('period 1m }', 'period 1m restart temporary }');
    expect(restartsByName(run(compileDsl(policyTemporary), { fakes: { tool: probe({ w: [1] }).tool } }).log)).toEqual({});
    const childWins = single('transient').replace('period 1m }', 'period 1m restart temporary }');
    expect(restartsByName(run(compileDsl(childWins), { fakes: { tool: probe({ w: [1] }).tool } }).log)).toEqual({ 'worker#1': [2] });
  });

  it('temporary never restarts, and await sees its failure', () => {
    const fake = probe({ w: [1] });
    const { log, kernel } = run(compileDsl(single('temporary')), { fakes: { tool: fake.tool } });
    expect(ofKind(log, 'proc.restarted')).toEqual([]);
    expect(fake.calls).toHaveLength(1);
    expect(kernel.result).toEqual({ status: 'ok', output: { output: null, reason: 'boom', status: 'failed' } });
  });

  it('an agent without a supervisor policy above it is never restarted', () => {
    const { log, kernel } = run(compileDsl(single('permanent').replace('main supervisor top', 'main')), { fakes: { tool: probe({ w: [1] }).tool } });
    expect(ofKind(log, 'proc.restarted')).toEqual([]);
    expect(kernel.result?.output).toEqual({ output: null, reason: 'boom', status: 'failed' });
  });
});

describe('signals', () => {
  /** A permanent worker that sleeps long enough to be signalled. */
  const sleeper = (signal: string): string => `workflow signals version "1"
model default { id "m" }
supervisor top { strategy one_for_all intensity 5 period 1m restart permanent }
agent worker {
  model default
  budget { turns 10 tokens 10000 time 1h }
  run { sleep 10s exit "slept" }
}
main supervisor top {
  let w = spawn worker
  let spare = spawn worker
  sleep 1s
  signal w ${signal}
  let r = await w timeout 1m
  signal spare kill
  exit r
}`;

  for (const op of ['kill', 'cancel']) {
    it(`a ${op} signal's exit is final even for a permanent child, and takes no sibling down`, () => {
      const { log, kernel } = run(compileDsl(sleeper(op)));
      expect(ofKind(log, 'proc.restarted')).toEqual([]);
      const status = op === 'kill' ? 'killed' : 'cancelled';
      expect(kernel.result).toEqual({ status: 'ok', output: { output: null, reason: { from: 'main', kind: 'signal', op }, status } });
      expect(ofKind(log, 'proc.exited', 'worker#2').map((e) => e.data?.['status'])).toEqual(['killed']);
    });
  }

  it('an external kill is final too', () => {
    const source = sleeper('kill').replace('signal w kill', '');
    const { log, kernel } = run(compileDsl(source), { signals: [{ at: 500, input: { kind: 'signal.external', target: 'worker#1', op: 'kill' } }] });
    expect(ofKind(log, 'proc.restarted')).toEqual([]);
    expect(kernel.result?.output).toEqual({ output: null, reason: { from: 'host', kind: 'signal', op: 'kill' }, status: 'killed' });
  });
});

describe('checkpoints', () => {
  it('a restarted agent resumes from its last checkpoint, not from the start', () => {
    const source = `workflow resume version "1"
model default { id "m" }
tool probe { argv ["probe", $step] param step int }
supervisor top { strategy one_for_one intensity 3 period 1m }
agent counter {
  model default
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let last = 0
    loop round max 3 {
      checkpoint { round: round }
      let r = exec probe { step: round }
      if r.exit_code != 0 { fail "boom" }
      set last = round
    }
    exit last
  }
}
main supervisor top {
  let r = call counter timeout 1m
  exit r
}`;
    const fake = probe({ '2': [1] });
    const { log, kernel } = run(compileDsl(source), { fakes: { tool: fake.tool } });
    // Rounds 1 and 2, the failure, then round 2 again from its checkpoint and round 3: never round 1 twice.
    expect(fake.calls).toEqual(['1', '2', '2', '3']);
    expect(kernel.result).toEqual({ status: 'ok', output: { output: 3, status: 'ok' } });
    const saved = ofKind(log, 'checkpoint.saved', 'counter#1');
    const beforeFailure = saved.filter((e) => e.seq < (ofKind(log, 'proc.restarted')[0]?.seq ?? 0));
    expect(beforeFailure).toHaveLength(2);
    const restarted = ofKind(log, 'proc.restarted', 'counter#1');
    expect(restarted.map((e) => e.data)).toEqual([{ cause: 'supervisor', checkpoint: beforeFailure[1]?.data?.['artifact'] as number, incarnation: 2 }]);
    const artifact = ofKind(log, 'artifact.recorded').find((e) => e.data?.['id'] === restarted[0]?.data?.['checkpoint']);
    expect(artifact?.data?.['kind']).toBe('checkpoint');
    expect(artifact?.data?.['incarnation']).toBe(1);
  });

  it('an agent that never checkpointed restarts from the start', () => {
    const { log } = run(compileDsl(single('transient')), { fakes: { tool: probe({ w: [1] }).tool } });
    expect(ofKind(log, 'proc.restarted')[0]?.data).toEqual({ cause: 'supervisor', incarnation: 2 });
  });
});

describe('await and call', () => {
  it('return only the final exit, not an intermediate failure', () => {
    const source = single('transient').replace('let r = await w timeout 1m', 'let r = await w timeout 1m\n  let again = call worker timeout 1m').replace('exit r\n}', 'exit [r, again]\n}');
    const fake = probe({ w: [1, 3] });
    const { log, kernel } = run(compileDsl(source), { fakes: { tool: fake.tool } });
    expect(kernel.result).toEqual({ status: 'ok', output: [{ output: 'done', status: 'ok' }, { output: 'done', status: 'ok' }] });
    expect(ofKind(log, 'proc.exited', 'worker#1').map((e) => e.data?.['status'])).toEqual(['failed', 'ok']);
    expect(ofKind(log, 'proc.exited', 'worker#2').map((e) => e.data?.['status'])).toEqual(['failed', 'ok']);
    // main is woken after the final exit of each, never between the failure and the restart.
    const mainWake = ofKind(log, 'effect.cancelled', 'main').map((e) => e.seq);
    const finals = ofKind(log, 'proc.exited').filter((e) => e.data?.['status'] === 'ok' && e.pid !== 'main').map((e) => e.seq);
    expect(mainWake.length).toBeGreaterThanOrEqual(2);
    expect(mainWake[0]).toBeGreaterThan(finals[0] as number);
  });
});

describe('escalation', () => {
  const boss = `workflow escalate version "1"
model default { id "m" }
supervisor crew { strategy one_for_one intensity 2 period 1m }
agent worker {
  model default
  budget { turns 10 tokens 10000 time 30m }
  run { fail "boom" }
}
agent boss {
  model default
  supervisor crew
  caps { spawn [worker] }
  budget { turns 20 tokens 20000 time 1h }
  run {
    let w = spawn worker
    let r = await w timeout 1m
    exit r
  }
}
main {
  let b = call boss timeout 5m
  exit b
}`;

  it('after intensity restarts inside the period the next failure escalates and fails the supervisor', () => {
    const { log, kernel } = run(compileDsl(boss));
    expect(ofKind(log, 'proc.exited', 'worker#1').map((e) => e.data?.['incarnation'])).toEqual([1, 2, 3]);
    expect(restartsByName(log)).toEqual({ 'worker#1': [2, 3] });
    const escalated = ofKind(log, 'supervisor.escalated');
    expect(escalated.map((e) => [e.pid, e.data])).toEqual([['boss#1', { child: 'worker#1', policy: 'crew', restarts: 2 }]]);
    const reason = { child: 'worker#1', kind: 'supervisor-escalated', policy: 'crew' };
    expect(ofKind(log, 'proc.exited', 'boss#1').map((e) => e.data)).toEqual([{ at: null, incarnation: 1, reason, status: 'failed' }]);
    // The supervisor fails instead of returning the child's exit; main (no policy) sees that failure.
    expect(kernel.result).toEqual({ status: 'ok', output: { output: null, reason, status: 'failed' } });
    expect(escalated[0]!.seq).toBeGreaterThan(ofKind(log, 'proc.exited', 'worker#1')[2]!.seq);
  });

  /** One worker, intensity 1, period 5 s: it sleeps `pause`, then probes and fails when the probe fails. */
  const paced = (pause: string): string => `workflow paced version "1"
${HEADER}
supervisor top { strategy one_for_one intensity 1 period 5s }
agent worker {
  model default
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    sleep ${pause}
    let r = exec probe { who: "w" }
    if r.exit_code != 0 { fail "boom" }
    exit "done"
  }
}
main supervisor top {
  let r = call worker timeout 1m
  exit r
}`;

  it('a restart older than the period no longer counts: its timer fires before the next failure', () => {
    const { log, kernel, now } = run(compileDsl(paced('6s')), { fakes: { tool: probe({ w: [1, 2] }).tool } });
    expect(restartsByName(log)).toEqual({ 'worker#1': [2, 3] });
    expect(kernel.result?.output).toEqual({ output: 'done', status: 'ok' });
    const periods = ofKind(log, 'effect.requested', 'main').filter((e) => (e.data?.['request'] as { purpose?: string }).purpose === 'period');
    expect(periods.map((e) => (e.data?.['request'] as { ms: number }).ms)).toEqual([5000, 5000]);
    const firstPeriod = periods[0]!.data?.['effect'];
    const fired = ofKind(log, 'timer.fired').find((e) => e.data?.['effect'] === firstPeriod);
    const secondFailure = ofKind(log, 'proc.exited', 'worker#1')[1]!;
    expect(secondFailure.data?.['status']).toBe('failed');
    expect(fired!.seq).toBeLessThan(secondFailure.seq);
    expect(now).toBeGreaterThanOrEqual(18_000);
    expect(ofKind(log, 'supervisor.escalated')).toEqual([]);
  });

  it('a restart inside the period still counts: the second failure escalates', () => {
    const { log, kernel } = run(compileDsl(paced('4s')), { fakes: { tool: probe({ w: [1, 2] }).tool } });
    expect(restartsByName(log)).toEqual({ 'worker#1': [2] });
    expect(ofKind(log, 'supervisor.escalated').map((e) => e.data)).toEqual([{ child: 'worker#1', policy: 'top', restarts: 1 }]);
    expect(kernel.result?.status).toBe('failed');
    expect(kernel.now).toBeLessThan(10_000);
  });
});

describe('a restarted supervisor', () => {
  it('starts with no restarts counted: its old period timers died with its old incarnation', () => {
    // boss restarts its worker once (intensity 1, period 1 s), then fails itself and is restarted
    // by main; long after the period its new worker fails once, which must restart, not escalate.
    const source = `workflow nested version "1"
model default { id "m" }
tool probe { argv ["probe", $who] param who string }
supervisor crew { strategy one_for_one intensity 1 period 1s }
supervisor top { strategy one_for_one intensity 5 period 1m }
agent worker {
  model default
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 10m }
  run {
    let r = exec probe { who: input }
    if r.exit_code != 0 { fail "boom" }
    exit input
  }
}
agent boss {
  model default
  supervisor crew
  caps { spawn [worker] tools [probe] }
  budget { turns 20 tokens 20000 time 1h }
  run {
    let first = spawn worker with "w1"
    let r1 = await first timeout 1m
    let b = exec probe { who: "boss" }
    if b.exit_code != 0 { fail "boss down" }
    sleep 5s
    let second = spawn worker with "w2"
    let r2 = await second timeout 1m
    exit [r1.output, r2.output]
  }
}
main supervisor top {
  let r = call boss timeout 1h
  exit r
}`;
    const fake = probe({ w1: [1], boss: [1], w2: [1] });
    const { log, kernel } = run(compileDsl(source), { fakes: { tool: fake.tool } });
    expect(ofKind(log, 'supervisor.escalated')).toEqual([]);
    expect(kernel.result).toEqual({ status: 'ok', output: { output: ['w1', 'w2'], status: 'ok' } });
  });
});

describe('budgets', () => {
  /** A permanent worker under main whose budget runs out: its time while it sleeps, or its turns. */
  const spender = (budget: string, program: string): string => `workflow spending version "1"
model default { id "m" }
retry again { attempts 3 on [crash] }
supervisor top { strategy one_for_one intensity 5 period 1m restart permanent }
agent worker {
  model default
  retry again
  budget { ${budget} }
  run { ${program} }
}
main supervisor top {
  let r = call worker timeout 1m
  exit r
}`;

  it('an agent out of time is neither retried nor restarted: its deadline spans every incarnation', () => {
    const { log, kernel } = run(compileDsl(spender('turns 10 tokens 10000 time 2s', 'sleep 5s exit "slept"')));
    expect(ofKind(log, 'proc.restarted')).toEqual([]);
    expect(ofKind(log, 'retry.scheduled')).toEqual([]);
    expect(kernel.result?.output).toEqual({ output: null, reason: { kind: 'budget-exhausted', limit: 'time' }, status: 'failed' });
    expect(kernel.now).toBe(2000);
  });

  it('an agent out of turns is neither retried nor restarted: its account spans every incarnation', () => {
    const program = 'let a = ask "one" let b = ask "two" exit b';
    const { log, kernel } = run(compileDsl(spender('turns 1 tokens 10000 time 1h', program)), { fakes: { model: () => 'fine' } });
    expect(ofKind(log, 'proc.restarted')).toEqual([]);
    expect(ofKind(log, 'effect.requested').filter((e) => e.data?.['op'] === 'model')).toHaveLength(1);
    expect(kernel.result?.output).toEqual({ output: null, reason: { kind: 'budget-exhausted', limit: 'turns' }, status: 'failed' });
  });
});
