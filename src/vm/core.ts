// The kernel's state and the primitives every part of it shares: numbering and buffering events,
// issuing and settling effects, timers on the virtual clock, and waking blocked processes.
// Nothing here does I/O: effects leave as data in the step's output and come back as inputs.
import { assert } from '../bytecode/errors.js';
import type { AgentEntry, Bytecode, Code } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { deepFreeze } from './frozen.js';
import type { EventKind, KernelEvent } from '../bytecode/events.js';
import type { BackendInfo } from '../generated/event.js';
import { ArtifactStore, type Blob } from './artifacts.js';
import { capsJson, declaredCaps, grantCaps, type Caps } from './caps.js';
import { budgetJson, type Budget } from './budget.js';
import { appended, NONE } from './lists.js';
import { EffectTable, type Completion, type EffectOp, type EffectRequest, type TimerPurpose } from './effects.js';
import { nthEffect, type EffectId, type Pid } from './ids.js';
import { LeaseTable } from './leases.js';
import type { FinalExit, Process, ProcessRecord } from './process.js';
import { RandomStreams } from './rng.js';
import { holderOf } from './rules.js';
import { Scheduler, type SchedulingPolicy } from './scheduler.js';
import { TaskTable } from './tasks.js';
import { SchemaValidator } from './validate.js';

export interface KernelOptions {
  /** Which ready process runs next. Default: round-robin. */
  readonly policy: SchedulingPolicy;
  /** Instructions a process may run in one step before it yields. Default: 256. */
  readonly quantum: number;
  /** Recorded for the host: completions admitted in request order, only when nothing can run. */
  readonly orderedCompletions: boolean;
}

export const DEFAULT_OPTIONS: KernelOptions = { policy: 'round-robin', quantum: 256, orderedCompletions: false };

/** The backend a run was started with, as recorded in `run.started`. */
export type { BackendInfo };

/** What one kernel step hands the host: events to log, effects to run, effects to stop, blobs to store first. */
export interface StepOutput {
  readonly events: readonly KernelEvent[];
  readonly requests: readonly EffectRequest[];
  readonly cancels: readonly string[];
  readonly blobs: readonly Blob[];
}

/** A transition's output while it is built: the lists other than events are made on first use (most steps have none). */
interface OutputBuffer {
  readonly events: KernelEvent[];
  requests: readonly EffectRequest[];
  cancels: readonly string[];
  blobs: readonly Blob[];
}

export type EventData = { readonly [key: string]: JsonValue };

export class KernelCore {
  readonly code: Code;
  /** The constant table, as the JSON values the kernel computes with. */
  readonly constants: readonly JsonValue[];
  readonly random: RandomStreams;
  readonly scheduler: Scheduler;
  /** Every process of the run by name: live records, and what is kept of those that ended for good. */
  readonly processes = new Map<Pid, ProcessRecord>();
  readonly effects = new EffectTable();
  readonly leases = new LeaseTable<Pid>();
  readonly tasks = new TaskTable();
  readonly artifacts = new ArtifactStore();
  readonly validator: SchemaValidator;
  /** Subscribers of each topic, in subscription order. */
  readonly topics = new Map<string, Pid[]>();
  /** How many processes of each spec (agent or branch procedure) have been spawned. */
  readonly spawned = new Map<string, number>();
  /** A branch's slots when it exited, kept until its parallel statement joins. */
  readonly branchSlots = new Map<Pid, JsonValue[]>();
  /** Version of each shared mount's contents, for the compare-and-swap of overlay commits. */
  readonly mountVersions = new Map<string, number>();
  /** The base versions each process's overlays started from, by overlay path. */
  readonly overlayBases = new Map<Pid, Map<string, number>>();
  /** What to do when a verifier (or a rejected task's new attempt) ends for good, by its name. */
  readonly verifyWaits = new Map<Pid, (exit: FinalExit | null) => void>();
  /** Capability sets are immutable: each (parent set, agent spec) pair is granted once and shared. */
  private readonly granted = new WeakMap<Caps, Map<number, Caps>>();
  private readonly capsTexts = new WeakMap<Caps, JsonValue>();
  private readonly grantedBudgets = new Map<number, { readonly limit: Budget; readonly json: JsonValue }>();
  /** The TTL timer of each granted lease, by resource. */
  readonly leaseTimers = new Map<string, EffectId>();
  /** The time-budget timer of each agent name (it spans incarnations). */
  readonly budgetTimers = new Map<Pid, EffectId>();
  /** The latest live process of each agent spec: what an agent name in a program refers to. */
  readonly latestOf = new Map<number, Pid>();
  /** Set by the kernel: wakes a process waiting on `ended` (await, call, join, verify). */
  onFinal: (waiter: Process, ended: Process) => void = () => undefined;
  /** Set by the kernel: an agent's time budget ran out. */
  onDeadline: (p: Process) => void = () => undefined;
  /** Set by the kernel: ends the run when main ends for good. */
  finishRun: (exit: FinalExit) => void = () => undefined;
  /** The virtual clock: the due time of the latest timer that fired. */
  now = 0;
  spawnOrder = 0;
  messageSeq = 0;
  finished = false;
  private seq = 0;
  private out: OutputBuffer = emptyOutput();

  constructor(
    readonly bytecode: Bytecode,
    readonly seed: string,
    readonly options: KernelOptions,
  ) {
    this.code = bytecode.code;
    this.constants = this.code.constants as readonly JsonValue[];
    this.validator = new SchemaValidator(this.constants);
    this.random = new RandomStreams(seed);
    this.scheduler = new Scheduler(options.policy, this.random);
  }

  /** Called with each event as it is emitted (a replay locating a divergence); nothing else uses it. */
  onEmit: ((event: KernelEvent) => void) | undefined = undefined;

  /** The next event's sequence number. */
  get nextSeq(): number {
    return this.seq;
  }

  emit(kind: EventKind, pid: Pid | undefined, data?: EventData): void {
    const event: { seq: number; kind: EventKind; pid?: string; data?: EventData } = { seq: this.seq++, kind };
    if (pid !== undefined) event.pid = pid;
    if (data !== undefined) event.data = data;
    this.out.events.push(event);
    if (this.onEmit !== undefined) this.onEmit(event);
  }

  blob(blob: Blob): void {
    this.out.blobs = appended(this.out.blobs, blob);
  }

  /** Hands the buffered output to the host. */
  drain(): StepOutput {
    const out = this.out;
    this.out = emptyOutput();
    return out;
  }

  process(name: Pid): ProcessRecord {
    const p = this.processes.get(name);
    assert(p !== undefined, () => `no process named ${name}`);
    return p;
  }

  /** A process that has not ended for good. */
  live(name: Pid): Process {
    const p = this.process(name);
    assert(!p.final, () => `${name} has ended for good`);
    return p;
  }

  /** The agent spec a process runs as: none for main and main's branches. */
  agentOf(p: Process): AgentEntry | undefined {
    return p.agent === null ? undefined : this.code.agents[p.agent];
  }

  /** The index in code.tasks of the task a process works on, if any. */
  taskIndexOf(p: Process): number | null {
    return p.task === null ? null : (this.tasks.get(p.task)?.task ?? null);
  }

  /** Issues an effect for a process; `onComplete` runs when its completion is admitted. Timers give their due time. */
  request(p: Process, op: EffectOp, request: EventData, onComplete: (c: Completion) => void, due: number | null = null): EffectId {
    const id = nthEffect(p.name, ++p.effectCount);
    this.effects.add({ id, pid: p.name, incarnation: p.incarnation, op, due, onComplete });
    (p.effects ??= new Set()).add(id);
    this.emit('effect.requested', p.name, { effect: id, op, request });
    this.out.requests = appended(this.out.requests, { effect: id, pid: p.name, op, request });
    return id;
  }

  /** Starts a timer of `ms` on the virtual clock; `onFire` runs when its firing is admitted. */
  timer(p: Process, ms: number, purpose: TimerPurpose, onFire: () => void): EffectId {
    const due = this.now + ms;
    return this.request(p, 'timer', { ms, purpose }, () => onFire(), due);
  }

  /** Withdraws an effect in flight (a timer no longer needed, or a cancelled process's work). */
  cancel(id: EffectId | null, reason: 'cancelled' | 'exited' = 'cancelled'): void {
    if (id === null) return;
    const effect = this.effects.end(id, reason);
    if (effect === undefined) return;
    this.untrack(effect.pid, id);
    this.emit('effect.cancelled', effect.pid, { effect: id });
    this.out.cancels = appended(this.out.cancels, id);
  }

  /** Takes an effect that has ended off its process's set of effects in flight. */
  untrack(pid: Pid, id: EffectId): void {
    const p = this.processes.get(pid);
    if (p !== undefined && !p.final) p.effects?.delete(id);
  }

  /** Wakes a blocked process, with a value on its operand stack unless `value` is undefined. */
  resume(p: Process, value: JsonValue | undefined): void {
    const frame = p.frame;
    if (frame !== null) {
      if (value !== undefined) frame.stack.push(value);
    } else if (p.loop !== null) {
      // A free agent has no operand stack: the value waits for its continuation.
      p.loop.resumed = value ?? null;
    }
    p.wait = null;
    this.makeReady(p);
  }

  makeReady(p: Process): void {
    if (p.state === 'paused') {
      p.pausedFrom = 'ready';
      return;
    }
    if (p.state === 'exited' || p.state === 'restarting') return;
    p.state = 'ready';
    this.scheduler.add(p.name);
  }

  block(p: Process, wait: NonNullable<Process['wait']>): void {
    p.wait = wait;
    this.armDeadline(p);
    // A paused process can block again without running (a retry's backoff begins as an input
    // is applied): it stays paused, and resumes to blocked.
    if (p.state === 'paused') {
      p.pausedFrom = 'blocked';
      return;
    }
    p.state = 'blocked';
  }

  /**
   * An agent's time budget is enforced two ways: before each step the kernel compares its
   * deadline with the clock, and once it first waits for anything a timer is armed for the
   * deadline, so a waiting agent is woken to fail. An agent that never waits (spawned, ran and
   * ended between two timer firings) needs no timer at all. The timer belongs to the name and
   * spans incarnations, as the budget does.
   */
  armDeadline(p: Process): void {
    const deadline = p.budget.deadline;
    if (p.kind !== 'agent' || !Number.isFinite(deadline) || this.budgetTimers.has(p.name)) return;
    const id = this.timer(p, Math.max(0, deadline - this.now), 'budget', () => {
      this.budgetTimers.delete(p.name);
      this.onDeadline(p);
    });
    p.effects?.delete(id);
    this.budgetTimers.set(p.name, id);
  }

  /**
   * Charges the clock to the process's budget account (a branch's is its agent's): true when it
   * is an agent whose time budget has run out. The clock is the time the log records, so the
   * charge is the same in a replay.
   */
  chargeTime(p: Process): boolean {
    return p.budget.chargeTime(this.now) === 'time' && p.kind === 'agent';
  }

  /** Who answers for the tasks a process assigns (rules.ts). */
  taskHolder(p: Process): Pid {
    return holderOf(p, (name) => this.process(name));
  }

  /** Is `name` the process `ancestor` or below it? */
  isDescendant(name: Pid, ancestor: Pid): boolean {
    for (let at = this.processes.get(name)?.parent ?? null; at !== null; at = this.processes.get(at)?.parent ?? null) {
      if (at === ancestor) return true;
    }
    return false;
  }

  /** The capabilities a child of agent spec `agent` gets under a parent holding `parent`. */
  childCaps(parent: Caps, agent: number): Caps {
    let byAgent = this.granted.get(parent);
    if (byAgent === undefined) {
      byAgent = new Map();
      this.granted.set(parent, byAgent);
    }
    let caps = byAgent.get(agent);
    if (caps === undefined) {
      const entry = this.code.agents[agent];
      assert(entry !== undefined, () => `no agent ${agent}`);
      caps = grantCaps(parent, declaredCaps(entry));
      byAgent.set(agent, caps);
    }
    return caps;
  }

  /** A capability set as recorded in events: made once per set, deeply frozen (the log keeps its text). */
  capsJson(caps: Caps): JsonValue {
    let json = this.capsTexts.get(caps);
    if (json === undefined) {
      json = deepFreeze(capsJson(caps));
      this.capsTexts.set(caps, json);
    }
    return json;
  }

  /**
   * An agent's budget limit as recorded in events. Its children of one spec are mostly granted
   * the same limit: the JSON of the last one granted is kept per spec, frozen with its text.
   */
  budgetJson(agent: number, limit: Budget): JsonValue {
    const last = this.grantedBudgets.get(agent);
    if (last !== undefined && last.limit.turns === limit.turns && last.limit.tokens === limit.tokens && last.limit.time === limit.time) return last.json;
    const json = deepFreeze(budgetJson(limit));
    this.grantedBudgets.set(agent, { limit, json });
    return json;
  }

  constant(index: number): JsonValue {
    return this.constants[index] as JsonValue;
  }
}

function emptyOutput(): OutputBuffer {
  return { events: [], requests: NONE, cancels: NONE, blobs: NONE };
}
