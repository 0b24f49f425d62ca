// A process record: one stable name, the incarnation running under it now, and everything the
// kernel keeps about it between steps (frame, wait, inbox, leases, budget, supervision).
import { assert } from '../bytecode/errors.js';
import type { JsonValue } from '../bytecode/json.js';
import type { BudgetAccount } from './budget.js';
import type { Caps } from './caps.js';
import type { ArtifactId, EffectId, Pid, TaskRecordId } from './ids.js';
import type { Mailbox } from './mailbox.js';
import type { Mount } from './vfs.js';

export type ProcessKind = 'main' | 'agent' | 'branch';
export type ExitStatus = 'ok' | 'failed' | 'killed' | 'cancelled' | 'unverified';

/** `running` is the process being stepped; `exited` holds until the name ends for good or restarts. */
export type LifecycleState = 'ready' | 'running' | 'blocked' | 'paused' | 'restarting' | 'exited';

/** What a blocked process waits for; the kernel resumes it by pushing a value. */
export type Wait =
  | { readonly kind: 'effect'; readonly effect: EffectId }
  | { readonly kind: 'recv'; readonly from: Pid | null; timer: EffectId | null }
  | { readonly kind: 'await'; readonly target: Pid; timer: EffectId | null; readonly cancelOnTimeout: boolean }
  | { readonly kind: 'acquire'; readonly resource: string; readonly ttl: number | null; timer: EffectId | null }
  | { readonly kind: 'join'; readonly branches: readonly Pid[]; readonly procedures: readonly number[] }
  | { readonly kind: 'verify'; readonly verifier: Pid; readonly record: TaskRecordId | null };

export interface Frame {
  readonly procedure: number;
  pc: number;
  readonly slots: JsonValue[];
  readonly stack: JsonValue[];
}

export interface Checkpoint {
  readonly artifact: ArtifactId;
  readonly pc: number;
  readonly slots: readonly JsonValue[];
}

/** The exit a name ends with for good: what `await` returns. */
export interface FinalExit {
  readonly status: ExitStatus | 'timeout';
  readonly output: JsonValue;
  readonly reason?: JsonValue;
}

/** A free agent's loop between steps (free-agent.ts): made when one is spawned, afresh on each restart. */
export interface AgentLoop {
  /** Model turns taken. */
  turns: number;
  /** What was wrong with the last reply, told to the model on the next turn. */
  feedback: string | null;
  /** The conversation so far (system, user, assistant and tool entries). */
  transcript: JsonValue[] | null;
  /** What to do with `resumed` when next stepped (the rest of a turn's tool calls). */
  continuation: ((value: JsonValue) => void) | null;
  /** The value a wait ended with, for the continuation. */
  resumed: JsonValue;
  /** Retries used on the current run of failed or malformed turns (reset by a good one); made on the first turn. */
  turnRetries: { used: number } | null;
}

export function newAgentLoop(): AgentLoop {
  return { turns: 0, feedback: null, transcript: null, continuation: null, resumed: null, turnRetries: null };
}

export interface Process {
  readonly name: Pid;
  readonly kind: ProcessKind;
  /** The agent spec it runs as; null for main and main's branches (a branch runs as the agent that started it). */
  readonly agent: number | null;
  /** The procedure it starts in; null for a free agent, which runs the agent loop instead. */
  readonly procedure: number | null;
  readonly parent: Pid | null;
  /** Spawn order among all processes: rest_for_one restarts the failed child and those spawned after it. */
  readonly order: number;
  readonly input: JsonValue;
  readonly caps: Caps;
  readonly mounts: readonly Mount[];
  /** Its own account for an agent and main; a branch's is the account of the process that started it. */
  readonly budget: BudgetAccount;
  /** The task record this process works on, if any. */
  readonly task: TaskRecordId | null;
  incarnation: number;
  state: LifecycleState;
  /** The state to return to when resumed from `paused`. */
  pausedFrom: LifecycleState | null;
  frame: Frame | null;
  wait: Wait | null;
  /** Effects in flight, by id, in request order; made on its first effect (most processes of a fan-out never have one in flight for long). */
  effects: Set<EffectId> | null;
  effectCount: number;
  /** Made on the first message: most processes of a fan-out only send. */
  mailbox: Mailbox<Pid> | null;
  // The lists below are NONE (lists.ts) while empty, as they are for most processes.
  /** Topics, in subscription order (a short list: arrays cost a quarter of a Set per process). */
  subscriptions: readonly string[];
  children: readonly Pid[];
  checkpoint: Checkpoint | null;
  /** Its latest handoff artifact, which a restarted free agent is told of. */
  handoff: ArtifactId | null;
  /** Artifacts this incarnation recorded, for its task's `produced` record. */
  attached: readonly ArtifactId[];
  /** Free agents: the loop's state; null for a process that runs a program. */
  loop: AgentLoop | null;
  /** Crash retries used by this name: they span incarnations, or a crash loop would never end. */
  crashRetries: number;
  /** Supervisor bookkeeping for this process's children: timers of restarts still inside the period. */
  restartWindow: readonly EffectId[];
  exit: FinalExit | null;
  /** True once the name has ended for good (no restart will follow). */
  final: boolean;
  /** Who waits for this name's final exit. */
  awaiters: readonly Pid[];
}

/**
 * What the kernel keeps of a name once it has ended for good: who it was, how it ended and its
 * accounts, which `await`, signals, joins, inspection and the completion report still read. The
 * rest of its record (frame, inbox, input, conversation, checkpoint) is dropped, so a run's memory
 * grows with the processes alive rather than with every process it ever had.
 */
export interface EndedProcess {
  readonly name: Pid;
  readonly kind: ProcessKind;
  readonly agent: number | null;
  readonly procedure: number | null;
  readonly parent: Pid | null;
  readonly incarnation: number;
  readonly budget: BudgetAccount;
  readonly state: 'exited';
  readonly final: true;
  readonly exit: FinalExit;
}

/** An entry of the process table: a live record, or what is kept of a name that has ended for good. */
export type ProcessRecord = Process | EndedProcess;

/** The exit a name ended with for good: a name ends for good only with one. */
export function finalExitOf(p: ProcessRecord): FinalExit {
  assert(p.final && p.exit !== null, () => `${p.name} has ended for good with an exit`);
  return p.exit;
}

/** The record kept once `p` has ended for good with `exit`. */
export function endedRecord(p: Process, exit: FinalExit): EndedProcess {
  return { name: p.name, kind: p.kind, agent: p.agent, procedure: p.procedure, parent: p.parent, incarnation: p.incarnation, budget: p.budget, state: 'exited', final: true, exit };
}

/** A free agent's loop state; only the free-agent loop and its tools ask for it. */
export function agentLoop(p: Process): AgentLoop {
  const loop = p.loop;
  assert(loop !== null, () => `${p.name} runs a program, not the agent loop`);
  return loop;
}
