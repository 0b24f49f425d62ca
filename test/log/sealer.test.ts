// Lines chained on the sealing thread are byte for byte the lines HashChain gives on the main
// thread, in order, for any events (non-ASCII, astral, larger than a batch), across batches and
// takes, for several logs sharing the thread at once.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GENESIS_HASH, type KernelEvent } from '../../src/bytecode/events.js';
import { eventParts, HashChain, SEAL_ROOM, sealBatch } from '../../src/log/chain.js';
import { LineSealer } from '../../src/log/sealer.js';
import { events } from './arbitraries.js';

function referenceLines(list: readonly KernelEvent[], head = GENESIS_HASH, count = 0): { text: string; head: string } {
  const chain = new HashChain(head, count);
  const text = list.map((event) => chain.append(event) + '\n').join('');
  return { text, head: chain.head };
}

/** The batch layout sealBatch reads, with the room for each previous h filled with junk. */
function batchOf(list: readonly KernelEvent[]): { batch: Buffer; lengths: number[] } {
  const parts: Buffer[] = [];
  const lengths: number[] = [];
  for (const event of list) {
    const { before, after } = eventParts(event);
    const b = Buffer.from(before, 'utf8');
    const a = Buffer.from(after, 'utf8');
    parts.push(Buffer.alloc(SEAL_ROOM, 0xff), b, a);
    lengths.push(b.length, a.length);
  }
  return { batch: Buffer.concat(parts), lengths };
}

const withSeqs = (list: readonly KernelEvent[], from: number): KernelEvent[] => list.map((event, i) => ({ ...event, seq: from + i }));

describe('sealBatch', () => {
  it('gives the bytes of HashChain\'s lines and its head, from any previous head', () => {
    fc.assert(
      fc.property(events, fc.nat({ max: 50 }), fc.stringMatching(/^[0-9a-f]{64}$/), (list, from, prev) => {
        const shifted = withSeqs(list, from);
        const { batch, lengths } = batchOf(shifted);
        const sealed = sealBatch(prev, batch, lengths);
        const reference = referenceLines(shifted, prev, from);
        expect(sealed.bytes.toString('utf8')).toBe(reference.text);
        expect(sealed.head).toBe(reference.head);
      }),
      { numRuns: 500 },
    );
  });
});

describe('LineSealer (on the sealing thread)', () => {
  it('chains what is pushed into the lines HashChain gives, across takes, with several logs at once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(events, fc.nat({ max: 2 })), { minLength: 1, maxLength: 6 }), async (rounds) => {
        const left = new LineSealer(GENESIS_HASH, 0);
        const right = new LineSealer(GENESIS_HASH, 0);
        const all: KernelEvent[] = [];
        let taken = '';
        let rightTaken = '';
        try {
          for (const [list, takes] of rounds) {
            const shifted = withSeqs(list, all.length);
            all.push(...shifted);
            for (const event of shifted) {
              const { before, after } = eventParts(event);
              left.push(before, after);
              right.push(before, after);
            }
            // Takes in a row: the later ones have no new lines and keep the head.
            for (let t = 0; t <= takes; t++) {
              const sealed = await left.take();
              taken += Buffer.from(sealed.bytes).toString('utf8');
              const reference = referenceLines(all);
              expect(sealed.count).toBe(all.length);
              expect(sealed.head).toBe(reference.head);
            }
            rightTaken += Buffer.from((await right.take()).bytes).toString('utf8');
          }
          expect(taken).toBe(referenceLines(all).text);
          expect(rightTaken).toBe(taken);
        } finally {
          left.close();
          right.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('continues a log from its head and count, and seals events larger than a batch and thousands in a row', async () => {
    const start = referenceLines([{ seq: 0, kind: 'run.started', data: { seed: 's' } }]);
    const sealer = new LineSealer(start.head, 1);
    const big = 'é😀x'.repeat(300_000);
    const list: KernelEvent[] = [{ seq: 1, kind: 'msg.sent', pid: 'main', data: { value: big } }];
    for (let seq = 2; seq < 5000; seq++) list.push({ seq, kind: 'msg.sent', pid: `worker#${seq}`, data: { value: seq % 7 === 0 ? big.slice(0, seq) : seq } });
    try {
      for (const event of list) {
        const { before, after } = eventParts(event);
        sealer.push(before, after);
      }
      expect(sealer.pushed).toBe(5000);
      const sealed = await sealer.take();
      const reference = referenceLines(list, start.head, 1);
      expect(sealed.head).toBe(reference.head);
      expect(sealed.count).toBe(5000);
      expect(Buffer.from(sealed.bytes).toString('utf8')).toBe(reference.text);
    } finally {
      sealer.close();
    }
  });

  it('gives nothing and the head it started from when nothing was pushed', async () => {
    const head = 'a'.repeat(64);
    const sealer = new LineSealer(head, 7);
    try {
      expect(await sealer.take()).toEqual({ bytes: Buffer.alloc(0), head, count: 7 });
    } finally {
      sealer.close();
    }
  });
});
