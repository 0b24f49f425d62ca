// Hands the chaining of a log's lines to another thread. The writer serialises each event on the
// main thread (it holds the objects) and the sealing thread hashes and builds the lines, so on two
// cores the kernel keeps stepping while its last events are chained. The lines are the ones
// HashChain gives; only the thread differs.
import { SEAL_ROOM, sealBatch } from './chain.js';
import type { SealReply, SealRequest } from './seal-worker.js';
import { PersistentWorker } from './workers.js';

/** Lines chained, as UTF-8 bytes each ending in a newline, with the h of the last and the line count after them. */
export interface Sealed {
  readonly bytes: Uint8Array;
  readonly head: string;
  readonly count: number;
}

/** The one sealing thread of the process; each writer is a stream of its own there. */
class SealThread {
  readonly #worker = new PersistentWorker<SealRequest, SealReply>('seal-worker', import.meta.url);
  #nextStream = 0;

  openStream(head: string): number {
    const stream = this.#nextStream++;
    this.#worker.post({ op: 'open', stream, head });
    return stream;
  }

  /** The stream's head is now this (lines were chained elsewhere); later batches chain on from it. */
  setHead(stream: number, head: string): void {
    this.#worker.post({ op: 'open', stream, head });
  }

  closeStream(stream: number): void {
    if (this.#worker.started) this.#worker.post({ op: 'close', stream });
  }

  /** Sends a batch and its lengths, which are transferred: the caller must not touch them again. */
  async seal(stream: number, batch: Uint8Array, lengths: Int32Array): Promise<{ bytes: Uint8Array; head: string }> {
    const reply = await this.#worker.request({ op: 'seal', stream, batch, lengths }, [batch.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer]);
    return { bytes: reply.bytes, head: reply.head };
  }
}

let thread: SealThread | undefined;

/** Events a batch holds before it goes to the sealing thread unasked. */
const BATCH = 1024;
/** The bytes a batch starts with room for; a larger event gets a batch of its own size. */
const BATCH_BYTES = 512 * 1024;

/** One log's lines on their way through the sealing thread, in order. */
export class LineSealer {
  readonly #thread: SealThread;
  readonly #stream: number;
  /** The batch being filled: each event's room for the previous h, then its parts in UTF-8 (sealBatch). */
  #batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
  #used = 0;
  #lengths = new Int32Array(2 * BATCH);
  #events = 0;
  /** Batches sent and not yet taken, in order. */
  #sent: Promise<{ bytes: Uint8Array; head: string }>[] = [];
  /** The last batch sent (or the head the log started from): its head is the log's once it is chained. */
  #last: Promise<{ readonly head: string }>;
  /** The head after every line taken so far, while no batch is out: a small take seals here. */
  #head: string | undefined;
  /** Lines pushed so far. */
  #pushed: number;

  /** Continues a log whose last line has hash head and which holds count lines. */
  constructor(head: string, count: number) {
    this.#thread = thread ??= new SealThread();
    this.#stream = this.#thread.openStream(head);
    this.#last = Promise.resolve({ head });
    this.#head = head;
    this.#pushed = count;
  }

  /** Queues one event's line, given as the parts its h goes between (eventParts). */
  push(before: string, after: string): void {
    // A UTF-16 unit takes at most three bytes of UTF-8; a write never runs out of room.
    const most = SEAL_ROOM + 3 * (before.length + after.length);
    if (this.#used + most > this.#batch.length) {
      this.#send();
      if (most > this.#batch.length) this.#batch = Buffer.allocUnsafeSlow(most);
    }
    const at = this.#used + SEAL_ROOM;
    const b = this.#batch.write(before, at);
    const a = this.#batch.write(after, at + b);
    this.#used = at + b + a;
    this.#lengths[2 * this.#events] = b;
    this.#lengths[2 * this.#events + 1] = a;
    this.#events++;
    this.#pushed++;
    if (this.#events === BATCH) this.#send();
  }

  /** Lines pushed so far, which is also the next seq. */
  get pushed(): number {
    return this.#pushed;
  }

  /** Every line pushed and not yet taken, chained; the head and count are the log's after them. */
  async take(): Promise<Sealed> {
    // With no batch out, what is left (less than a batch: a commit before a dispatch, mostly) is
    // chained on this thread: a trip to the sealing thread, on the critical path, costs more.
    // Only full batches, sent as they fill in long stretches of steps, go to the other core.
    if (this.#head !== undefined && this.#sent.length === 0) return this.#sealHere(this.#head);
    this.#head = undefined;
    this.#send();
    const count = this.#pushed;
    const batches = this.#sent;
    this.#sent = [];
    const last = this.#last;
    const sealed = await Promise.all(batches);
    const bytes = sealed.length === 1 ? (sealed[0] as { bytes: Uint8Array }).bytes : Buffer.concat(sealed.map((s) => s.bytes));
    const { head } = await last;
    // Nothing went out since: the head is known here again.
    if (this.#sent.length === 0 && this.#last === last) this.#head = head;
    return { bytes, head, count };
  }

  /** Chains the batch being filled with sealBatch, as the sealing thread would, and tells the thread the new head. */
  #sealHere(prev: string): Sealed {
    const { bytes, head } = sealBatch(prev, this.#batch, this.#lengths.subarray(0, 2 * this.#events));
    if (this.#events > 0) {
      this.#thread.setHead(this.#stream, head);
      this.#head = head;
      this.#last = Promise.resolve({ head });
      this.#used = 0;
      this.#events = 0;
    }
    return { bytes, head, count: this.#pushed };
  }

  close(): void {
    this.#thread.closeStream(this.#stream);
  }

  #send(): void {
    if (this.#events === 0) return;
    const lengths = this.#lengths.slice(0, 2 * this.#events);
    const reply = this.#thread.seal(this.#stream, this.#batch.subarray(0, this.#used), lengths);
    this.#batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.#used = 0;
    // A failed batch fails the take that waits for it; until then its rejection is not unhandled.
    reply.catch(() => undefined);
    this.#last = reply;
    this.#sent.push(reply);
    this.#events = 0;
  }
}
