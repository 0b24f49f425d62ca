// The live host: drives the kernel against the real world, in a short loop of step → commit and
// dispatch → admit. Effects run concurrently through the effect executor, timers fire in real
// time at deadlines a resume keeps (timers.ts), inputs wait in the arrival queue, and every event
// goes to the run's durable, hash-chained log. The write-ahead order: a step's blobs are stored,
// its events appended, and the log committed before any effect it requests is dispatched (and a
// timer's deadline written down before it is armed); an input is recorded and committed
// before the kernel applies it; an input is admitted only where the kernel is admissible, so a
// replay puts it back at the same seq.
import type { Bytecode } from '../bytecode/format.js';
import type { KernelEvent } from '../bytecode/events.js';
import { assert } from '../bytecode/errors.js';
import type { JsonValue } from '../bytecode/json.js';
import type { SignalOp } from '../bytecode/opcodes.js';
import type { InferenceBackend } from '../drivers/inference.js';
import type { Workspace } from '../drivers/files.js';
import type { BackendScript } from '../generated/event.js';
import type { RunLog } from '../log/writer.js';
import type { Completion, EffectRequest } from '../vm/effects.js';
import { Kernel, type KernelInput, type KernelOptions, type StepOutput } from '../vm/kernel.js';
import type { FinalExit } from '../vm/process.js';
import { ArrivalQueue } from './arrival-queue.js';
import { RunBlobs } from './blob-store.js';
import { EffectExecutor } from './effect-executor.js';
import type { Redactions } from './redact.js';
import { realClock, TimerDeadlines, Timers, type WallClock } from './timers.js';
import { WorkspaceMounts } from './workspace-mounts.js';

export interface LiveRunOptions {
  readonly bytecode: Bytecode;
  readonly seed: string;
  readonly input?: JsonValue;
  readonly options?: Partial<KernelOptions>;
  readonly backend: InferenceBackend;
  /** The scripted backend's script, recorded with the backend in `run.started`. */
  readonly script?: BackendScript;
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
  /** The wall clock timers are due by and wait on (default: the real one). */
  readonly clock?: WallClock;
  /** Told, in one line, of a resumed timer whose deadline is not known, and so runs its full duration again. */
  readonly warn?: (message: string) => void;
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
  /** Outstanding effects that are not dispatched again (tools the operator chose not to run twice): the completion admitted in their place. */
  readonly instead: ReadonlyMap<string, Completion>;
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

export async function runLive(options: LiveRunOptions): Promise<LiveRun> {
  const host = new LiveHost(options);
  try {
    await host.run();
  } finally {
    await host.stop();
  }
  return { blobs: host.blobs.all, kernel: host.kernel, result: host.kernel.result };
}

/**
 * A long stretch of steps with no effect to dispatch still commits every COMMIT_LINES lines,
 * without waiting for it, so the log's buffer stays small: the kernel goes on stepping while the
 * file system syncs, yielding every YIELD_STEPS steps so the commit's I/O can progress. The next
 * dispatch waits for it anyway.
 */
const COMMIT_LINES = 4_096;
const YIELD_STEPS = 1_024;
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class LiveHost {
  readonly kernel: Kernel;
  readonly blobs: RunBlobs;
  private readonly log: RunLog;
  private readonly mounts: WorkspaceMounts;
  private readonly executor: EffectExecutor;
  private readonly arrivals: ArrivalQueue;
  private readonly clock: WallClock;
  private readonly timers: Timers;
  private readonly deadlines: TimerDeadlines;
  /** Mount work the last outputs asked for (mounting a new process, dropping an overlay), done before the next dispatch. */
  private readonly mountChanges: KernelEvent[] = [];
  /** Effects requested since the last commit: dispatched once it is durable. */
  private readonly toDispatch: EffectRequest[] = [];
  private background: Promise<void> | null = null;

  constructor(private readonly options: LiveRunOptions) {
    const { backend, log, resume, workspace } = options;
    this.log = log;
    this.clock = options.clock ?? realClock;
    this.timers = new Timers(this.clock);
    this.deadlines = new TimerDeadlines(log.fs, log.dir);
    this.blobs = new RunBlobs(log);
    const mounts = new WorkspaceMounts(options.bytecode, workspace, options.workflowDir);
    this.mounts = mounts;
    const redactions: Redactions = {
      get paths() {
        return [...mounts.hostPaths, ...(options.hostPaths ?? [])];
      },
      secrets: options.secrets ?? [],
    };
    this.executor = new EffectExecutor({ backend, blobs: this.blobs, hostEnv: options.hostEnv, mountOwner: (pid) => mounts.owner(pid), redactions, workspace, ...(resume === undefined ? {} : { turns: resume.turns }) });
    this.arrivals = new ArrivalQueue(options.options?.orderedCompletions === true);
    this.kernel = resume === undefined ? this.start() : this.takeUp(resume);
    options.external?.((target, op) => this.arrivals.arrive({ kind: 'signal.external', op, target }));
  }

  private start(): Kernel {
    const { backend, bytecode, input, options, script, seed } = this.options;
    const started = Kernel.start({
      backend: { json: backend.supportsJsonMode(), name: backend.name, ...(script === undefined ? {} : { script }), streaming: backend.supportsStreaming(), tools: backend.supportsTools() },
      bytecode,
      input: input ?? null,
      options: options ?? {},
      seed,
    });
    this.handle(started.kernel, started.output);
    return started.kernel;
  }

  /** A resumed run: its blobs and mounts back in place, the rest of its last transition appended, and its outstanding effects dispatched again. */
  private takeUp(state: ResumeState): Kernel {
    for (const [hash, text] of state.blobs) this.blobs.put(hash, text);
    for (const event of state.mountEvents) this.noteMounts(event);
    this.handle(state.kernel, { blobs: [], cancels: [], events: [...state.beyond], requests: [...state.outstanding] });
    return state.kernel;
  }

  /**
   * The loop: step, commit and dispatch, admit. Arrivals come in only while it awaits, and by
   * arrival which inputs are admitted together depends on where those awaits fall: it awaits
   * nothing but the log, the timers' deadlines, the workspace's mounts, a yield to I/O and the
   * next arrival.
   */
  async run(): Promise<void> {
    const { arrivals, kernel } = this;
    if (this.options.resume !== undefined) await this.takeUpDeadlines(this.options.resume);
    while (!kernel.finished) {
      while (this.stepAWhile()) {
        this.commitInBackground();
        await yieldToIo();
      }
      await this.background;
      await this.commitAndDispatch();
      if (kernel.finished) break;
      let first = arrivals.first(kernel.runnable);
      while (first === undefined && !kernel.runnable) {
        await arrivals.arrival();
        first = arrivals.first(false);
      }
      if (first === undefined) continue;
      this.record(first);
      await this.commitAndDispatch();
      this.handle(kernel, kernel.apply());
    }
    await this.background;
    await this.commitAndDispatch();
    await this.deadlines.discard();
  }

  /** Stops what is still running when the run ends, however it ends. */
  async stop(): Promise<void> {
    this.timers.clearAll();
    this.executor.cancelAll();
    await this.deadlines.close();
  }

  /**
   * The deadlines a resumed run's timers had. Without a whole record, an outstanding timer whose
   * request the log holds may have been armed before the stop, and runs its full duration again:
   * the operator is told. One requested past the log's end was never armed.
   */
  private async takeUpDeadlines(state: ResumeState): Promise<void> {
    const problem = await this.deadlines.load();
    if (problem === undefined) return;
    const neverArmed = new Set(state.beyond.filter((event) => event.kind === 'effect.requested').map((event) => event.data?.['effect']));
    for (const { effect, op, request } of state.outstanding) {
      if (op !== 'timer' || neverArmed.has(effect) || this.deadlines.dueOf(effect) !== undefined) continue;
      this.options.warn?.(`${problem}: timer ${effect} runs its full ${String(request['ms'])} ms again`);
    }
  }

  /**
   * Steps while a process can run, YIELD_STEPS steps at most: true when it stopped only to let
   * I/O progress. An arrival stops the stepping, but only where the kernel is admissible (not
   * right after a silent step), so that a replay puts each input back at the same place.
   */
  private stepAWhile(): boolean {
    const { arrivals, kernel } = this;
    for (let steps = 0; steps < YIELD_STEPS; steps++) {
      if (!kernel.runnable || (arrivals.pressing && kernel.admissible)) return false;
      this.handle(kernel, kernel.step());
    }
    return true;
  }

  /** Records the batch `first` begins; one commit makes it durable before the kernel applies it. */
  private record(first: KernelInput): void {
    for (let input: KernelInput | undefined = first; input !== undefined; input = this.arrivals.more()) this.handle(this.kernel, this.kernel.record(input));
  }

  /** Takes in a transition's output: blobs stored, events appended, requests held for the next commit, cancels carried out. */
  private handle(kernel: Kernel, output: StepOutput): void {
    for (const blob of output.blobs) this.blobs.put(blob.hash, blob.text);
    for (const event of output.events) {
      this.log.append(event);
      this.noteMounts(event);
    }
    this.toDispatch.push(...output.requests);
    for (const effect of output.cancels) this.cancel(effect);
    this.options.observe?.(kernel, output);
  }

  private noteMounts(event: KernelEvent): void {
    if (this.mounts.note(event)) this.mountChanges.push(event);
  }

  /** A cancelled effect stops; one requested since the last commit, and so not dispatched yet, never starts. */
  private cancel(effect: string): void {
    this.timers.cancel(effect);
    this.executor.cancel(effect);
    const waiting = this.toDispatch.findIndex((request) => request.effect === effect);
    if (waiting >= 0) this.toDispatch.splice(waiting, 1);
  }

  /** Makes everything appended durable, and the deadlines of the timers among it, then sends the requested effects on their way. */
  private async commitAndDispatch(): Promise<void> {
    for (const event of this.mountChanges.splice(0)) await this.mounts.observe(event);
    await this.blobs.stored();
    await this.log.commitLines();
    const requests = this.toDispatch.splice(0);
    await this.deadlines.note(requests.filter((request) => request.op === 'timer').map(({ effect, request }) => ({ effect, ms: timerMs(effect, request) })), this.clock.now());
    for (const request of requests) this.dispatch(request);
  }

  private commitInBackground(): void {
    if (this.background !== null || this.log.count - this.log.durable < COMMIT_LINES) return;
    this.background = this.blobs
      .stored()
      .then(() => this.log.commitLines())
      .finally(() => {
        this.background = null;
      });
  }

  private dispatch(request: EffectRequest): void {
    const { effect } = request;
    if (request.op === 'timer') {
      const due = this.deadlines.dueOf(effect);
      assert(due !== undefined, () => `timer ${effect} was dispatched before its deadline was written down`);
      this.timers.arm(effect, due, () => this.arrivals.arrive({ effect, kind: 'timer.fired' }));
      return;
    }
    this.arrivals.requested(effect);
    const instead = this.options.resume?.instead.get(effect);
    if (instead !== undefined) {
      this.arrivals.arrive({ completion: instead, effect, kind: 'effect.completed' });
      return;
    }
    void this.executor.perform(request).then((completion) => this.arrivals.arrive({ completion, effect, kind: 'effect.completed' }));
  }
}

function timerMs(effect: string, request: EffectRequest['request']): number {
  const ms = request['ms'];
  assert(typeof ms === 'number', () => `timer ${effect} has no duration in ms`);
  return ms;
}
