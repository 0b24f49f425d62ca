/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */

/**
 * One line of events.jsonl: an event in RFC 8785 canonical JSON (keys sorted: data, h, kind, pid, seq; data and pid absent, never null, where a kind has none), chained by `h`. Events carry virtual paths and recorded values only: no host path, environment value or host timestamp.
 */
export type EventLine =
  | RunStartedEvent
  | RunFinishedEvent
  | ProcSpawnedEvent
  | ProcRestartedEvent
  | ProcExitedEvent
  | ProcSignalledEvent
  | MsgSentEvent
  | MsgReceivedEvent
  | MsgDeadEvent
  | TopicSubscribedEvent
  | TopicPublishedEvent
  | EffectRequestedEvent
  | EffectCancelledEvent
  | EffectCompletedEvent
  | TimerFiredEvent
  | SignalExternalEvent
  | EffectDiscardedEvent
  | LeaseGrantedEvent
  | LeaseQueuedEvent
  | LeaseRenewedEvent
  | LeaseReleasedEvent
  | LeaseExpiredEvent
  | LeaseRefusedEvent
  | CapDeniedEvent
  | BudgetExhaustedEvent
  | TaskOpenedEvent
  | TaskProducedEvent
  | TaskVerifiedEvent
  | TaskRejectedEvent
  | TaskFailedEvent
  | ArtifactRecordedEvent
  | CheckpointSavedEvent
  | SupervisorEscalatedEvent
  | RetryScheduledEvent
  | OutputMalformedEvent
  | OverlayCommittedEvent
  | OverlayDiscardedEvent;
/**
 * Any JSON value.
 */
export type JsonValue = string | number | boolean | null | unknown[] | {};
/**
 * sha256 (hex) of the previous line's h (64 zeros before line 0) followed by this event's canonical JSON without h.
 */
export type ChainHash = string;
export type ExitStatus = "ok" | "failed" | "killed" | "cancelled" | "unverified";
/**
 * The line number in the log, from 0.
 */
export type Seq = number;
/**
 * A stable process name: `main`, `writer#3`, `main/branch1#2`.
 */
export type ProcessName = string;
/**
 * Grows by one on every restart of a process.
 */
export type Incarnation = number;
/**
 * A budget limit, or null for none.
 */
export type Limit = number | null;
/**
 * The instruction an event is charged to: a procedure of the run's bytecode (an index into code.procedures) and an offset into its code, which the bytecode's debug table maps to a source line and column. In cap.denied, the refused syscall; in proc.exited, for a failure, the instruction that failed: a fail, a syscall that was denied or failed, or main's wait that a deadlock left unanswered. Null where no instruction of the process's own program is the cause (any other exit: ok, killed, cancelled, or ended by its budget, its supervisor or its parent), and in a free agent, which runs no program.
 */
export type InstructionAt = CodeOffset | null;
export type SignalOp = "kill" | "pause" | "resume" | "cancel";
/**
 * An effect numbered per process: `writer#1/e3`.
 */
export type EffectId = string;
/**
 * The name of a lease resource.
 */
export type LeaseResource = string;
/**
 * Grows on every grant of the resource.
 */
export type FencingToken = number;
/**
 * An id given by sequence (message, task, artifact).
 */
export type RecordId = number;

/**
 * The run began: what ran, under which kernel and event format, with which seed, input, options and backend; always line 0.
 */
export interface RunStartedEvent {
  data: RunStartedData;
  h: ChainHash;
  kind: "run.started";
  /**
   * run.started is always line 0.
   */
  seq: 0;
}
export interface RunStartedData {
  workflow: WorkflowId;
  /**
   * sha256 (hex) of the canonical JSON of the bytecode's `code`.
   */
  codeHash: string;
  /**
   * The kernel version.
   */
  kernel: string;
  /**
   * The event format version; a replay refuses any other.
   */
  format: 1;
  /**
   * The seed of every random stream of the run.
   */
  seed: string;
  input: JsonValue;
  options: RunOptions;
  /**
   * The model backend and its capabilities, or null for a run without one.
   */
  backend: BackendInfo | null;
}
export interface WorkflowId {
  name: string;
  version: string;
}
export interface RunOptions {
  /**
   * How the scheduler picks the next ready process.
   */
  policy: "round-robin" | "random";
  /**
   * Instructions a process runs before the scheduler picks again.
   */
  quantum: number;
  /**
   * Completions are admitted in request order, only when no process can run.
   */
  orderedCompletions: boolean;
}
export interface BackendInfo {
  name: string;
  tools: boolean;
  streaming: boolean;
  json: boolean;
  script?: BackendScript;
}
/**
 * The scripted backend's script: a resume answers from the same one.
 */
export interface BackendScript {
  /**
   * Relative to the workflow file's folder, with / between names.
   */
  path: string;
  /**
   * sha256 (hex) of the script file's bytes.
   */
  sha256: string;
}
/**
 * The run ended with main's exit status; always the last line.
 */
export interface RunFinishedEvent {
  data: RunFinishedData;
  h: ChainHash;
  kind: "run.finished";
  seq: Seq;
}
export interface RunFinishedData {
  status: ExitStatus;
  output?: JsonValue;
  reason?: JsonValue;
}
/**
 * A process was created with its spec, parent, input, budget and capabilities.
 */
export interface ProcSpawnedEvent {
  data: ProcSpawnedData;
  h: ChainHash;
  kind: "proc.spawned";
  pid: ProcessName;
  seq: Seq;
}
export interface ProcSpawnedData {
  kind: "main" | "agent" | "branch";
  /**
   * The agent spec (an agent), `main`, or the procedure a branch runs.
   */
  spec: string;
  /**
   * The spawning process; null for main.
   */
  parent: ProcessName | null;
  incarnation: Incarnation;
  input: JsonValue;
  /**
   * The task the process was spawned to work on.
   */
  task?: number;
  /**
   * What the process may spend, carved out of its parent's remainder; null: unlimited.
   */
  budget: Budget | null;
  caps: JsonValue;
}
export interface Budget {
  turns: Limit;
  tokens: Limit;
  /**
   * Milliseconds, or null for no limit.
   */
  time: number | null;
}
/**
 * A process was restarted under its name with a new incarnation, a fresh context and its last checkpoint.
 */
export interface ProcRestartedEvent {
  data: ProcRestartedData;
  h: ChainHash;
  kind: "proc.restarted";
  pid: ProcessName;
  seq: Seq;
}
export interface ProcRestartedData {
  /**
   * The new incarnation.
   */
  incarnation: number;
  cause: "supervisor" | "retry";
  /**
   * The retry attempt, counting from 1.
   */
  attempt?: number;
  /**
   * The checkpoint artifact the process resumes from.
   */
  checkpoint?: number;
}
/**
 * An incarnation of a process ended with an exit status.
 */
export interface ProcExitedEvent {
  data: ProcExitedData;
  h: ChainHash;
  kind: "proc.exited";
  pid: ProcessName;
  seq: Seq;
}
export interface ProcExitedData {
  incarnation: Incarnation;
  status: ExitStatus;
  output?: JsonValue;
  reason?: JsonValue;
  at: InstructionAt;
}
export interface CodeOffset {
  procedure: number;
  offset: number;
}
/**
 * A signal reached its target process.
 */
export interface ProcSignalledEvent {
  data: ProcSignalledData;
  h: ChainHash;
  kind: "proc.signalled";
  /**
   * The target.
   */
  pid: string;
  seq: Seq;
}
export interface ProcSignalledData {
  op: SignalOp;
  /**
   * The signalling process, or the host for an external signal.
   */
  from: string;
}
/**
 * A message was put in the receiver's mailbox.
 */
export interface MsgSentEvent {
  data: MsgSentData;
  h: ChainHash;
  kind: "msg.sent";
  /**
   * The sender.
   */
  pid: string;
  seq: Seq;
}
export interface MsgSentData {
  to: ProcessName;
  /**
   * The message id.
   */
  msg: number;
  value: JsonValue;
}
/**
 * A process took a message from its mailbox.
 */
export interface MsgReceivedEvent {
  data: MsgReceivedData;
  h: ChainHash;
  kind: "msg.received";
  /**
   * The receiver.
   */
  pid: string;
  seq: Seq;
}
export interface MsgReceivedData {
  from: ProcessName;
  /**
   * The message id of its msg.sent.
   */
  msg: number;
}
/**
 * A message was addressed to a process that has exited for good and became a dead letter.
 */
export interface MsgDeadEvent {
  data: MsgDeadData;
  h: ChainHash;
  kind: "msg.dead";
  /**
   * The sender.
   */
  pid: string;
  seq: Seq;
}
export interface MsgDeadData {
  to: ProcessName;
  /**
   * The message id.
   */
  msg: number;
  value: JsonValue;
}
/**
 * A process subscribed to a topic.
 */
export interface TopicSubscribedEvent {
  data: TopicSubscribedData;
  h: ChainHash;
  kind: "topic.subscribed";
  pid: ProcessName;
  seq: Seq;
}
export interface TopicSubscribedData {
  topic: string;
}
/**
 * A value was published on a topic and delivered to its subscribers in subscription order.
 */
export interface TopicPublishedEvent {
  data: TopicPublishedData;
  h: ChainHash;
  kind: "topic.published";
  pid: ProcessName;
  seq: Seq;
}
export interface TopicPublishedData {
  topic: string;
  value: JsonValue;
  /**
   * The subscribers, in subscription order.
   */
  to: ProcessName[];
  /**
   * The message id delivered to the first subscriber; the others follow consecutively.
   */
  first: number;
}
/**
 * A process asked the host to perform an effect.
 */
export interface EffectRequestedEvent {
  data: EffectRequestedData;
  h: ChainHash;
  kind: "effect.requested";
  pid: ProcessName;
  seq: Seq;
}
export interface EffectRequestedData {
  effect: EffectId;
  op: "model" | "tool" | "read" | "write" | "timer" | "commit";
  /**
   * What to perform, with virtual paths only.
   */
  request: {
    [k: string]: JsonValue;
  };
}
/**
 * An in-flight effect was cancelled; a completion that still arrives is discarded.
 */
export interface EffectCancelledEvent {
  data: EffectCancelledData;
  h: ChainHash;
  kind: "effect.cancelled";
  pid: ProcessName;
  seq: Seq;
}
export interface EffectCancelledData {
  effect: EffectId;
}
/**
 * The host admitted the result of an effect.
 */
export interface EffectCompletedEvent {
  data: EffectCompletedData;
  h: ChainHash;
  kind: "effect.completed";
  pid: ProcessName;
  seq: Seq;
}
export interface EffectCompletedData {
  effect: EffectId;
  /**
   * When false, `error` says why and there is no `value`.
   */
  ok: boolean;
  value?: JsonValue;
  error?: EffectError;
}
/**
 * Why the effect failed, when not ok.
 */
export interface EffectError {
  kind: string;
  message: string;
}
/**
 * The host admitted the firing of a timer effect.
 */
export interface TimerFiredEvent {
  data: TimerFiredData;
  h: ChainHash;
  kind: "timer.fired";
  pid: ProcessName;
  seq: Seq;
}
export interface TimerFiredData {
  effect: EffectId;
}
/**
 * The host admitted a signal from outside the run.
 */
export interface SignalExternalEvent {
  data: SignalExternalData;
  h: ChainHash;
  kind: "signal.external";
  seq: Seq;
}
export interface SignalExternalData {
  target: ProcessName;
  op: SignalOp;
}
/**
 * A completion was recorded but not applied, because its effect was cancelled, its process exited, or it was stale.
 */
export interface EffectDiscardedEvent {
  data: EffectDiscardedData;
  h: ChainHash;
  kind: "effect.discarded";
  pid: ProcessName;
  seq: Seq;
}
export interface EffectDiscardedData {
  effect: EffectId;
  reason: "cancelled" | "exited" | "stale";
}
/**
 * A process was granted a lease with a new fencing token.
 */
export interface LeaseGrantedEvent {
  data: LeaseGrantedData;
  h: ChainHash;
  kind: "lease.granted";
  pid: ProcessName;
  seq: Seq;
}
export interface LeaseGrantedData {
  resource: LeaseResource;
  token: FencingToken;
  /**
   * How long the lease lasts, in milliseconds, or -1 for no expiry.
   */
  ttl: number;
}
/**
 * A process waits for a lease held by another.
 */
export interface LeaseQueuedEvent {
  data: LeaseQueuedData;
  h: ChainHash;
  kind: "lease.queued";
  pid: ProcessName;
  seq: Seq;
}
export interface LeaseQueuedData {
  resource: LeaseResource;
  /**
   * Its place among the waiters; 1 is next.
   */
  position: number;
}
/**
 * A holder renewed its lease.
 */
export interface LeaseRenewedEvent {
  data: LeaseRenewedData;
  h: ChainHash;
  kind: "lease.renewed";
  pid: ProcessName;
  seq: Seq;
}
export interface LeaseRenewedData {
  resource: LeaseResource;
  token: FencingToken;
  /**
   * The new time to live, in milliseconds, or -1 for no expiry.
   */
  ttl: number;
}
/**
 * A holder released its lease.
 */
export interface LeaseReleasedEvent {
  data: LeaseReleasedData;
  h: ChainHash;
  kind: "lease.released";
  pid: ProcessName;
  seq: Seq;
}
export interface LeaseReleasedData {
  resource: LeaseResource;
  token: FencingToken;
}
/**
 * A lease's time to live ran out.
 */
export interface LeaseExpiredEvent {
  data: LeaseExpiredData;
  h: ChainHash;
  kind: "lease.expired";
  /**
   * The former holder.
   */
  pid: string;
  seq: Seq;
}
export interface LeaseExpiredData {
  resource: LeaseResource;
  token: FencingToken;
}
/**
 * An operation carrying a stale fencing token was refused.
 */
export interface LeaseRefusedEvent {
  data: LeaseRefusedData;
  h: ChainHash;
  kind: "lease.refused";
  pid: ProcessName;
  seq: Seq;
}
export interface LeaseRefusedData {
  resource: LeaseResource;
  /**
   * The token presented.
   */
  token: number;
  reason: string;
}
/**
 * An operation was refused for lack of a capability; the process that asked for it fails.
 */
export interface CapDeniedEvent {
  data: CapDeniedData;
  h: ChainHash;
  kind: "cap.denied";
  pid: ProcessName;
  seq: Seq;
}
export interface CapDeniedData {
  /**
   * The refused operation.
   */
  op: string;
  detail: JsonValue;
  at: InstructionAt;
}
/**
 * A process used up one of its budget limits.
 */
export interface BudgetExhaustedEvent {
  data: BudgetExhaustedData;
  h: ChainHash;
  kind: "budget.exhausted";
  pid: ProcessName;
  seq: Seq;
}
export interface BudgetExhaustedData {
  limit: "turns" | "tokens" | "time";
}
/**
 * A task was opened for an owner agent.
 */
export interface TaskOpenedEvent {
  data: TaskOpenedData;
  h: ChainHash;
  kind: "task.opened";
  /**
   * The opener.
   */
  pid: string;
  seq: Seq;
}
export interface TaskOpenedData {
  /**
   * The task id.
   */
  task: number;
  /**
   * The task declaration's name.
   */
  name: string;
  /**
   * The agent that must produce it.
   */
  owner: string;
  input: JsonValue;
}
/**
 * A task's owner produced its artifacts.
 */
export interface TaskProducedEvent {
  data: TaskProducedData;
  h: ChainHash;
  kind: "task.produced";
  /**
   * The owner.
   */
  pid: string;
  seq: Seq;
}
export interface TaskProducedData {
  task: RecordId;
  /**
   * Artifact ids.
   */
  artifacts: RecordId[];
}
/**
 * A verifier passed a task.
 */
export interface TaskVerifiedEvent {
  data: TaskVerifiedData;
  h: ChainHash;
  kind: "task.verified";
  pid: ProcessName;
  seq: Seq;
}
export interface TaskVerifiedData {
  task: RecordId;
  verdict: JsonValue;
  /**
   * The verifying process or tool, never the producer.
   */
  by: string;
}
/**
 * A verifier rejected a task.
 */
export interface TaskRejectedEvent {
  data: TaskRejectedData;
  h: ChainHash;
  kind: "task.rejected";
  pid: ProcessName;
  seq: Seq;
}
export interface TaskRejectedData {
  task: RecordId;
  verdict: JsonValue;
  /**
   * The verifying process or tool, never the producer.
   */
  by: string;
}
/**
 * A task can no longer be completed.
 */
export interface TaskFailedEvent {
  data: TaskFailedData;
  h: ChainHash;
  kind: "task.failed";
  pid: ProcessName;
  seq: Seq;
}
export interface TaskFailedData {
  task: RecordId;
  reason: JsonValue;
}
/**
 * An artifact record was created for a content-addressed blob.
 */
export interface ArtifactRecordedEvent {
  data: ArtifactRecordedData;
  h: ChainHash;
  kind: "artifact.recorded";
  /**
   * The producer.
   */
  pid: string;
  seq: Seq;
}
export interface ArtifactRecordedData {
  /**
   * The artifact id, by sequence.
   */
  id: number;
  /**
   * The artifact declaration's kind.
   */
  kind: string;
  /**
   * sha256 (hex) of the blob.
   */
  hash: string;
  /**
   * Bytes.
   */
  size: number;
  /**
   * The producer's incarnation.
   */
  incarnation: number;
  /**
   * The artifacts it was made from.
   */
  inputs: RecordId[];
}
/**
 * A process saved a checkpoint as an artifact.
 */
export interface CheckpointSavedEvent {
  data: CheckpointSavedData;
  h: ChainHash;
  kind: "checkpoint.saved";
  pid: ProcessName;
  seq: Seq;
}
export interface CheckpointSavedData {
  artifact: RecordId;
  /**
   * The program counter it resumes at.
   */
  pc: number;
}
/**
 * A supervisor exceeded its restart intensity and escalated to its parent.
 */
export interface SupervisorEscalatedEvent {
  data: SupervisorEscalatedData;
  h: ChainHash;
  kind: "supervisor.escalated";
  /**
   * The supervising process.
   */
  pid: string;
  seq: Seq;
}
export interface SupervisorEscalatedData {
  policy: string;
  /**
   * The child whose failure tipped it over.
   */
  child: string;
  /**
   * Restarts within the period.
   */
  restarts: number;
}
/**
 * A retry policy scheduled another attempt after a backoff timer.
 */
export interface RetryScheduledEvent {
  data: RetryScheduledData;
  h: ChainHash;
  kind: "retry.scheduled";
  pid: ProcessName;
  seq: Seq;
}
export interface RetryScheduledData {
  on: "malformed_output" | "tool_failure" | "timeout" | "rejected" | "crash";
  /**
   * The attempt scheduled, counting from 1.
   */
  attempt: number;
  /**
   * Milliseconds to wait before it.
   */
  backoff: number;
}
/**
 * A model reply did not match the schema it had to follow.
 */
export interface OutputMalformedEvent {
  data: OutputMalformedData;
  h: ChainHash;
  kind: "output.malformed";
  pid: ProcessName;
  seq: Seq;
}
export interface OutputMalformedData {
  effect: EffectId;
  error: string;
}
/**
 * A task's copy-on-write overlay was committed onto its base as one journalled effect.
 */
export interface OverlayCommittedEvent {
  data: OverlayCommittedData;
  h: ChainHash;
  kind: "overlay.committed";
  pid: ProcessName;
  seq: Seq;
}
export interface OverlayCommittedData {
  /**
   * The overlay's virtual path.
   */
  overlay: string;
  /**
   * The virtual path of its base.
   */
  over: string;
  /**
   * The commit effect.
   */
  effect: string;
}
/**
 * A task's copy-on-write overlay was dropped.
 */
export interface OverlayDiscardedEvent {
  data: OverlayDiscardedData;
  h: ChainHash;
  kind: "overlay.discarded";
  pid: ProcessName;
  seq: Seq;
}
export interface OverlayDiscardedData {
  /**
   * The overlay's virtual path.
   */
  overlay: string;
  /**
   * The virtual path of its base.
   */
  over: string;
}
