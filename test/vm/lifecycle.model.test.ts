// Process lifecycle against a coarse model (alive, paused, ended with an exit) over random
// sequences of scheduler steps, effect completions, timer firings and external signals (kill,
// pause, resume, cancel). The agents sit in every interesting state — ready, blocked on recv, on a
// sleep, on a model call or a tool run in flight, holding or waiting for a lease, with a live
// child, awaiting a sibling — and the kernel's invariants are checked after every command.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KernelEvent } from '../../src/bytecode/events.js';
import type { SignalOp } from '../../src/bytecode/opcodes.js';
import type { EffectRequest, InFlight } from '../../src/vm/effects.js';
import { Kernel, exitValue, type Completion, type StepOutput } from '../../src/vm/kernel.js';
import type { JsonValue } from '../../src/bytecode/json.js';
import type { FinalExit, LifecycleState } from '../../src/vm/process.js';
import { compileDsl, liveProcess } from './helpers.js';

const BUDGET = 'model default budget { turns 5 tokens 5000 time 10h }';

/** main spawns every agent, then blocks on a read that is never answered, so the run never deadlocks. */
const WORKFLOW = compileDsl(`
workflow lifecycle version "1"
model default { id "m" }
tool probe { argv ["probe"] }
retry flaky { attempts 3 backoff 1s on [tool_failure] }
retry crashy { attempts 3 backoff 2s on [crash] }
agent sleeper { ${BUDGET} run { sleep 10s exit "slept" } }
agent receiver { ${BUDGET} run { let m = recv exit m } }
agent asker { ${BUDGET} run { let a = ask "q" exit a } }
agent execer { ${BUDGET} caps { tools [probe] } retry flaky run { let r = exec probe exit r } }
agent holder { ${BUDGET} caps { leases ["r"] } run { let l = acquire "r" ttl 1m let m = recv exit l } }
agent waiter { ${BUDGET} caps { leases ["r"] } run { let l = acquire "r" ttl 1m timeout 30s exit l } }
agent grandchild { ${BUDGET} caps { leases ["r"] } run { let l = acquire "r" ttl 1m let m = recv exit m } }
agent boss { ${BUDGET} caps { spawn [grandchild] leases ["r"] } run { let g = spawn grandchild let m = recv exit m } }
agent crasher { ${BUDGET} retry crashy run { fail "crash" } }
agent spinner { ${BUDGET} run { let i = 0 loop n max 100 { set i = n } exit i } }
agent watcher { ${BUDGET} run {
  let first = input.first
  let a = await first
  send parent { of: first, result: a }
  let second = input.second
  let b = await second timeout 20s
  send parent { of: second, result: b }
  let ghost = input.ghost
  let c = await ghost
  send parent { of: ghost, result: c }
} }
main {
  let s = spawn sleeper
  spawn receiver
  spawn asker
  spawn execer
  spawn holder
  spawn waiter
  spawn waiter
  let b = spawn boss
  spawn spinner
  spawn crasher
  spawn watcher with { first: s, second: b, ghost: { pid: "ghost#1" } }
  read "/hang"
}
`);

const TARGETS = ['sleeper#1', 'receiver#1', 'asker#1', 'execer#1', 'holder#1', 'waiter#1', 'waiter#2', 'boss#1', 'grandchild#1', 'spinner#1', 'crasher#1', 'watcher#1', 'ghost#1'];
const OPS: readonly SignalOp[] = ['kill', 'pause', 'resume', 'cancel'];

type Coarse = { kind: 'alive' } | { kind: 'paused'; prior: LifecycleState } | { kind: 'ended'; exit: FinalExit };

class LifecycleModel {
  readonly procs = new Map<string, Coarse>();

  constructor(real: Harness) {
    for (const name of real.kernel.core.processes.keys()) this.procs.set(name, { kind: 'alive' });
  }
}

/** The kernel, the effects it asked for (main's hanging read aside) and the timers it withdrew. */
class Harness {
  readonly kernel: Kernel;
  readonly effects: EffectRequest[] = [];
  /** Effects whose completion was applied: a second completion of one is stale. */
  readonly applied = new Set<string>();
  readonly cancelledTimers: string[] = [];
  private readonly timers = new Set<string>();
  private readonly exited = new Set<string>();
  /** Names waiting out a crash retry's backoff: their last incarnation has exited, and the name may still end. */
  private readonly backingOff = new Set<string>();

  /** `setupSteps` steps are taken first, so runs start with agents at different points. */
  constructor(setupSteps: number) {
    const { kernel, output } = Kernel.start({ bytecode: WORKFLOW, seed: 'lifecycle', options: { quantum: 64 } });
    this.kernel = kernel;
    this.take(output);
    // main's first step spawns every agent and blocks.
    this.take(kernel.step());
    if (liveProcess(kernel, 'main')?.wait?.kind !== 'effect') throw new Error('main did not reach its hanging read in one step');
    for (let i = 0; i < setupSteps && kernel.runnable; i++) this.take(kernel.step());
  }

  take(output: StepOutput): readonly KernelEvent[] {
    for (const e of output.events) {
      const pid = e.pid ?? '';
      if (e.kind === 'retry.scheduled' && e.data?.['on'] === 'crash') this.backingOff.add(pid);
      if (e.kind === 'proc.restarted') this.backingOff.delete(pid);
      if (e.kind !== 'proc.exited') continue;
      // An incarnation exits once; a name that ends while it waits out a backoff records its end under the incarnation it last ran.
      const incarnation = `${pid}/${String(e.data?.['incarnation'])}`;
      expect(this.exited.has(incarnation) && !this.backingOff.delete(pid), `${incarnation} exited twice`).toBe(false);
      this.exited.add(incarnation);
    }
    for (const request of output.requests) {
      if (request.op === 'timer') this.timers.add(request.effect);
      else if (request.pid !== 'main') this.effects.push(request);
    }
    for (const id of output.cancels) if (this.timers.has(id)) this.cancelledTimers.push(id);
    return output.events;
  }
}

interface ProcView {
  state: LifecycleState;
  final: boolean;
  exit: FinalExit | null;
  wait: string | null;
  pausedFrom: LifecycleState | null;
  incarnation: number;
  pc: number | null;
}

interface Snapshot {
  procs: Record<string, ProcView>;
  ready: string[];
  inFlight: { id: string; pid: string }[];
  holder: { holder: string; token: number } | null;
  waiters: string[];
  now: number;
}

function snapshot({ kernel }: Harness): Snapshot {
  const procs: Record<string, ProcView> = {};
  for (const p of kernel.core.processes.values()) {
    const live = p.final ? undefined : p;
    procs[p.name] = { state: p.state, final: p.final, exit: p.exit, wait: live?.wait?.kind ?? null, pausedFrom: live?.pausedFrom ?? null, incarnation: p.incarnation, pc: live?.frame?.pc ?? null };
  }
  const grant = kernel.core.leases.holderOf('r');
  return {
    procs,
    ready: [...new Set(kernel.core.scheduler.pending())].sort(),
    inFlight: kernel.inFlight().map((e) => ({ id: e.id, pid: e.pid })),
    holder: grant === undefined ? null : { holder: grant.holder, token: grant.token },
    waiters: [...kernel.core.leases.waitersOf('r')],
    now: kernel.now,
  };
}

function isFinal(real: Harness, name: string): boolean {
  return real.kernel.core.processes.get(name)?.final === true;
}

/** Invariants that hold between any two kernel transitions. */
function checkInvariants(real: Harness): void {
  const { kernel } = real;
  const ready = new Set(kernel.core.scheduler.pending());
  for (const p of kernel.core.processes.values()) {
    expect(p.state, `${p.name} is left running between transitions`).not.toBe('running');
    expect(ready.has(p.name), `${p.name} is queued exactly when ready`).toBe(p.state === 'ready');
    if (p.parent !== null && isFinal(real, p.parent)) expect(p.final, `${p.name} outlives its ended parent ${p.parent}`).toBe(true);
    if (p.final) {
      expect(p.state).toBe('exited');
      continue;
    }
    if (p.state === 'paused') expect(p.pausedFrom, `${p.name} paused without a state to resume to`).not.toBeNull();
    if (p.state === 'blocked') expect(p.wait, `${p.name} blocked on nothing`).not.toBeNull();
  }
  expect(kernel.core.scheduler.size).toBe(ready.size);
  for (const effect of kernel.inFlight()) expect(isFinal(real, effect.pid), `${effect.id} is in flight for an ended process`).toBe(false);
  const grant = kernel.core.leases.holderOf('r');
  if (grant !== undefined) expect(isFinal(real, grant.holder), `lease held by ended ${grant.holder}`).toBe(false);
  for (const waiter of kernel.core.leases.waitersOf('r')) {
    expect(isFinal(real, waiter), `ended ${waiter} still queued for the lease`).toBe(false);
    expect(liveProcess(kernel, waiter)?.wait?.kind).toBe('acquire');
  }
  if (kernel.core.leases.waitersOf('r').length > 0) expect(grant, 'waiters queue for a free resource').toBeDefined();
}

/** When a grant of `r` ended, the first waiter still alive holds it now, and was told so. */
function checkLeaseHandover(real: Harness, before: Snapshot, events: readonly KernelEvent[]): void {
  const after = snapshot(real);
  if (before.holder === null || after.holder?.token === before.holder.token) return;
  const next = before.waiters.find((w) => !isFinal(real, w));
  if (next === undefined) return;
  expect(after.holder?.holder, `lease not handed to the next waiter ${next}`).toBe(next);
  expect(after.holder?.token).toBeGreaterThan(before.holder.token);
  expect(events.some((e) => e.kind === 'lease.granted' && e.pid === next && e.data?.['resource'] === 'r')).toBe(true);
}

/** What the watcher reports from its awaits: the final exit of an ended target, a timeout of a live one, or unknown-process. */
function checkAwaitResults(model: LifecycleModel, real: Harness, events: readonly KernelEvent[]): void {
  for (const e of events) {
    if (e.kind !== 'msg.sent' || e.pid !== 'watcher#1') continue;
    const { of, result } = e.data?.['value'] as { of: { pid: string }; result: JsonValue };
    const target = model.procs.get(of.pid);
    if (target === undefined) {
      expect(result).toEqual({ output: null, reason: { kind: 'unknown-process', target: of }, status: 'failed' });
    } else if ((result as { status: string }).status === 'timeout') {
      // Whether the target still ran when the timer fired is checked as it fires (FireTimer).
      expect(result).toEqual({ output: null, status: 'timeout' });
    } else {
      expect(target.kind, `await returned before ${of.pid} ended`).toBe('ended');
      if (target.kind === 'ended') expect(result).toEqual(exitValue(target.exit));
    }
  }
}

type Cause = { kind: 'step' } | { kind: 'input'; owner: string } | { kind: 'signal' };

/** A process ended without the command predicting it: check it was allowed to. */
function checkUnpredictedEnd(real: Harness, name: string, was: Coarse, exit: FinalExit, cause: Cause): void {
  const reason = exit.reason as { kind?: string; parent?: string } | undefined;
  if (exit.status === 'killed' && reason?.kind === 'parent-exited') {
    expect(isFinal(real, reason.parent ?? ''), `${name} killed for a parent that lives`).toBe(true);
    return;
  }
  expect(cause.kind, `${name} ended by a signal sent to another process`).not.toBe('signal');
  if (cause.kind === 'input') {
    // An input runs no instructions: it can only fail the process it belongs to (budget, failed call).
    expect(name).toBe(cause.owner);
    expect(exit.status).toBe('failed');
    return;
  }
  expect(was.kind, `${name} ended while paused`).toBe('alive');
  expect(['ok', 'failed']).toContain(exit.status);
}

/** Brings the model up to date with the kernel after a command, checking every change was allowed. */
function reconcile(model: LifecycleModel, real: Harness, before: Snapshot, events: readonly KernelEvent[], cause: Cause): void {
  let naturalEnds = 0;
  for (const p of real.kernel.core.processes.values()) {
    let was = model.procs.get(p.name);
    if (was === undefined) {
      expect(cause.kind, `${p.name} appeared outside a step`).toBe('step');
      was = { kind: 'alive' };
      model.procs.set(p.name, was);
    }
    if (was.kind === 'ended') {
      expect(p.final, `${p.name} came back after ending`).toBe(true);
      expect(p.exit).toEqual(was.exit);
      continue;
    }
    if (p.final) {
      const exit = p.exit as FinalExit;
      checkUnpredictedEnd(real, p.name, was, exit, cause);
      if (exit.status !== 'killed') naturalEnds++;
      model.procs.set(p.name, { kind: 'ended', exit });
      continue;
    }
    if (was.kind === 'paused') {
      expect(p.state, `${p.name} left paused without resume`).toBe('paused');
      // Not one instruction runs while paused: a restart may begin a new incarnation, at its start.
      const then = before.procs[p.name];
      expect(p.frame?.pc ?? null, `${p.name} ran while paused`).toBe(then?.incarnation === p.incarnation ? (then.pc ?? null) : 0);
    } else {
      expect(p.state, `${p.name} paused without pause`).not.toBe('paused');
    }
  }
  expect(naturalEnds).toBeLessThanOrEqual(1);
  checkInvariants(real);
  checkLeaseHandover(real, before, events);
  checkAwaitResults(model, real, events);
  expect(real.kernel.now).toBeGreaterThanOrEqual(before.now);
}

type LifecycleCommand = fc.Command<LifecycleModel, Harness>;

/** A command that may come at any point; one with nothing to act on does nothing. */
abstract class AnyTime implements LifecycleCommand {
  check(): boolean {
    return true;
  }
  abstract run(model: LifecycleModel, real: Harness): void;
  abstract toString(): string;
}

/** Inputs come only when the kernel is admissible: the silent steps before one are stepped first. */
function toBoundary(model: LifecycleModel, real: Harness): void {
  while (!real.kernel.admissible) new Step().run(model, real);
}

class Step extends AnyTime {
  run(model: LifecycleModel, real: Harness): void {
    if (!real.kernel.runnable) return;
    const before = snapshot(real);
    const events = real.take(real.kernel.step());
    reconcile(model, real, before, events, { kind: 'step' });
  }
  toString(): string {
    return 'step';
  }
}

function completionFor(request: EffectRequest, ok: boolean): Completion {
  if (!ok) return { ok: false, error: { kind: 'boom', message: 'the fake effect failed' } };
  return { ok: true, value: request.op === 'model' ? { content: 'answer', usage: { input: 1, output: 1 } } : { exit_code: 0, stderr: '', stdout: 'out' } };
}

/** Completes an effect in flight; the owner takes it now, or when resumed if paused. */
class CompleteEffect extends AnyTime {
  constructor(readonly index: number, readonly ok: boolean) {
    super();
  }
  run(model: LifecycleModel, real: Harness): void {
    toBoundary(model, real);
    const open = real.kernel.inFlight().filter((e) => e.op !== 'timer' && e.pid !== 'main');
    if (open.length === 0) return;
    const effect = open[this.index % open.length] as InFlight;
    const request = real.effects.find((r) => r.effect === effect.id) as EffectRequest;
    real.applied.add(effect.id);
    const before = snapshot(real);
    const events = real.take(real.kernel.admit({ kind: 'effect.completed', effect: effect.id, completion: completionFor(request, this.ok) }));
    expect(events[0]).toMatchObject({ kind: 'effect.completed', pid: effect.pid, data: { effect: effect.id, ok: this.ok } });
    expect(events.map((e) => e.kind)).not.toContain('effect.discarded');
    reconcile(model, real, before, events, { kind: 'input', owner: effect.pid });
  }
  toString(): string {
    return `complete(${this.index}, ${this.ok ? 'ok' : 'error'})`;
  }
}

/** Completes an effect no longer in flight: answered before (stale) or withdrawn when its process ended. */
class CompleteLate extends AnyTime {
  constructor(readonly index: number) {
    super();
  }
  run(model: LifecycleModel, real: Harness): void {
    toBoundary(model, real);
    const inFlight = new Set<string>(real.kernel.inFlight().map((e) => e.id));
    const done = real.effects.filter((r) => !inFlight.has(r.effect));
    if (done.length === 0) return;
    const request = done[this.index % done.length] as EffectRequest;
    const before = snapshot(real);
    const events = real.take(real.kernel.admit({ kind: 'effect.completed', effect: request.effect, completion: completionFor(request, true) }));
    expect(events.map((e) => e.kind)).toEqual(['effect.completed', 'effect.discarded']);
    expect(events[1]).toMatchObject({ pid: request.pid, data: { effect: request.effect, reason: real.applied.has(request.effect) ? 'stale' : 'exited' } });
    if (!real.applied.has(request.effect)) expect(isFinal(real, request.pid)).toBe(true);
    expect(snapshot(real)).toEqual(before);
    reconcile(model, real, before, events, { kind: 'input', owner: '' });
  }
  toString(): string {
    return `complete-late(${this.index})`;
  }
}

/** Fires the earliest timer in flight, as virtual time would. */
class FireTimer extends AnyTime {
  run(model: LifecycleModel, real: Harness): void {
    toBoundary(model, real);
    const timers = real.kernel.inFlight().filter((e): e is InFlight & { due: number } => e.due !== null);
    if (timers.length === 0) return;
    const earliest = timers.reduce((a, b) => (b.due < a.due ? b : a));
    const awaiter = liveProcess(real.kernel, earliest.pid);
    const wait = awaiter?.wait?.kind === 'await' && awaiter.wait.timer === earliest.id ? awaiter.wait : undefined;
    const before = snapshot(real);
    const events = real.take(real.kernel.admit({ kind: 'timer.fired', effect: earliest.id }));
    expect(events[0]).toMatchObject({ kind: 'timer.fired', pid: earliest.pid, data: { effect: earliest.id } });
    expect(real.kernel.now).toBe(Math.max(before.now, earliest.due));
    if (wait !== undefined) {
      // An await times out only on a target still running, and leaves it running.
      expect(isFinal(real, wait.target), `await timed out on ended ${wait.target}`).toBe(false);
      expect(awaiter?.wait).toBeNull();
    }
    reconcile(model, real, before, events, { kind: 'input', owner: earliest.pid });
  }
  toString(): string {
    return 'fire-earliest-timer';
  }
}

/** A withdrawn timer fires anyway: recorded, discarded, nothing else happens. */
class FireWithdrawnTimer extends AnyTime {
  constructor(readonly index: number) {
    super();
  }
  run(model: LifecycleModel, real: Harness): void {
    toBoundary(model, real);
    if (real.cancelledTimers.length === 0) return;
    const id = real.cancelledTimers[this.index % real.cancelledTimers.length] as string;
    const before = snapshot(real);
    const events = real.take(real.kernel.admit({ kind: 'timer.fired', effect: id }));
    expect(events.map((e) => e.kind)).toEqual(['timer.fired', 'effect.discarded']);
    expect(['cancelled', 'exited']).toContain(events[1]?.data?.['reason']);
    expect(snapshot(real)).toEqual(before);
    reconcile(model, real, before, events, { kind: 'input', owner: '' });
  }
  toString(): string {
    return `fire-withdrawn-timer(${this.index})`;
  }
}

/** All effects in flight for `names` before a kill or cancel: each must have been withdrawn. */
function checkWithdrawn(real: Harness, before: Snapshot, names: ReadonlySet<string>, events: readonly KernelEvent[]): void {
  const still = new Set<string>(real.kernel.inFlight().map((e) => e.id));
  for (const effect of before.inFlight) {
    if (!names.has(effect.pid)) continue;
    expect(still.has(effect.id), `${effect.id} survived the end of ${effect.pid}`).toBe(false);
    expect(events.some((e) => e.kind === 'effect.cancelled' && e.data?.['effect'] === effect.id)).toBe(true);
  }
}

/** Every process that was alive below `name` (its subtree, itself included). */
function liveSubtree(real: Harness, before: Snapshot, name: string): Set<string> {
  const names = new Set([name]);
  for (const p of real.kernel.core.processes.values()) if (before.procs[p.name]?.final === false && isBelow(real, p.name, name)) names.add(p.name);
  return names;
}

function isBelow(real: Harness, name: string, ancestor: string): boolean {
  for (let at = real.kernel.core.processes.get(name)?.parent ?? null; at !== null; at = real.kernel.core.processes.get(at)?.parent ?? null) {
    if (at === ancestor) return true;
  }
  return false;
}

/** Admits an external signal and checks its whole effect: exactly what the model predicts changes. */
function sendSignal(model: LifecycleModel, real: Harness, target: string, op: SignalOp): void {
  toBoundary(model, real);
  const before = snapshot(real);
  const events = real.take(real.kernel.admit({ kind: 'signal.external', target, op }));
  const was = model.procs.get(target);
  const kinds = events.map((e) => e.kind);
  if (was === undefined) {
    expect(kinds).toEqual(['signal.external']);
    expect(snapshot(real)).toEqual(before);
    return;
  }
  expect(kinds.slice(0, 2)).toEqual(['signal.external', 'proc.signalled']);
  expect(events[1]).toMatchObject({ pid: target, data: { from: 'host', op } });
  const inert = was.kind === 'ended' || (op === 'pause' && was.kind === 'paused') || (op === 'resume' && was.kind === 'alive');
  if (inert) {
    expect(kinds).toHaveLength(2);
    expect(snapshot(real)).toEqual(before);
  } else if (op === 'kill' || op === 'cancel') {
    const exit: FinalExit = { status: op === 'kill' ? 'killed' : 'cancelled', output: null, reason: { from: 'host', kind: 'signal', op } };
    model.procs.set(target, { kind: 'ended', exit });
    checkWithdrawn(real, before, liveSubtree(real, before, target), events);
  } else {
    checkPauseOrResume(model, real, before, target, op, was);
  }
  reconcile(model, real, before, events, { kind: 'signal' });
}

function checkPauseOrResume(model: LifecycleModel, real: Harness, before: Snapshot, target: string, op: 'pause' | 'resume', was: Coarse): void {
  const p = real.kernel.core.processes.get(target);
  const prior = before.procs[target];
  if (p === undefined || prior === undefined) throw new Error(`no process ${target}`);
  const others = (snap: Snapshot): unknown => ({ ...snap, procs: { ...snap.procs, [target]: null }, ready: snap.ready.filter((n) => n !== target) });
  expect(others(snapshot(real)), 'a pause or resume touched another process').toEqual(others(before));
  if (op === 'pause') {
    expect(p.state).toBe('paused');
    model.procs.set(target, { kind: 'paused', prior: prior.state });
    return;
  }
  if (was.kind !== 'paused') throw new Error(`resume of ${target}, which the model has not paused`);
  // It resumes where it was, or ready when what it waited for came while it was paused.
  expect(p.state).toBe(prior.pausedFrom);
  expect([was.prior, 'ready']).toContain(p.state);
  if (was.prior === 'ready') expect(p.state).toBe('ready');
  model.procs.set(target, { kind: 'alive' });
}

class Signal extends AnyTime {
  constructor(readonly target: string, readonly op: SignalOp) {
    super();
  }
  run(model: LifecycleModel, real: Harness): void {
    sendSignal(model, real, this.target, this.op);
  }
  toString(): string {
    return `signal(${this.target}, ${this.op})`;
  }
}

/** Signals one of the paused processes, so every signal meets paused processes often. */
class SignalPaused implements LifecycleCommand {
  constructor(
    readonly index: number,
    readonly op: SignalOp,
  ) {}
  check(model: Readonly<LifecycleModel>): boolean {
    return pausedNames(model).length > 0;
  }
  run(model: LifecycleModel, real: Harness): void {
    const paused = pausedNames(model);
    sendSignal(model, real, paused[this.index % paused.length] as string, this.op);
  }
  toString(): string {
    return `signal-paused(${this.index}, ${this.op})`;
  }
}

function pausedNames(model: Readonly<LifecycleModel>): string[] {
  return [...model.procs].filter(([, c]) => c.kind === 'paused').map(([name]) => name);
}

const commands = [
  fc.constant(new Step()),
  fc.constant(new Step()),
  fc.constant(new Step()),
  fc.constant(new Step()),
  fc.tuple(fc.nat(), fc.boolean()).map(([index, ok]) => new CompleteEffect(index, ok)),
  fc.nat().map((index) => new CompleteLate(index)),
  fc.constant(new FireTimer()),
  fc.nat().map((index) => new FireWithdrawnTimer(index)),
  fc.tuple(fc.constantFrom(...TARGETS), fc.constantFrom(...OPS)).map(([target, op]) => new Signal(target, op)),
  fc.tuple(fc.nat(), fc.constantFrom(...OPS)).map(([index, op]) => new SignalPaused(index, op)),
];

describe('process lifecycle under random steps, completions, timers and signals', () => {
  it('matches the model and keeps the kernel invariants after every command', () => {
    fc.assert(
      fc.property(fc.nat({ max: 14 }), fc.commands(commands, { maxCommands: 50, size: 'max' }), (setupSteps, cmds) => {
        fc.modelRun(() => {
          const real = new Harness(setupSteps);
          return { model: new LifecycleModel(real), real };
        }, cmds);
      }),
      { numRuns: 120 },
    );
  });
});
