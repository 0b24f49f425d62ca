// The verifying thread of verify-log.ts: checks a byte range of a log (scanFile) from the h and seq
// of the line before it, and posts the result. It serves every job of the process, one at a time
// in the order they come.
import { parentPort } from 'node:worker_threads';
import { scanFile, type ScanResult, type ScanStart } from './scan.js';

export interface VerifyJob {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly from: ScanStart;
  readonly chunkBytes: number;
}

/** To a job (its id added by PersistentWorker): the scan's result, or an error. */
export interface VerifyReply {
  readonly id: number;
  readonly result?: ScanResult;
  readonly error?: string;
}

const port = parentPort;
if (port === null) throw new Error('verify-worker.js runs as a worker thread');

port.on('message', (job: VerifyJob & { readonly id: number }) => {
  scanFile(job.path, job.start, job.end, job.from, job.chunkBytes).then(
    (result) => port.postMessage({ id: job.id, result } satisfies VerifyReply),
    (error: unknown) => port.postMessage({ id: job.id, error: (error as Error).message } satisfies VerifyReply),
  );
});
