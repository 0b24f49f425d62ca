// The event log's vocabulary (DESIGN.md section 5): every kind of event the kernel writes, which
// of them record an input admitted from the host, and the event as built before it is chained.
import type { EventLine } from '../generated/event.js';
import type { JsonValue } from './json.js';

export type { EventLine };

/** The event format version recorded in run.started; an exact replay refuses a log of any other. */
export const EVENT_FORMAT_VERSION = 1;

/** The previous hash of line 0. */
export const GENESIS_HASH = '0'.repeat(64);

interface EventKindInfo {
  /** An input admitted from the host between kernel steps: replay injects it at its recorded seq. */
  readonly input: boolean;
  readonly doc: string;
}

/**
 * Every event kind, in the order of schemas/event.schema.json, whose variant of EventLine defines
 * each kind's `data`; `satisfies` makes a kind missing here or unknown there a compile error.
 */
export const EVENT_KINDS = {
  'run.started': { input: false, doc: 'The run began: what ran, under which kernel and event format, with which seed, input, options and backend; always line 0.' },
  'run.finished': { input: false, doc: 'The run ended with main\'s exit status; always the last line.' },
  'proc.spawned': { input: false, doc: 'A process was created with its spec, parent, input, budget and capabilities.' },
  'proc.restarted': { input: false, doc: 'A process was restarted under its name with a new incarnation, a fresh context and its last checkpoint.' },
  'proc.exited': { input: false, doc: 'An incarnation of a process ended with an exit status.' },
  'proc.signalled': { input: false, doc: 'A signal reached its target process.' },
  'msg.sent': { input: false, doc: 'A message was put in the receiver\'s mailbox.' },
  'msg.received': { input: false, doc: 'A process took a message from its mailbox.' },
  'msg.dead': { input: false, doc: 'A message was addressed to a process that has exited for good and became a dead letter.' },
  'topic.subscribed': { input: false, doc: 'A process subscribed to a topic.' },
  'topic.published': { input: false, doc: 'A value was published on a topic and delivered to its subscribers in subscription order.' },
  'effect.requested': { input: false, doc: 'A process asked the host to perform an effect.' },
  'effect.cancelled': { input: false, doc: 'An in-flight effect was cancelled; a completion that still arrives is discarded.' },
  'effect.completed': { input: true, doc: 'The host admitted the result of an effect.' },
  'timer.fired': { input: true, doc: 'The host admitted the firing of a timer effect.' },
  'signal.external': { input: true, doc: 'The host admitted a signal from outside the run.' },
  'effect.discarded': { input: false, doc: 'A completion was recorded but not applied, because its effect was cancelled, its process exited, or it was stale.' },
  'lease.granted': { input: false, doc: 'A process was granted a lease with a new fencing token.' },
  'lease.queued': { input: false, doc: 'A process waits for a lease held by another.' },
  'lease.renewed': { input: false, doc: 'A holder renewed its lease.' },
  'lease.released': { input: false, doc: 'A holder released its lease.' },
  'lease.expired': { input: false, doc: 'A lease\'s time to live ran out.' },
  'lease.refused': { input: false, doc: 'An operation carrying a stale fencing token was refused.' },
  'cap.denied': { input: false, doc: 'An operation was refused for lack of a capability; the process that asked for it fails.' },
  'budget.exhausted': { input: false, doc: 'A process used up one of its budget limits.' },
  'task.opened': { input: false, doc: 'A task was opened for an owner agent.' },
  'task.produced': { input: false, doc: 'A task\'s owner produced its artifacts.' },
  'task.verified': { input: false, doc: 'A verifier passed a task.' },
  'task.rejected': { input: false, doc: 'A verifier rejected a task.' },
  'task.failed': { input: false, doc: 'A task can no longer be completed.' },
  'artifact.recorded': { input: false, doc: 'An artifact record was created for a content-addressed blob.' },
  'checkpoint.saved': { input: false, doc: 'A process saved a checkpoint as an artifact.' },
  'supervisor.escalated': { input: false, doc: 'A supervisor exceeded its restart intensity and escalated to its parent.' },
  'retry.scheduled': { input: false, doc: 'A retry policy scheduled another attempt after a backoff timer.' },
  'output.malformed': { input: false, doc: 'A model reply did not match the schema it had to follow.' },
  'overlay.committed': { input: false, doc: 'A task\'s copy-on-write overlay was committed onto its base as one journalled effect.' },
  'overlay.discarded': { input: false, doc: 'A task\'s copy-on-write overlay was dropped.' },
} as const satisfies Record<EventLine['kind'], EventKindInfo>;

export type EventKind = keyof typeof EVENT_KINDS;

/**
 * An event as the kernel builds it, before the chain adds `h`. `pid` and `data` are left out, never
 * null, when a kind has none; `data` holds recorded values and virtual paths only.
 */
export interface KernelEvent {
  readonly seq: number;
  readonly kind: EventKind;
  readonly pid?: string;
  readonly data?: { readonly [k: string]: JsonValue };
}
