// The inspection of a run (fold.ts folds it, render.ts prints it, `aos inspect --json` prints it
// as it is): what each section holds, with the seq of every event it cites.
import type { SourceLocation } from '../replay/replay.js';
import type { TaskState } from '../vm/rules.js';
import type {
  Budget,
  CodeOffset,
  EffectError,
  EffectRequestedData,
  ExitStatus,
  JsonValue,
  ProcExitedData,
  ProcRestartedData,
  ProcSignalledData,
  ProcSpawnedData,
  RetryScheduledData,
  RunStartedData,
  SupervisorEscalatedData,
} from '../generated/event.js';

export type Limit = 'turns' | 'tokens' | 'time';
export type EffectOp = EffectRequestedData['op'];
type Seq = { readonly seq: number };

export interface ProcessView {
  readonly name: string;
  readonly kind: ProcSpawnedData['kind'];
  readonly spec: string;
  /** Who spawned it; null for main. */
  readonly parent: string | null;
  readonly spawned: number;
  /** The task it was spawned to work on. */
  readonly task: number | null;
  incarnations: number;
  /** The latest incarnation's exit status; running while it has none, restarting while a retry's backoff runs. */
  status: ExitStatus | 'running' | 'restarting';
  readonly restarts: (ProcRestartedData & Seq)[];
  /** Every incarnation's exit (outputs left out: the result holds main's). */
  readonly exits: (Omit<ProcExitedData, 'output'> & Seq)[];
  readonly signals: (ProcSignalledData & Seq)[];
  readonly retries: (RetryScheduledData & Seq)[];
  readonly escalations: (SupervisorEscalatedData & Seq)[];
  /** Its own model calls that were charged, and their tokens. */
  turns: number;
  tokens: number;
}

export interface VerdictView {
  readonly seq: number;
  readonly task: number;
  readonly passed: boolean;
  /** The verifying process or tool. */
  readonly by: string;
  /** The process that asked for the verification. */
  readonly judgedFor: string;
  readonly verdict: JsonValue;
}

export interface TaskView {
  readonly id: number;
  readonly name: string;
  /** The agent assigned to produce it. */
  readonly owner: string;
  readonly openedBy: string | null;
  readonly opened: number;
  state: TaskState;
  produced: number | null;
  artifacts: number[];
  readonly verdicts: VerdictView[];
  failed: { readonly seq: number; readonly reason: JsonValue } | null;
}

export interface ArtifactView {
  readonly id: number;
  readonly kind: string;
  readonly producer: string;
  readonly incarnation: number;
  readonly hash: string;
  readonly size: number;
  readonly recorded: number;
  /** Lineage: the artifacts it was made from, and those made from it. */
  readonly inputs: number[];
  readonly usedBy: number[];
  /** The program counter a checkpoint resumes at. */
  checkpoint: number | null;
  readonly verdicts: Omit<VerdictView, 'verdict' | 'judgedFor'>[];
}

export interface MessagePair {
  readonly from: string;
  readonly to: string;
  sent: number;
  received: number;
  dead: number;
}

export interface MessagesView {
  /** Messages put in a mailbox: sends and topic deliveries. */
  sent: number;
  received: number;
  dead: number;
  /** Put in a mailbox and never taken out nor turned into a dead letter. */
  unreceived: number;
  readonly pairs: MessagePair[];
  readonly deadLetters: { readonly seq: number; readonly msg: number; readonly from: string; readonly to: string; readonly value: JsonValue }[];
  readonly topics: { readonly topic: string; readonly subscribers: string[]; published: number }[];
}

export interface BudgetView {
  readonly process: string;
  /** Null: unlimited. */
  readonly granted: Budget;
  /** Turns and tokens of its model calls and its branches'; virtual milliseconds from its spawn to its final exit, or to the end of the log. */
  readonly used: { turns: number; tokens: number; time: number };
  exhausted: { readonly seq: number; readonly limit: Limit } | null;
}

export interface EffectCounts {
  readonly op: EffectOp;
  requested: number;
  /** Completions (and timer firings) that were applied, ok or failed. */
  ok: number;
  failed: number;
  cancelled: number;
  /** Completions recorded but not applied. */
  discarded: number;
  /** Requested and neither completed nor cancelled by the end of the log. */
  pending: number;
}

/**
 * The instruction a failure's event names (procedure index and offset), and where it is in the
 * source when the run's recorded bytecode is at hand and is the code the run ran.
 */
export interface FailureSite {
  readonly at: CodeOffset | null;
  readonly source: SourceLocation | null;
}

export type FailureView =
  | { readonly kind: 'effect'; readonly seq: number; readonly pid: string; readonly effect: string; readonly op: EffectOp | null; readonly error: EffectError }
  | { readonly kind: 'malformed-output'; readonly seq: number; readonly pid: string; readonly effect: string; readonly error: string }
  | ({ readonly kind: 'cap-denied'; readonly seq: number; readonly pid: string; readonly op: string; readonly detail: JsonValue } & FailureSite)
  | { readonly kind: 'budget-exhausted'; readonly seq: number; readonly pid: string; readonly limit: Limit }
  | { readonly kind: 'lease-refused'; readonly seq: number; readonly pid: string; readonly resource: string; readonly reason: string }
  /** A process failed at an instruction of its program: a fail, a syscall that failed, main's wait in a deadlock. A denial is its cap-denied entry. */
  | ({ readonly kind: 'failed'; readonly seq: number; readonly pid: string; readonly incarnation: number; readonly reason: JsonValue } & FailureSite);

export interface EffectsView {
  readonly byOp: EffectCounts[];
  /** Model calls charged to a budget (completed ok and applied), and their tokens. */
  modelCalls: number;
  tokens: number;
  /** Model replies labelled scripted: no model produced them, and their token counts are the script's. */
  scriptedReplies: number;
  /** Tool calls the model replies asked for. */
  toolCallsAsked: number;
  readonly failures: FailureView[];
}

export interface ResultView {
  /** unfinished: the log has no run.finished. */
  readonly status: ExitStatus | 'unfinished';
  readonly seq: number | null;
  readonly output?: JsonValue;
  readonly reason?: JsonValue;
}

export interface LogView {
  readonly events: number;
  /** The hash of the last sound line, and the lines the manifest pins (null when not read from a run directory). */
  readonly head: string | null;
  readonly committed: number | null;
  /** Bytes after the last sound line, which the inspection ignores. */
  readonly tornTail: { readonly seq: number; readonly bytes: number; readonly problem: string } | null;
  /** Sound lines that do not match schemas/event.schema.json, left out of the inspection. */
  readonly mismatches: readonly SchemaMismatch[];
}

export interface Inspection {
  readonly format: 'aos-inspection';
  readonly version: 1;
  /** run.started's data; null for an empty log. */
  readonly run: RunStartedData | null;
  readonly log: LogView;
  readonly processes: ProcessView[];
  readonly tasks: TaskView[];
  /** Verdicts on a verification that had no task record to judge. */
  readonly verdictsWithoutTask: VerdictView[];
  readonly messages: MessagesView;
  readonly artifacts: ArtifactView[];
  readonly budgets: BudgetView[];
  readonly effects: EffectsView;
  readonly result: ResultView;
}

export interface SchemaMismatch {
  readonly seq: number;
  readonly problem: string;
}
