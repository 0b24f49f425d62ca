// The sealing thread: chains the lines of logs whose writers on the main thread serialise the
// events, so that hashing and building the lines run on the other core while the kernel steps.
// One thread serves every writer of the process; each writer is a stream with its own head.
import { parentPort } from 'node:worker_threads';
import { sealBatch } from './chain.js';

export type SealRequest =
  | { readonly op: 'open'; readonly stream: number; readonly head: string }
  /** batch: the bytes laid out as sealBatch reads them, lengths: two per event. Both are transferred. */
  | { readonly op: 'seal'; readonly stream: number; readonly batch: Uint8Array; readonly lengths: Int32Array }
  | { readonly op: 'close'; readonly stream: number };

/** To a seal request (its id added by PersistentWorker): the lines and the new head, or an error. */
export interface SealReply {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly head: string;
  readonly error?: string;
}

const port = parentPort;
if (port === null) throw new Error('seal-worker.js runs as a worker thread');
const heads = new Map<number, string>();

port.on('message', (request: SealRequest & { readonly id: number }) => {
  switch (request.op) {
    case 'open':
      heads.set(request.stream, request.head);
      return;
    case 'close':
      heads.delete(request.stream);
      return;
    case 'seal': {
      const prev = heads.get(request.stream);
      if (prev === undefined) {
        port.postMessage({ id: request.id, error: `stream ${request.stream} is not open` });
        return;
      }
      const batch = Buffer.from(request.batch.buffer, request.batch.byteOffset, request.batch.byteLength);
      const { bytes, head } = sealBatch(prev, batch, request.lengths);
      heads.set(request.stream, head);
      port.postMessage({ id: request.id, bytes, head } satisfies SealReply, [bytes.buffer as ArrayBuffer]);
    }
  }
});
