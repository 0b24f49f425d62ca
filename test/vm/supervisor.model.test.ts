// Supervisor intensity against a model: main supervises three workers under an arbitrary
// strategy, intensity (1–4) and period; random commands fail a worker or let virtual time pass.
// The model keeps the times of past restarts: a failure restarts exactly when fewer than
// `intensity` of them lie within the last `period`, and escalates otherwise.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bytecode } from '../../src/bytecode/format.js';
import type { KernelEvent } from '../../src/bytecode/events.js';
import { Kernel, type KernelInput, type StepOutput } from '../../src/vm/kernel.js';
import { compileDsl, liveProcess } from './helpers.js';

const WORKERS = ['worker#1', 'worker#2', 'worker#3'] as const;
const STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one'] as const;
/** Periods and time steps are multiples of this, so restarts often expire exactly at a failure. */
const TICK = 500;

type Strategy = (typeof STRATEGIES)[number];

interface Policy {
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly period: number;
}

const compiled = new Map<string, Bytecode>();

/** Each worker waits on one probe and fails whatever it returns; main awaits them all. */
function workflow(policy: Policy): Bytecode {
  const key = JSON.stringify(policy);
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  const bytecode = compileDsl(`workflow supervised version "1"
model default { id "m" }
tool probe { argv ["probe", $who] param who string }
supervisor top { strategy ${policy.strategy} intensity ${policy.intensity} period ${policy.period} }
agent worker {
  model default
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let r = exec probe { who: input }
    fail r
  }
}
main supervisor top {
  let a = spawn worker with "a"
  let b = spawn worker with "b"
  let c = spawn worker with "c"
  let ra = await a timeout 10h
  let rb = await b timeout 10h
  let rc = await c timeout 10h
  exit [ra, rb, rc]
}`);
  compiled.set(key, bytecode);
  return bytecode;
}

/** Drives a kernel by hand: timers on a host clock, each worker's probe held until a command answers it. */
class Harness {
  readonly kernel: Kernel;
  readonly log: KernelEvent[] = [];
  now = 0;
  private order = 0;
  private readonly timers: { effect: string; due: number; order: number }[] = [];
  private readonly probes = new Map<string, string>();

  constructor(bytecode: Bytecode) {
    const { kernel, output } = Kernel.start({ bytecode, seed: 'model' });
    this.kernel = kernel;
    this.handle(output);
    this.settle();
  }

  /** Events logged from `seq` on. */
  since(seq: number): KernelEvent[] {
    return this.log.filter((e) => e.seq >= seq);
  }

  fail(worker: string): void {
    const effect = this.probes.get(worker);
    if (effect === undefined) throw new Error(`${worker} has no probe in flight`);
    this.probes.delete(worker);
    this.admit({ kind: 'effect.completed', effect, completion: { ok: true, value: { exit_code: 1, stderr: '', stdout: '' } } });
  }

  /** Fires every timer due by `until`, in due order, running the kernel after each. */
  advanceTo(until: number): void {
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (next === undefined || next.due > until || this.kernel.finished) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.now = next.due;
      this.admit({ kind: 'timer.fired', effect: next.effect });
    }
    this.now = until;
  }

  probeOf(worker: string): string | undefined {
    return this.probes.get(worker);
  }

  private admit(input: KernelInput): void {
    this.handle(this.kernel.admit(input));
    this.settle();
  }

  private settle(): void {
    while (this.kernel.runnable) this.handle(this.kernel.step());
  }

  private handle(output: StepOutput): void {
    this.log.push(...output.events);
    for (const id of output.cancels) {
      const at = this.timers.findIndex((t) => t.effect === id);
      if (at >= 0) this.timers.splice(at, 1);
      for (const [worker, effect] of this.probes) if (effect === id) this.probes.delete(worker);
    }
    for (const request of output.requests) {
      if (request.op === 'timer') this.timers.push({ effect: request.effect, due: this.now + (request.request['ms'] as number), order: this.order++ });
      else if (request.op === 'tool') this.probes.set(request.pid, request.effect);
      else throw new Error(`unexpected effect ${request.op}`);
    }
  }
}

class Model {
  /** Host times of the restarts so far. */
  readonly restarts: number[] = [];
  readonly incarnations = new Map<string, number>(WORKERS.map((w) => [w, 1]));
  escalated = false;
  now = 0;

  constructor(readonly policy: Policy) {}

  inWindow(): number {
    return this.restarts.filter((t) => t + this.policy.period > this.now).length;
  }

  /** Who restarts when `worker` fails: itself first, then the siblings its strategy takes down, in spawn order. */
  restartSet(worker: string): string[] {
    const at = WORKERS.indexOf(worker as (typeof WORKERS)[number]);
    const others = WORKERS.filter((w, i) => i !== at && (this.policy.strategy === 'one_for_all' || (this.policy.strategy === 'rest_for_one' && i > at)));
    return [worker, ...others];
  }
}

type SupervisorCommand = fc.Command<Model, Harness>;

function assertAgrees(model: Model, real: Harness): void {
  const { kernel } = real;
  expect(kernel.finished).toBe(model.escalated);
  if (model.escalated) return;
  const main = liveProcess(kernel, 'main');
  expect(main?.restartWindow).toHaveLength(model.inWindow());
  for (const worker of WORKERS) {
    const p = kernel.core.processes.get(worker)!;
    expect(p.incarnation).toBe(model.incarnations.get(worker));
    expect(p.final).toBe(false);
    // Every live worker waits on exactly one probe, the one the harness holds.
    const probes = kernel.inFlight().filter((e) => e.op === 'tool' && e.pid === worker);
    expect(probes.map((e) => e.id)).toEqual([real.probeOf(worker)]);
  }
}

class Fail implements SupervisorCommand {
  constructor(readonly worker: string) {}
  check(model: Readonly<Model>): boolean {
    return !model.escalated;
  }
  run(model: Model, real: Harness): void {
    const from = real.kernel.core.nextSeq;
    const inWindow = model.inWindow();
    real.fail(this.worker);
    const events = real.since(from);
    const restarted = events.filter((e) => e.kind === 'proc.restarted');
    const escalated = events.filter((e) => e.kind === 'supervisor.escalated');
    if (inWindow < model.policy.intensity) {
      const expected = model.restartSet(this.worker);
      expect(escalated).toEqual([]);
      expect(restarted.map((e) => [e.pid, e.data?.['incarnation']])).toEqual(expected.map((w) => [w, (model.incarnations.get(w) ?? 0) + 1]));
      for (const w of expected) model.incarnations.set(w, (model.incarnations.get(w) ?? 0) + 1);
      model.restarts.push(model.now);
    } else {
      expect(restarted).toEqual([]);
      expect(escalated.map((e) => [e.pid, e.data])).toEqual([['main', { child: this.worker, policy: 'top', restarts: inWindow }]]);
      const exit = events.find((e) => e.kind === 'proc.exited' && e.pid === this.worker);
      expect(exit?.data?.['status']).toBe('failed');
      expect(real.kernel.result).toMatchObject({ status: 'failed', reason: { child: this.worker, kind: 'supervisor-escalated', policy: 'top' } });
      expect(real.kernel.core.processes.get(this.worker)?.final).toBe(true);
      model.escalated = true;
    }
    assertAgrees(model, real);
  }
  toString(): string {
    return `fail(${this.worker})`;
  }
}

class Advance implements SupervisorCommand {
  constructor(readonly ticks: number) {}
  check(model: Readonly<Model>): boolean {
    return !model.escalated;
  }
  run(model: Model, real: Harness): void {
    const from = real.kernel.core.nextSeq;
    model.now += this.ticks * TICK;
    real.advanceTo(model.now);
    // Passing time only lets restarts fall out of the window: nothing restarts, nothing escalates.
    const kinds = real.since(from).map((e) => e.kind);
    expect(kinds.filter((k) => k !== 'timer.fired')).toEqual([]);
    assertAgrees(model, real);
  }
  toString(): string {
    return `advance(${this.ticks * TICK}ms)`;
  }
}

const policyArb: fc.Arbitrary<Policy> = fc.record({
  strategy: fc.constantFrom(...STRATEGIES),
  intensity: fc.integer({ min: 1, max: 4 }),
  period: fc.integer({ min: 1, max: 8 }).map((n) => n * TICK),
});

const commandsArb = fc.commands(
  [fc.constantFrom(...WORKERS).map((w) => new Fail(w)), fc.integer({ min: 0, max: 6 }).map((n) => new Advance(n))],
  { maxCommands: 40 },
);

describe('supervisor (exactly the allowed restarts inside the period, then escalation)', () => {
  it('restarts while fewer than intensity restarts lie within the period, escalates otherwise', () => {
    fc.assert(
      fc.property(policyArb, commandsArb, (policy, cmds) => {
        fc.modelRun(() => ({ model: new Model(policy), real: new Harness(workflow(policy)) }), cmds);
      }),
      { numRuns: 300 },
    );
  });

  it('every seq is used once, in order, whatever the commands', () => {
    fc.assert(
      fc.property(policyArb, commandsArb, (policy, cmds) => {
        const real = new Harness(workflow(policy));
        fc.modelRun(() => ({ model: new Model(policy), real }), cmds);
        expect(real.log.map((e) => e.seq)).toEqual(real.log.map((_, i) => i));
      }),
      { numRuns: 50 },
    );
  });
});
