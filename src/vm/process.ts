// A process record: one stable name, the incarnation running under it now, and everything the
// kernel keeps about it between steps (frame, wait, inbox, leases, budget, supervision).
import type { JsonValue } from '../bytecode/json.js';
import type { BudgetAccount } from './budget.js';
import type { Caps } from './caps.js';
import type { Mailbox } from './mailbox.js';
import type { Mount } from './vfs.js';

export type ProcessKind = 'main' | 'agent' | 'branch';
export type ExitStatus = 'ok' | 'failed' | 'killed' | 'cancelled' | 'unverified';

/** `running` is the process being stepped; `exited` holds until the name ends for good or restarts. */
export type LifecycleState = 'ready' | 'running' | 'blocked' | 'paused' | 'restarting' | 'exited';

/** What a blocked process waits for; the kernel resumes it by pushing a value. */
export type Wait =
  | { readonly kind: 'effect'; readonly effect: string }
  | { readonly kind: 'recv'; readonly from: string | null; timer: string | null }
  | { readonly kind: 'await'; readonly target: string; timer: string | null; readonly cancelOnTimeout: boolean }
  | { readonly kind: 'acquire'; readonly resource: string; readonly ttl: number; timer: string | null }
  | { readonly kind: 'join'; readonly branches: readonly string[]; readonly procedures: readonly number[] }
  | { readonly kind: 'verify'; readonly verifier: string; readonly record: number };

export interface Frame {
  readonly procedure: number;
  pc: number;
  readonly slots: JsonValue[];
  readonly stack: JsonValue[];
}

export interface Checkpoint {
  readonly artifact: number;
  readonly pc: number;
  readonly slots: readonly JsonValue[];
}

/** The exit a name ends with for good: what `await` returns. */
export interface FinalExit {
  readonly status: ExitStatus | 'timeout';
  readonly output: JsonValue;
  readonly reason?: JsonValue;
}

export interface Process {
  readonly name: string;
  readonly kind: ProcessKind;
  /** The agent spec it runs as (-1 for main); a branch runs as the agent that started it. */
  readonly agent: number;
  /** The procedure it starts in (-1: a free agent, which runs the agent loop). */
  readonly procedure: number;
  readonly parent: string | null;
  /** Spawn order among all processes: rest_for_one restarts the failed child and those spawned after it. */
  readonly order: number;
  readonly input: JsonValue;
  readonly caps: Caps;
  readonly mounts: readonly Mount[];
  readonly budget: BudgetAccount;
  /** The time budget's deadline on the kernel's virtual clock (Infinity: none). */
  readonly deadline: number;
  /** The task record this process works on (-1: none). */
  readonly task: number;
  incarnation: number;
  state: LifecycleState;
  /** The state to return to when resumed from `paused`. */
  pausedFrom: LifecycleState | null;
  frame: Frame | null;
  wait: Wait | null;
  /** Effects in flight, by id, in request order. */
  /** Made on its first effect: most processes of a fan-out never have one in flight for long. */
  effects: Set<string> | null;
  effectCount: number;
  /** Made on the first message: most processes of a fan-out only send. */
  mailbox: Mailbox | null;
  // The lists below are NONE (lists.ts) while empty, as they are for most processes.
  /** Topics, in subscription order (a short list: arrays cost a quarter of a Set per process). */
  subscriptions: readonly string[];
  children: readonly string[];
  checkpoint: Checkpoint | null;
  handoff: number;
  /** Artifacts this incarnation recorded, for its task's `produced` record. */
  attached: readonly number[];
  /** Free agents: model turns taken. */
  turns: number;
  /** Free agents: what was wrong with the last reply, told to the model on the next turn. */
  feedback: string | null;
  /** Free agents: the conversation so far (system, user, assistant and tool entries). */
  transcript: JsonValue[] | null;
  /** Free agents: what to do with `resumed` when next stepped (the rest of a turn's tool calls). */
  continuation: ((value: JsonValue) => void) | null;
  /** Free agents: the value a wait ended with, for the continuation. */
  resumed: JsonValue;
  /** Crash retries used by this name: they span incarnations, or a crash loop would never end. */
  crashRetries: number;
  /** Free agents: retries used on the current run of failed or malformed turns (reset by a good one); made on the first turn. */
  turnRetries: { used: number } | null;
  /** Supervisor bookkeeping for this process's children: timers of restarts still inside the period. */
  restartWindow: readonly string[];
  exit: FinalExit | null;
  /** True once the name has ended for good (no restart will follow). */
  final: boolean;
  /** Who waits for this name's final exit. */
  awaiters: readonly string[];
}
