// The live host: drives the kernel against the real world. Effects run concurrently through the
// drivers (a model backend, the tool runner, the workspace), timers fire in real time, and every
// event goes to the run's durable, hash-chained log. The write-ahead order: a step's blobs are
// stored, its events appended, and the log committed before any effect it requests is
// dispatched; an input is recorded and committed before the kernel applies it. Completions are
// admitted as they arrive, or with `orderedCompletions` in request order and only when no
// process can run, so a deterministic backend gives the same log without a recording.
import { sha256Hex } from '../bytecode/hash.js';
import type { Bytecode } from '../bytecode/format.js';
import type { KernelEvent } from '../bytecode/events.js';
import type { JsonValue } from '../bytecode/json.js';
import type { InferenceBackend } from '../drivers/inference.js';
import type { Workspace } from '../drivers/files.js';
import { runTool } from '../drivers/tools.js';
import type { RunLog } from '../log/writer.js';
import type { EffectRequest } from '../vm/effects.js';
import { Kernel, type Completion, type KernelInput, type KernelOptions, type StepOutput } from '../vm/kernel.js';
import type { FinalExit } from '../vm/process.js';
import type { SignalOp } from '../bytecode/opcodes.js';
import { runModelEffect, toGenerateRequest, TurnCounter } from './model-effects.js';
import { redact, redactBytes, withoutSecrets } from './redact.js';
import { WorkspaceMounts } from './workspace-mounts.js';

export interface LiveRunOptions {
  readonly bytecode: Bytecode;
  readonly seed: string;
  readonly input?: JsonValue;
  readonly options?: Partial<KernelOptions>;
  readonly backend: InferenceBackend;
  readonly log: RunLog;
  readonly workspace: Workspace;
  /** The folder a workflow's `from` paths are relative to. */
  readonly workflowDir: string;
  /** Where tools pick their allowed environment variables from. */
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  /** Values that must never reach the log (API keys): replaced before admission. */
  readonly secrets?: readonly string[];
  /** Host paths that must never reach the log (the run directory), with what stands in for them. */
  readonly hostPaths?: readonly { readonly host: string; readonly standIn: string }[];
  /** Called after each kernel transition, with its output (progress displays, tests). */
  readonly observe?: (kernel: Kernel, output: StepOutput) => void;
  /** Continue a run that stopped, instead of starting one (seed and input are then the log's). */
  readonly resume?: ResumeState;
  /**
   * Called once with the way to send a process a signal from outside (an operator's Ctrl-C): it is
   * admitted as a `signal.external` input, in arrival order, where the kernel is admissible.
   */
  readonly external?: (signal: (target: string, op: SignalOp) => void) => void;
}

/**
 * Where a resumed run picks up: the kernel as an exact replay of the log left it (src/replay), and
 * what the host must redo because it was lost with the process that stopped.
 */
export interface ResumeState {
  readonly kernel: Kernel;
  /** Events the replay produced past the end of the log (the rest of its last transition): appended first. */
  readonly beyond: readonly KernelEvent[];
  /** Effects requested and neither completed nor cancelled in the log: dispatched again, under the same ids. */
  readonly outstanding: readonly EffectRequest[];
  /** Blobs the kernel produced (conversations, contents of writes), by hash. */
  readonly blobs: ReadonlyMap<string, string>;
  /** The log's events that place mounts (proc.spawned, overlay.discarded), in order. */
  readonly mountEvents: readonly KernelEvent[];
  /** Model calls dispatched per process before the stop, not counting the outstanding ones. */
  readonly turns: ReadonlyMap<string, number>;
}

export interface LiveRun {
  readonly kernel: Kernel;
  readonly result: FinalExit | null;
  /** Every blob of the run, by hash (artifact contents, handoffs, conversations). */
  readonly blobs: ReadonlyMap<string, string | Uint8Array>;
}

interface Arrival {
  readonly effect: string;
  readonly order: number;
  readonly input: KernelInput;
}

export async function runLive(options: LiveRunOptions): Promise<LiveRun> {
  const { log, workspace, backend } = options;
  const ordered = options.options?.orderedCompletions === true;
  const mounts = new WorkspaceMounts(options.bytecode, workspace, options.workflowDir);
  const turns = new TurnCounter();
  const blobs = new Map<string, string | Uint8Array>();
  const pendingBlobs: Promise<void>[] = [];
  const toDispatch: EffectRequest[] = [];
  const controllers = new Map<string, AbortController>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const arrived: Arrival[] = [];
  const requestOrder = new Map<string, number>();
  /** Dispatched effects other than timers whose completion has not been admitted. */
  const outstanding = new Map<string, number>();
  let wake: (() => void) | undefined;
  let orderCounter = 0;
  const redactions = {
    get paths() {
      return [...mounts.hostPaths, ...(options.hostPaths ?? [])];
    },
    secrets: options.secrets ?? [],
  };

  const toolEnv = withoutSecrets(options.hostEnv, redactions.secrets);

  const storeBlob = (hash: string, content: string | Uint8Array): void => {
    if (blobs.has(hash)) return;
    blobs.set(hash, content);
    const stored = log.putBlob(hash, content);
    // Awaited before the next commit, which fails with it; until then it is not unhandled.
    stored.catch(() => undefined);
    pendingBlobs.push(stored);
  };

  /** Mount changes the last outputs asked for, made before the next effects are dispatched. */
  const mountChanges: KernelEvent[] = [];
  const handle = (kernel: Kernel, output: StepOutput): void => {
    for (const blob of output.blobs) storeBlob(blob.hash, blob.text);
    for (const event of output.events) {
      log.append(event);
      if (mounts.note(event)) mountChanges.push(event);
    }
    toDispatch.push(...output.requests);
    for (const id of output.cancels) {
      const timer = timers.get(id);
      if (timer !== undefined) clearTimeout(timer);
      timers.delete(id);
      controllers.get(id)?.abort();
      // Cancelled before it was dispatched (requested in this output or since the last commit): it never starts.
      const waiting = toDispatch.findIndex((request) => request.effect === id);
      if (waiting >= 0) toDispatch.splice(waiting, 1);
    }
    options.observe?.(kernel, output);
  };

  const arrive = (effect: string, input: KernelInput): void => {
    controllers.delete(effect);
    timers.delete(effect);
    arrived.push({ effect, input, order: requestOrder.get(effect) ?? Number.MAX_SAFE_INTEGER });
    wake?.();
  };

  const perform = async (request: EffectRequest): Promise<Completion> => {
    const owner = mounts.owner(request.pid);
    const data = request.request;
    switch (request.op) {
      case 'model': {
        const controller = new AbortController();
        controllers.set(request.effect, controller);
        const generate = toGenerateRequest(request.pid, data, turns.next(request.pid), (hash) => {
          const content = blobs.get(hash);
          return typeof content === 'string' ? content : content === undefined ? undefined : Buffer.from(content).toString('utf8');
        });
        return runModelEffect(backend, { ...generate, signal: controller.signal });
      }
      case 'tool': {
        const controller = new AbortController();
        controllers.set(request.effect, controller);
        const outcome = await runTool(data as never, {
          hostEnv: toolEnv,
          // A path argument may name a file the tool is to create: when it does not exist yet, it
          // is resolved for writing, which makes its parent directories in a writable mount.
          resolvePath: async (path, access) => {
            let real = await workspace.realPathFor(owner, path, access);
            if (!real.ok && real.error.kind === 'not-found') {
              const created = await workspace.realPathFor(owner, path, 'write');
              if (created.ok) real = created;
            }
            return real.ok ? { ok: true, path: real.path } : { ok: false, error: { kind: real.error.kind, message: real.error.message } };
          },
          signal: controller.signal,
          storeBlob: (raw) => {
            // Binary output is stored as it is, less any secret or host path it holds, like text.
            const bytes = redactBytes(raw, redactions);
            const hash = sha256Hex(bytes);
            storeBlob(hash, bytes);
            return hash;
          },
        });
        return outcome.ok ? { ok: true, value: outcome.value as unknown as JsonValue } : { ok: false, error: outcome.error };
      }
      case 'read': {
        const read = await workspace.read(owner, String(data['path']));
        if (!read.ok) return { ok: false, error: { kind: read.error.kind, message: read.error.message } };
        try {
          return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(read.bytes) };
        } catch {
          // A model reads text: bytes would reach it mangled. It learns what the file is, and that
          // a tool declared for it is the way to use it.
          const what = `${read.bytes.length} bytes, sha256 ${sha256Hex(read.bytes)}`;
          return { ok: false, error: { kind: 'not-text', message: `${String(data['path'])} is not UTF-8 text (${what}); use a tool made for this kind of file` } };
        }
      }
      case 'write': {
        const content = blobs.get(String(data['blob']));
        if (content === undefined) return { ok: false, error: { kind: 'io', message: `the content of ${String(data['path'])} is missing` } };
        const written = await workspace.write(owner, String(data['path']), content, { effect: request.effect });
        return written.ok ? { ok: true, value: null } : { ok: false, error: { kind: written.error.kind, message: written.error.message } };
      }
      case 'commit': {
        const committed = await workspace.commitOverlay(owner, String(data['overlay']), Number(data['base']));
        return committed.ok ? { ok: true, value: null } : { ok: false, error: { kind: committed.error.kind, message: committed.error.message } };
      }
      case 'timer':
        throw new Error('live host invariant: timers are not performed as effects');
    }
  };

  const dispatch = (request: EffectRequest): void => {
    requestOrder.set(request.effect, orderCounter++);
    if (request.op !== 'timer') outstanding.set(request.effect, orderCounter);
    if (request.op === 'timer') {
      const ms = Number(request.request['ms']);
      timers.set(request.effect, setTimeout(() => arrive(request.effect, { kind: 'timer.fired', effect: request.effect }), Math.min(ms, 2 ** 31 - 1)));
      return;
    }
    perform(request).then(
      (completion) => arrive(request.effect, { kind: 'effect.completed', effect: request.effect, completion: redact(completion, redactions) }),
      (error: unknown) => arrive(request.effect, { kind: 'effect.completed', effect: request.effect, completion: { ok: false, error: { kind: 'host-failed', message: (error as Error).message } } }),
    );
  };

  /** Makes everything appended durable, then sends the requested effects on their way. */
  const commitAndDispatch = async (): Promise<void> => {
    for (const event of mountChanges.splice(0)) await mounts.observe(event);
    await Promise.all(pendingBlobs.splice(0));
    await log.commitLines();
    for (const request of toDispatch.splice(0)) dispatch(request);
  };

  /**
   * A long stretch of steps with no effect to dispatch still commits every COMMIT_LINES lines,
   * without waiting for it, so the log's buffer stays small: the kernel goes on stepping while
   * the file system syncs, yielding now and then so the commit's I/O can progress. The next
   * dispatch waits for it anyway.
   */
  const COMMIT_LINES = 4_096;
  const YIELD_STEPS = 1_024;
  let background: Promise<void> | null = null;
  const commitInBackground = (): void => {
    if (background !== null || log.count - log.durable < COMMIT_LINES) return;
    background = Promise.all(pendingBlobs.splice(0))
      .then(() => log.commitLines())
      .finally(() => (background = null));
  };
  const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  /**
   * The input to admit next, if it has arrived: the oldest arrival; or, ordered, the completion
   * of the earliest-requested effect still outstanding, and only when none is outstanding, the
   * timer that fired first.
   */
  const nextArrival = (): Arrival | undefined => {
    let at = 0;
    if (ordered && outstanding.size > 0) {
      const first = Math.min(...outstanding.values());
      at = arrived.findIndex((a) => outstanding.get(a.effect) === first);
    }
    const arrival = at < 0 ? undefined : arrived.splice(at, 1)[0];
    if (arrival !== undefined) outstanding.delete(arrival.effect);
    return arrival;
  };

  const kernel = options.resume === undefined ? start(options) : resumed(options.resume);
  let signals = 0;
  options.external?.((target, op) => {
    // Signals complete no effect: each has its own arrival key, and comes after what is outstanding.
    arrived.push({ effect: `signal:${signals++}`, input: { kind: 'signal.external', op, target }, order: Number.MAX_SAFE_INTEGER });
    wake?.();
  });
  function start(o: LiveRunOptions): Kernel {
    const started = Kernel.start({
      backend: { json: backend.supportsJsonMode(), name: backend.name, streaming: backend.supportsStreaming(), tools: backend.supportsTools() },
      bytecode: o.bytecode,
      input: o.input ?? null,
      options: o.options ?? {},
      seed: o.seed,
    });
    handle(started.kernel, started.output);
    return started.kernel;
  }
  function resumed(state: ResumeState): Kernel {
    for (const [hash, text] of state.blobs) storeBlob(hash, text);
    for (const event of state.mountEvents) if (mounts.note(event)) mountChanges.push(event);
    turns.continueFrom(state.turns);
    handle(state.kernel, { blobs: [], cancels: [], events: [...state.beyond], requests: [...state.outstanding] });
    return state.kernel;
  }
  try {
    while (!kernel.finished) {
      // An arrival stops the stepping, but only where the kernel is admissible (not right after a
      // silent step), so that a replay puts each input back at the same place.
      for (let steps = 1; kernel.runnable && (ordered || arrived.length === 0 || !kernel.admissible); steps++) {
        handle(kernel, kernel.step());
        if (steps % YIELD_STEPS === 0) {
          commitInBackground();
          await yieldToIo();
        }
      }
      await background;
      await commitAndDispatch();
      if (kernel.finished) break;
      // Ordered, nothing is admitted while a process can run.
      let arrival = ordered && kernel.runnable ? undefined : nextArrival();
      while (arrival === undefined && !kernel.runnable) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        arrival = nextArrival();
      }
      if (arrival === undefined) continue;
      // Every input that has arrived is recorded, made durable by one commit, then applied. Ordered,
      // a batch is one input: which inputs had arrived together is timing, and would show.
      for (; arrival !== undefined; arrival = ordered ? undefined : nextArrival()) handle(kernel, kernel.record(arrival.input));
      await commitAndDispatch();
      handle(kernel, kernel.apply());
    }
    await background;
    await commitAndDispatch();
  } finally {
    for (const timer of timers.values()) clearTimeout(timer);
    for (const controller of controllers.values()) controller.abort();
  }
  return { blobs, kernel, result: kernel.result };
}
