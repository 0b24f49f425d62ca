// Worker threads of the replay layer run compiled code: a worker module is loaded from beside the
// module that starts it, and from the same place under dist/ when that module runs from its
// TypeScript source (the tests run the sources; `npm test` builds dist/ first). A thread is kept
// for the process once started: starting one costs tens of milliseconds.
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL, type URL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AosError } from '../bytecode/errors.js';

/**
 * missing: the compiled worker module is not there (dist/ was never built). failed: the thread
 * failed, exited, or could not do what it was asked (out of memory, a file it could not read).
 * log-changed: the threads that checked two halves of a log read different logs — a writer was
 * appending to it.
 */
export type ThreadProblem = 'missing' | 'failed' | 'log-changed';

/** A worker thread could not do its part; its code is `thread.<problem>`. */
export class ThreadError extends AosError {
  constructor(problem: ThreadProblem, message: string, options?: ErrorOptions) {
    super(`thread.${problem}`, message, options);
  }
}

/** The URL of the compiled worker module `name` (e.g. 'seal-worker') of the folder of `from` (an import.meta.url). */
export function workerModule(name: string, from: string): URL {
  let folder = dirname(fileURLToPath(from));
  if (from.endsWith('.ts')) {
    const src = folder.lastIndexOf(`${sep}src${sep}`);
    if (src >= 0) folder = `${folder.slice(0, src)}${sep}dist${sep}${folder.slice(src + 5)}`;
  }
  const path = join(folder, `${name}.js`);
  if (!existsSync(path)) throw new ThreadError('missing', `the worker module ${path} is missing: run \`npm run build\``);
  return pathToFileURL(path);
}

/** A reply of a persistent worker: to the request of that id, an error when `error` is set. */
export interface WorkerReply {
  readonly id: number;
  readonly error?: string;
}

/**
 * One worker thread of a compiled worker module, started on first use and kept for the process:
 * requests carry an id, and the thread answers each with a reply of the same id. It holds the
 * process open only while a request is out. If it fails or exits, every request out is rejected
 * and the next one starts a new thread.
 */
export class PersistentWorker<Request extends object, Reply extends WorkerReply> {
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: ThreadError) => void }>();
  #nextId = 0;

  constructor(
    private readonly name: string,
    private readonly from: string,
  ) {}

  /** Sends a message that has no reply (the thread keeps what it says). */
  post(message: Request, transfer: ArrayBuffer[] = []): void {
    this.#thread().postMessage(message, transfer);
  }

  /** Sends a request; resolves with the thread's reply, rejects on its error or its end. */
  request(message: Request, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const id = this.#nextId++;
    const reply = new Promise<Reply>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    const worker = this.#thread();
    if (this.#waiting.size === 1) worker.ref();
    worker.postMessage({ ...message, id }, transfer);
    return reply;
  }

  /** True once the thread has been started (and not lost since). */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(workerModule(this.name, this.from));
    worker.on('message', (reply: Reply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if (reply.error !== undefined) waiting?.reject(new ThreadError('failed', `the ${this.name} thread could not do what it was asked: ${reply.error}`));
      else waiting?.resolve(reply);
    });
    const fail = (error: ThreadError): void => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiting of this.#waiting.values()) waiting.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', (error) => fail(new ThreadError('failed', `the ${this.name} thread failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new ThreadError('failed', `the ${this.name} thread exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the thread again.
    worker.unref();
    this.#worker = worker;
    return worker;
  }
}
