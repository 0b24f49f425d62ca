// One process's inbox: messages taken oldest first, overall or from one sender, each exactly once,
// FIFO per sender→receiver pair (DESIGN.md section 6).
import { assert } from '../bytecode/errors.js';
import type { JsonValue } from '../bytecode/json.js';

/** A message; sender and receiver are any names (the kernel's are process names). */
export interface Envelope<Name extends string = string> {
  /** Run-wide message sequence: increasing. */
  readonly id: number;
  readonly from: Name;
  readonly to: Name;
  readonly value: JsonValue;
}

/** Below this many slots, taken slots are not worth reclaiming. */
const MIN_RECLAIM_SLOTS = 64;

/** Drops the consumed prefix of an array queue once it is at least half the array, in place. */
function dropConsumed<Name extends string>(items: Envelope<Name>[], head: number): number {
  if (head === items.length) {
    items.length = 0;
    return 0;
  }
  if (head < MIN_RECLAIM_SLOTS || head * 2 < items.length) return head;
  items.copyWithin(0, head);
  items.length -= head;
  return 0;
}

/** One sender's pending messages, oldest at `head`. */
class SenderQueue<Name extends string> {
  readonly items: Envelope<Name>[] = [];
  head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  oldest(): Envelope<Name> | undefined {
    return this.items[this.head];
  }

  shift(): Envelope<Name> | undefined {
    const envelope = this.items[this.head];
    if (envelope === undefined) return undefined;
    this.head = dropConsumed(this.items, this.head + 1);
    return envelope;
  }
}

function queueOf<Name extends string>(senders: Map<Name, SenderQueue<Name>>, sender: Name): SenderQueue<Name> {
  let queue = senders.get(sender);
  if (queue === undefined) {
    queue = new SenderQueue<Name>();
    senders.set(sender, queue);
  }
  return queue;
}

export class Mailbox<Name extends string = string> {
  // Every pending message in id order, interleaved (once the mailbox is indexed) with messages
  // already taken by takeFrom: those are skipped lazily rather than searched for, which keeps
  // takeFrom O(1).
  private readonly arrivals: Envelope<Name>[] = [];
  private arrivalsHead = 0;
  // The per-sender queues are made on the first takeFrom or hasFrom. Until then every message from
  // arrivalsHead on is pending, since take() takes from the front, so a mailbox read only in
  // arrival order (a parent collecting its children's reports) keeps nothing per sender. Once
  // made, a sender's queue stays when it empties: in a conversation it refills at once.
  private senders: Map<Name, SenderQueue<Name>> | null = null;
  private pending = 0;
  private lastId = -Infinity;

  push(envelope: Envelope<Name>): void {
    assert(envelope.id > this.lastId, () => `message ids pushed into one mailbox increase, got ${envelope.id} after ${this.lastId}`);
    this.lastId = envelope.id;
    if (this.senders !== null) queueOf(this.senders, envelope.from).items.push(envelope);
    this.arrivals.push(envelope);
    this.pending++;
  }

  /** The oldest message from any sender. */
  take(): Envelope<Name> | undefined {
    if (this.senders === null) {
      const envelope = this.arrivals[this.arrivalsHead];
      if (envelope === undefined) return undefined;
      this.pending--;
      this.arrivalsHead = dropConsumed(this.arrivals, this.arrivalsHead + 1);
      return envelope;
    }
    while (this.arrivalsHead < this.arrivals.length) {
      const envelope = this.arrivals[this.arrivalsHead++]!;
      if (!this.isPending(envelope)) continue;
      this.shiftFromSender(envelope);
      this.pending--;
      this.arrivalsHead = dropConsumed(this.arrivals, this.arrivalsHead);
      return envelope;
    }
    this.arrivalsHead = dropConsumed(this.arrivals, this.arrivalsHead);
    return undefined;
  }

  /** The oldest message from this sender. */
  takeFrom(sender: Name): Envelope<Name> | undefined {
    const envelope = this.indexed().get(sender)?.shift();
    if (envelope === undefined) return undefined;
    this.pending--;
    if (this.arrivals[this.arrivalsHead] === envelope) {
      this.arrivalsHead = dropConsumed(this.arrivals, this.arrivalsHead + 1);
    } else {
      this.dropTaken();
    }
    return envelope;
  }

  get size(): number {
    return this.pending;
  }

  hasFrom(sender: Name): boolean {
    return (this.indexed().get(sender)?.size ?? 0) > 0;
  }

  /** Removes and returns every pending message in id order. */
  drain(): Envelope<Name>[] {
    const all = this.snapshot();
    this.arrivals.length = 0;
    this.arrivalsHead = 0;
    this.senders = null;
    this.pending = 0;
    return all;
  }

  /** Every pending message in id order, left in place. */
  snapshot(): Envelope<Name>[] {
    const all: Envelope<Name>[] = [];
    for (let index = this.arrivalsHead; index < this.arrivals.length; index++) {
      const envelope = this.arrivals[index]!;
      if (this.isPending(envelope)) all.push(envelope);
    }
    assert(all.length === this.pending, () => `${this.pending} messages counted pending in a mailbox, ${all.length} found`);
    return all;
  }

  /** Takes the message off its sender's queue, where it must be the oldest. */
  private shiftFromSender(envelope: Envelope<Name>): void {
    const oldest = this.senders?.get(envelope.from)?.shift();
    assert(oldest === envelope, () => `message ${envelope.id} is the oldest in the mailbox but not the oldest from ${envelope.from}`);
  }

  // A sender's pending messages are a suffix of what it sent, so a message is pending exactly when
  // it is not older than the oldest one still queued from its sender.
  // Before the mailbox is indexed, every message from arrivalsHead on is pending.
  private isPending(envelope: Envelope<Name>): boolean {
    if (this.senders === null) return true;
    const oldest = this.senders.get(envelope.from)?.oldest();
    return oldest !== undefined && envelope.id >= oldest.id;
  }

  /** The per-sender queues, made from the pending messages the first time they are needed. */
  private indexed(): Map<Name, SenderQueue<Name>> {
    if (this.senders === null) {
      const senders = new Map<Name, SenderQueue<Name>>();
      for (let index = this.arrivalsHead; index < this.arrivals.length; index++) {
        const envelope = this.arrivals[index]!;
        queueOf(senders, envelope.from).items.push(envelope);
      }
      this.senders = senders;
    }
    return this.senders;
  }

  /** Rewrites the arrivals without taken messages once they outnumber the pending ones. */
  private dropTaken(): void {
    const taken = this.arrivals.length - this.arrivalsHead - this.pending;
    if (taken < MIN_RECLAIM_SLOTS || taken <= this.pending) return;
    let kept = 0;
    for (let index = this.arrivalsHead; index < this.arrivals.length; index++) {
      const envelope = this.arrivals[index]!;
      if (this.isPending(envelope)) this.arrivals[kept++] = envelope;
    }
    this.arrivals.length = kept;
    this.arrivalsHead = 0;
  }
}
