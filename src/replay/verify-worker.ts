// The second thread of verify-log.ts: checks one byte range of a log (scanFile) from the h and seq
// of the line before it, and posts the result. One job per thread; the thread ends after it.
import { parentPort } from 'node:worker_threads';
import { scanFile, type ScanResult, type ScanStart } from './log-scan.js';

export interface VerifyJob {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly from: ScanStart;
  readonly chunkBytes: number;
}

export type VerifyReply = { readonly result: ScanResult } | { readonly error: string };

const port = parentPort;
if (port === null) throw new Error('verify-worker.js runs as a worker thread');

port.once('message', (job: VerifyJob) => {
  scanFile(job.path, job.start, job.end, job.from, job.chunkBytes).then(
    (result) => port.postMessage({ result } satisfies VerifyReply),
    (error: unknown) => port.postMessage({ error: (error as Error).message } satisfies VerifyReply),
  );
});
