// The mailbox against a plain array of envelopes over random pushes and takes from several
// senders: every message comes out exactly once, FIFO per sender, and take() gives the oldest.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Mailbox, type Envelope } from '../../src/vm/mailbox.js';

const SENDERS = ['a', 'b', 'c', 'd'] as const;

interface Model {
  /** Pending messages in id order. */
  pending: Envelope[];
  nextId: number;
}

interface Real {
  mailbox: Mailbox;
  pushed: Set<number>;
  /** Ids that came out through take, takeFrom or drain. */
  removed: Set<number>;
  lastRemovedFrom: Map<string, number>;
}

function removeOnce(real: Real, envelope: Envelope): void {
  expect(real.pushed.has(envelope.id)).toBe(true);
  expect(real.removed.has(envelope.id)).toBe(false);
  real.removed.add(envelope.id);
  expect(envelope.id).toBeGreaterThan(real.lastRemovedFrom.get(envelope.from) ?? 0);
  real.lastRemovedFrom.set(envelope.from, envelope.id);
}

function assertInvariants(model: Model, real: Real): void {
  const snapshot = real.mailbox.snapshot();
  expect(snapshot).toEqual(model.pending);
  expect(real.mailbox.size).toBe(model.pending.length);
  // None lost, none twice: every pushed id is either still pending or came out exactly once.
  expect(real.removed.size + snapshot.length).toBe(real.pushed.size);
  for (const envelope of snapshot) expect(real.removed.has(envelope.id)).toBe(false);
}

type MailboxCommand = fc.Command<Model, Real>;

class Push implements MailboxCommand {
  constructor(readonly senders: readonly string[], readonly gap: number) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    for (const from of this.senders) {
      model.nextId += this.gap;
      const envelope = { id: model.nextId, from, to: 'me', value: { n: model.nextId } };
      model.pending.push(envelope);
      real.pushed.add(envelope.id);
      real.mailbox.push(envelope);
    }
    assertInvariants(model, real);
  }
  toString(): string { return `push(${this.senders.join('')}, gap ${this.gap})`; }
}

class Take implements MailboxCommand {
  constructor(readonly count: number) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    for (let i = 0; i < this.count; i++) {
      const taken = real.mailbox.take();
      expect(taken).toEqual(model.pending.shift());
      if (taken !== undefined) removeOnce(real, taken);
    }
    assertInvariants(model, real);
  }
  toString(): string { return `take × ${this.count}`; }
}

class TakeFrom implements MailboxCommand {
  constructor(readonly sender: string, readonly count: number) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    for (let i = 0; i < this.count; i++) {
      const taken = real.mailbox.takeFrom(this.sender);
      const index = model.pending.findIndex((envelope) => envelope.from === this.sender);
      expect(taken).toEqual(index < 0 ? undefined : model.pending.splice(index, 1)[0]);
      if (taken !== undefined) removeOnce(real, taken);
    }
    assertInvariants(model, real);
  }
  toString(): string { return `takeFrom(${this.sender}) × ${this.count}`; }
}

// hasFrom is a command of its own, not an invariant checked after every command: the mailbox
// builds its per-sender queues on the first takeFrom or hasFrom, and runs without them before.
class HasFrom implements MailboxCommand {
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    for (const sender of SENDERS) expect(real.mailbox.hasFrom(sender)).toBe(model.pending.some((envelope) => envelope.from === sender));
    assertInvariants(model, real);
  }
  toString(): string { return 'hasFrom(each sender)'; }
}

class Drain implements MailboxCommand {
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const drained = real.mailbox.drain();
    expect(drained).toEqual(model.pending);
    for (const envelope of drained) removeOnce(real, envelope);
    model.pending = [];
    assertInvariants(model, real);
  }
  toString(): string { return 'drain'; }
}

const sender = fc.constantFrom(...SENDERS);
// Bursts and repeated takes build queues long enough to reach the reclaiming paths.
const count = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 20, max: 120 }) });
const burst = fc.oneof(
  { weight: 3, arbitrary: fc.array(sender, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(sender, { minLength: 50, maxLength: 200 }) },
);

const commands = fc.commands([
  fc.tuple(burst, fc.integer({ min: 1, max: 3 })).map(([senders, gap]) => new Push(senders, gap)),
  fc.tuple(burst, fc.integer({ min: 1, max: 3 })).map(([senders, gap]) => new Push(senders, gap)),
  count.map((n) => new Take(n)),
  fc.tuple(sender, count).map(([s, n]) => new TakeFrom(s, n)),
  fc.tuple(sender, count).map(([s, n]) => new TakeFrom(s, n)),
  fc.constant(new HasFrom()),
  fc.constant(new Drain()),
], { maxCommands: 60, size: 'max' });

describe('Mailbox against its model', () => {
  it('delivers every message exactly once, FIFO per sender, take() the oldest overall', () => {
    fc.assert(fc.property(commands, (sequence) => {
      fc.modelRun(
        () => ({
          model: { pending: [], nextId: 0 },
          real: { mailbox: new Mailbox(), pushed: new Set(), removed: new Set(), lastRemovedFrom: new Map() },
        }),
        sequence,
      );
    }), { numRuns: 150 });
  });
});
