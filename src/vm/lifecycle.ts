// Process lifecycle: spawning, starting an incarnation, exiting, ending a name for good, and
// what decides between the two — retry policies first, then the parent's supervisor.
//
// Supervision follows Erlang/OTP. When a supervised child exits, its restart type decides
// whether it restarts: `permanent` always, `transient` only after a failure, `temporary` never
// (a child's own `restart`, else its supervisor's, else `transient`). `one_for_one` restarts
// only that child, `one_for_all` every child of the supervisor, `rest_for_one` that child and
// those spawned after it. If more than `intensity` restarts (default 1) fall within `period`
// (default 5 s) — each restart's timer of `period` keeps it counted until it fires — the
// supervisor gives up: the child's exit becomes final and the supervising process fails.
// Exits caused by a kill or cancel signal are final: whoever signalled meant it.
import { assert } from '../bytecode/errors.js';
import type { SupervisorEntry } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { BudgetAccount, UNLIMITED } from './budget.js';
import { ALL_CAPS } from './caps.js';
import type { KernelCore } from './core.js';
import { MAIN_PID, spawnedPid } from './ids.js';
import { endedRecord, newAgentLoop, type ExitStatus, type FinalExit, type Frame, type Process, type ProcessKind } from './process.js';
import { releaseAllLeases } from './lease-calls.js';
import { appended, NONE, removed } from './lists.js';
import { ROOT_MOUNTS, type Mount } from './vfs.js';
import { mayRetry, retryDelay, retryPolicyFor } from './retry.js';

export interface SpawnSpec {
  readonly kind: ProcessKind;
  /** Agent spec index; null for main and a branch of main. */
  readonly agent: number | null;
  /** Procedure to run; null for a free agent. */
  readonly procedure: number | null;
  /** The name's stem: the agent spec or branch procedure name. */
  readonly spec: string;
  readonly input: JsonValue;
  /** Index into code.tasks, if the process is assigned a task. */
  readonly task: number | null;
  /** Branches: slots copied in from the parent. */
  readonly captured?: readonly JsonValue[];
}

const DEFAULT_INTENSITY = 1;
const DEFAULT_PERIOD_MS = 5000;

export function spawnProcess(k: KernelCore, parent: Process | null, spec: SpawnSpec): Process {
  const count = (k.spawned.get(spec.spec) ?? 0) + 1;
  k.spawned.set(spec.spec, count);
  const name = parent === null ? MAIN_PID : spawnedPid(spec.spec, count);
  // An agent gets its spec's caps, mounts and budget; a branch shares its parent's.
  const ownSpec = spec.kind === 'agent' ? spec.agent : null;
  const entry = ownSpec === null ? undefined : k.code.agents[ownSpec];
  const caps = parent === null ? ALL_CAPS : ownSpec !== null && entry !== undefined ? k.childCaps(parent.caps, ownSpec) : parent.caps;
  const mounts: readonly Mount[] = parent === null ? ROOT_MOUNTS : entry !== undefined ? (entry.mounts as Mount[]) : parent.mounts;
  let budget: BudgetAccount;
  if (parent === null) budget = new BudgetAccount(UNLIMITED);
  else if (entry !== undefined) budget = new BudgetAccount(parent.budget.carveChild(entry.budget, parent.budget.deadline - k.now), k.now);
  else budget = parent.budget;
  const taskRecord = spec.task !== null && parent !== null ? k.tasks.open(spec.task, name, k.taskHolder(parent), spec.input) : undefined;
  const p: Process = {
    name,
    kind: spec.kind,
    agent: spec.agent,
    procedure: spec.procedure,
    parent: parent?.name ?? null,
    order: k.spawnOrder++,
    input: spec.input,
    caps,
    mounts,
    budget,
    task: taskRecord?.id ?? null,
    incarnation: 1,
    state: 'ready',
    pausedFrom: null,
    frame: null,
    wait: null,
    effects: null,
    effectCount: 0,
    mailbox: null,
    subscriptions: NONE,
    children: NONE,
    checkpoint: null,
    handoff: null,
    attached: NONE,
    loop: spec.procedure === null ? newAgentLoop() : null,
    crashRetries: 0,
    restartWindow: NONE,
    exit: null,
    final: false,
    awaiters: NONE,
  };
  k.processes.set(name, p);
  if (parent !== null) parent.children = appended(parent.children, name);
  if (ownSpec !== null && entry !== undefined) k.latestOf.set(ownSpec, name);
  const data: { [key: string]: JsonValue } = {
    budget: parent === null || ownSpec === null || entry === undefined ? null : k.budgetJson(ownSpec, budget.limit),
    caps: k.capsJson(caps),
    incarnation: 1,
    input: spec.input,
    kind: spec.kind,
    parent: p.parent,
    spec: spec.spec,
  };
  if (taskRecord !== undefined) data['task'] = taskRecord.id;
  k.emit('proc.spawned', name, data);
  if (taskRecord !== undefined) {
    k.emit('task.opened', p.parent ?? undefined, { input: spec.input, name: k.code.tasks[taskRecord.task]?.name ?? '', owner: name, task: taskRecord.id });
  }
  startIncarnation(k, p, spec.captured);
  return p;
}

/** Spawns an agent of spec `agent` under `parent`: its program, or the agent loop for a free agent. */
export function spawnAgent(k: KernelCore, parent: Process, agent: number, input: JsonValue, task: number | null): Process {
  const entry = k.code.agents[agent];
  assert(entry !== undefined, () => `no agent ${agent}`);
  return spawnProcess(k, parent, { kind: 'agent', agent, procedure: entry.procedure < 0 ? null : entry.procedure, spec: entry.name, input, task });
}

/**
 * A budget limit ran out: recorded, then the process fails for good. The budget spans every
 * incarnation of the name, so a retry or restart would have nothing to run on (and a restart
 * after the time budget's timer fired would run with no deadline at all).
 */
export function exhaustBudget(k: KernelCore, p: Process, limit: 'turns' | 'tokens' | 'time'): void {
  if (p.final || p.state === 'exited') return;
  k.emit('budget.exhausted', p.name, { limit });
  exitProcess(k, p, 'failed', null, { kind: 'budget-exhausted', limit }, { final: true });
}

function startIncarnation(k: KernelCore, p: Process, captured?: readonly JsonValue[]): void {
  const procedure = p.procedure;
  if (procedure !== null) {
    const proc = k.code.procedures[procedure];
    assert(proc !== undefined, () => `${p.name} runs missing procedure ${procedure}`);
    const checkpoint = p.checkpoint;
    let frame: Frame;
    if (checkpoint !== null) {
      frame = { procedure, pc: checkpoint.pc, slots: [...checkpoint.slots], stack: [] };
    } else {
      const slots: JsonValue[] = new Array<JsonValue>(proc.slots).fill(null);
      if ((proc.params ?? 0) > 0) slots[0] = p.input;
      if (captured !== undefined) proc.captures.forEach(([, inner], i) => (slots[inner] = captured[i] ?? null));
      frame = { procedure, pc: 0, slots, stack: [] };
    }
    p.frame = frame;
  } else {
    p.frame = null;
  }
  p.wait = null;
  const own = overlays(p);
  if (own.length > 0) k.overlayBases.set(p.name, new Map(own.map((m) => [m.path, k.mountVersions.get(m.over as string) ?? 0])));
  // A name paused when its last incarnation ended, or while it waited out a backoff, restarts paused: it runs once resumed.
  if (p.state === 'paused') {
    p.pausedFrom = 'ready';
    return;
  }
  p.state = 'ready';
  k.scheduler.add(p.name);
}

const NO_OVERLAYS: readonly Mount[] = Object.freeze([]);
/** Agents' mount lists (shared by every process of a spec) and their overlays, found once. */
const overlaysOf = new WeakMap<readonly Mount[], readonly Mount[]>();

/** The copy-on-write overlays of an agent's mounts. */
export function overlays(p: Process): readonly Mount[] {
  if (p.kind !== 'agent' || p.mounts.length === 0) return NO_OVERLAYS;
  let own = overlaysOf.get(p.mounts);
  if (own === undefined) {
    own = p.mounts.filter((m) => m.kind === 'overlay' && m.over !== undefined);
    overlaysOf.set(p.mounts, own.length === 0 ? NO_OVERLAYS : own);
  }
  return own;
}

/** What `await` returns for a name's final exit. */
export function exitValue(exit: FinalExit): JsonValue {
  const value: { [key: string]: JsonValue } = { output: exit.output, status: exit.status };
  if (exit.reason !== undefined) value['reason'] = exit.reason;
  return value;
}

export interface ExitOptions {
  /** Set for kill and cancel signals and for a parent's exit: no retry, no restart. */
  readonly final?: boolean;
  /** The instruction that failed (outcomes.ts failingInstruction), taken before the frame is dropped; null when absent. */
  readonly at?: JsonValue;
}

/**
 * Ends the current incarnation; then retries it, restarts it under its supervisor, or ends the
 * name for good. A pause outlives the incarnation it was made in: a name paused when its
 * incarnation ends waits out its backoff paused, and a new incarnation starts paused.
 */
export function exitProcess(k: KernelCore, p: Process, status: ExitStatus, output: JsonValue, reason?: JsonValue, options?: ExitOptions): void {
  if (p.state === 'exited' && p.final) return;
  // Its incarnation exited already and the name waits out a retry backoff: the name ends now,
  // with an exit of its own, so that the log says how it ended.
  if (p.state === 'restarting' || (p.state === 'paused' && p.pausedFrom === 'restarting')) {
    endIncarnation(k, p);
    finalize(k, p, recordExit(k, p, status, output, reason, null));
    return;
  }
  if (p.state === 'exited') return;
  const paused = p.state === 'paused';
  let finalStatus = status;
  if (status !== 'ok') for (const m of overlays(p)) k.emit('overlay.discarded', p.name, { over: m.over as string, overlay: m.path });
  if (status === 'ok' && p.kind !== 'branch' && k.tasks.hasUnverified(p.name, k.code.tasks)) finalStatus = 'unverified';
  endIncarnation(k, p);
  const exit = recordExit(k, p, finalStatus, output, reason, options?.at ?? null);
  if (options?.final === true || p.kind === 'main') {
    finalize(k, p, exit);
    return;
  }
  if (finalStatus === 'failed' && scheduleRetry(k, p, exit, paused)) return;
  supervise(k, p, exit, paused);
}

/** Records an incarnation's exit (`proc.exited`) and gives the exit the name would end with. */
function recordExit(k: KernelCore, p: Process, status: ExitStatus, output: JsonValue, reason: JsonValue | undefined, at: JsonValue): FinalExit {
  const withOutput = status === 'ok' || status === 'unverified';
  // Keys in sorted order, so the event serialises canonically on the fast path.
  const data: { [key: string]: JsonValue } = { at, incarnation: p.incarnation };
  if (withOutput) data['output'] = output;
  if (reason !== undefined) data['reason'] = reason;
  data['status'] = status;
  k.emit('proc.exited', p.name, data);
  const exitOutput = withOutput ? output : null;
  return reason === undefined ? { status, output: exitOutput } : { status, output: exitOutput, reason };
}

/** Stops everything the incarnation was doing: effects, leases, waits, subscriptions, children. */
function endIncarnation(k: KernelCore, p: Process): void {
  p.state = 'exited';
  k.scheduler.remove(p.name);
  const wait = p.wait;
  if (wait !== null && 'timer' in wait) k.cancel(wait.timer, 'exited');
  if (wait?.kind === 'acquire') k.leases.cancelWaiter(wait.resource, p.name);
  p.wait = null;
  if (p.effects !== null) for (const id of [...p.effects]) k.cancel(id, 'exited');
  // Those effects included its period timers: a restarted supervisor counts its restarts afresh.
  p.restartWindow = NONE;
  releaseAllLeases(k, p);
  for (const topic of p.subscriptions) {
    const subscribers = k.topics.get(topic);
    if (subscribers !== undefined) k.topics.set(topic, subscribers.filter((n) => n !== p.name));
  }
  p.subscriptions = NONE;
  for (const child of p.children) {
    const c = k.processes.get(child);
    if (c !== undefined && !c.final) exitProcess(k, c, 'killed', null, { kind: 'parent-exited', parent: p.name }, { final: true });
  }
  p.frame = null;
  if (p.loop !== null) p.loop.continuation = null;
}

/** A failed agent whose retry policy covers crashes restarts after its backoff. */
function scheduleRetry(k: KernelCore, p: Process, exit: FinalExit, paused: boolean): boolean {
  const policy = retryPolicyFor(k.code, p.agent, k.taskIndexOf(p));
  const used = p.crashRetries;
  if (!mayRetry(policy, 'crash', used)) return false;
  p.crashRetries = used + 1;
  const backoff = retryDelay(policy, used + 1);
  k.emit('retry.scheduled', p.name, { attempt: used + 2, backoff, on: 'crash' });
  p.exit = exit;
  if (paused) {
    p.state = 'paused';
    p.pausedFrom = 'restarting';
  } else {
    p.state = 'restarting';
  }
  k.timer(p, backoff, 'backoff', () => restart(k, p, 'retry', { attempt: used + 2 }));
  return true;
}

function policyOf(k: KernelCore, supervisor: Process): SupervisorEntry | undefined {
  const index = supervisor.agent === null ? k.code.mainSupervisor : (k.code.agents[supervisor.agent]?.supervisor ?? -1);
  return index >= 0 ? k.code.supervisors[index] : undefined;
}

function restartType(k: KernelCore, child: Process, policy: SupervisorEntry): 'permanent' | 'transient' | 'temporary' {
  return k.agentOf(child)?.restart ?? policy.restart ?? 'transient';
}

function wantsRestart(type: 'permanent' | 'transient' | 'temporary', status: ExitStatus): boolean {
  if (status === 'killed' || status === 'cancelled') return false;
  if (type === 'permanent') return true;
  return type === 'transient' && status === 'failed';
}

function supervise(k: KernelCore, child: Process, exit: FinalExit, paused: boolean): void {
  const record = child.parent === null ? undefined : k.processes.get(child.parent);
  // A parent's exit ends its children for good first, so a child supervised has a live parent.
  const parent = record === undefined || record.final ? undefined : record;
  const policy = parent === undefined || child.kind !== 'agent' ? undefined : policyOf(k, parent);
  if (parent === undefined || policy === undefined || !wantsRestart(restartType(k, child, policy), exit.status as ExitStatus)) {
    finalize(k, child, exit);
    return;
  }
  const intensity = policy.intensity ?? DEFAULT_INTENSITY;
  if (parent.restartWindow.length >= intensity) {
    finalize(k, child, exit);
    k.emit('supervisor.escalated', parent.name, { child: child.name, policy: policy.name, restarts: parent.restartWindow.length });
    exitProcess(k, parent, 'failed', null, { kind: 'supervisor-escalated', child: child.name, policy: policy.name });
    return;
  }
  const id = k.timer(parent, policy.period ?? DEFAULT_PERIOD_MS, 'period', () => {
    parent.restartWindow = removed(parent.restartWindow, id);
  });
  parent.restartWindow = appended(parent.restartWindow, id);
  const siblings = parent.children
    .map((n) => k.process(n))
    .filter((s): s is Process => !s.final && s !== child && s.kind === 'agent' && s.state !== 'exited' && (policy.strategy === 'one_for_all' || (policy.strategy === 'rest_for_one' && s.order > child.order)));
  const pausedSiblings = new Set(siblings.filter((s) => s.state === 'paused'));
  for (const s of siblings) {
    endIncarnation(k, s);
    const killed = recordExit(k, s, 'killed', null, { kind: 'sibling-restart', child: child.name }, null);
    if (restartType(k, s, policy) === 'temporary') finalize(k, s, killed);
  }
  restart(k, child, 'supervisor', { paused });
  for (const s of siblings) if (!s.final) restart(k, s, 'supervisor', { paused: pausedSiblings.has(s) });
}

/** A new incarnation under the same name, from its last checkpoint when it has one; paused when the name was. */
function restart(k: KernelCore, p: Process, cause: 'supervisor' | 'retry', options: { readonly attempt?: number; readonly paused?: boolean } = {}): void {
  if (p.final) return;
  const { attempt } = options;
  p.incarnation++;
  p.exit = null;
  p.attached = NONE;
  if (p.loop !== null) p.loop = newAgentLoop();
  const data: { [key: string]: JsonValue } = {};
  if (attempt !== undefined) data['attempt'] = attempt;
  data['cause'] = cause;
  if (p.checkpoint !== null) data['checkpoint'] = p.checkpoint.artifact;
  data['incarnation'] = p.incarnation;
  k.emit('proc.restarted', p.name, data);
  if (options.paused === true) p.state = 'paused';
  startIncarnation(k, p);
}

/** The name ends for good: its task settles, its budget goes back, its waiters wake. */
function finalize(k: KernelCore, p: Process, exit: FinalExit): void {
  if (p.final) return;
  p.final = true;
  p.exit = exit;
  p.state = 'exited';
  p.budget.chargeTime(k.now);
  const budgetTimer = k.budgetTimers.get(p.name);
  if (budgetTimer !== undefined) {
    k.cancel(budgetTimer, 'exited');
    k.budgetTimers.delete(p.name);
  }
  if (p.effects !== null) for (const id of [...p.effects]) k.cancel(id, 'exited');
  settleTask(k, p, exit);
  const parent = p.parent === null ? undefined : k.processes.get(p.parent);
  if (parent !== undefined && p.kind === 'agent') parent.budget.refundUnused(p.budget);
  if (p.mailbox !== null) for (const envelope of p.mailbox.drain()) k.emit('msg.dead', envelope.from, { msg: envelope.id, to: p.name, value: envelope.value });
  if (p.agent !== null && k.latestOf.get(p.agent) === p.name) k.latestOf.delete(p.agent);
  k.processes.set(p.name, endedRecord(p, exit));
  const awaiters = p.awaiters;
  p.awaiters = NONE;
  // A waiter that ended meanwhile waits for nothing.
  for (const name of awaiters) {
    const waiter = k.process(name);
    if (!waiter.final) k.onFinal(waiter, p);
  }
  if (parent !== undefined && !parent.final && parent.wait?.kind === 'join') k.onFinal(parent, p);
  if (p.kind === 'main') k.finishRun(exit);
}

function settleTask(k: KernelCore, p: Process, exit: FinalExit): void {
  const record = p.task === null ? undefined : k.tasks.get(p.task);
  if (record === undefined || record.state !== 'open') return;
  if (exit.status === 'ok' || exit.status === 'unverified') {
    record.state = 'produced';
    record.output = exit.output;
    record.artifacts = [...p.attached];
    k.emit('task.produced', p.name, { artifacts: record.artifacts, task: record.id });
  } else {
    record.state = 'failed';
    k.emit('task.failed', p.name, { reason: exit.reason ?? exit.status, task: record.id });
  }
}
