// The kernel's public face: start a run, step it, admit inputs. `step()` runs one ready process
// for one quantum; `admit(input)` records an input (an effect's completion, a timer's firing, an
// external signal) at the next sequence number and applies it. Both return the events, effect
// requests, cancellations and blobs that resulted, and never do any I/O themselves.
import { assert } from '../bytecode/errors.js';
import type { Bytecode } from '../bytecode/format.js';
import { EVENT_FORMAT_VERSION, type KernelEvent } from '../bytecode/events.js';
import type { SignalOp } from '../bytecode/opcodes.js';
import { DEFAULT_OPTIONS, KernelCore, type BackendInfo, type KernelOptions, type StepOutput } from './core.js';
import type { Completion, InFlight } from './effects.js';
import { asEffectId, asPid, effectOwner, MAIN_PID, type EffectId, type Pid } from './ids.js';
import { runProcess, type InstructionTrace } from './interpreter.js';
import type { JsonObject, JsonValue } from '../bytecode/json.js';
import { exhaustBudget, exitProcess, exitValue, spawnProcess } from './lifecycle.js';
import type { FinalExit, Frame, Process, ProcessRecord } from './process.js';
import { failingInstruction } from './outcomes.js';
import { signalProcess, wakeOnFinal } from './process-calls.js';

/** Bumped whenever the same inputs could produce different events. */
export const KERNEL_VERSION = '4';

export interface StartRequest {
  readonly bytecode: Bytecode;
  readonly seed: string;
  readonly input?: JsonValue;
  readonly options?: Partial<KernelOptions>;
  readonly backend?: BackendInfo | null;
}

/** An input as a host gives it: ids are the strings the log records, taken in as the kernel's own ids on admission. */
export type KernelInput =
  | { readonly kind: 'effect.completed'; readonly effect: string; readonly completion: Completion }
  | { readonly kind: 'timer.fired'; readonly effect: string }
  | { readonly kind: 'signal.external'; readonly target: string; readonly op: SignalOp };

export class Kernel {
  private readonly k: KernelCore;
  private outcome: FinalExit | null = null;
  /** Inputs recorded and not yet applied, in the order they were recorded. */
  private readonly recorded: KernelInput[] = [];
  private stepped: Pid | null = null;
  private steppedFrame: Frame | null = null;
  /** The last transition was a start, an admission, or a step that emitted an event. */
  private boundary = true;
  private instructionTrace: InstructionTrace | undefined = undefined;

  private constructor(request: StartRequest) {
    const options = { ...DEFAULT_OPTIONS, ...request.options };
    if (!Number.isSafeInteger(options.quantum) || options.quantum < 1) throw new RangeError(`KernelOptions.quantum must be a positive integer, got ${options.quantum}`);
    this.k = new KernelCore(request.bytecode, request.seed, options);
    this.k.onFinal = (waiter, ended) => this.wake(waiter, ended);
    this.k.finishRun = (exit) => this.finish(exit);
    this.k.onDeadline = (p) => exhaustBudget(this.k, p, 'time');
  }

  /** Starts a run: `run.started`, then main, ready to step. */
  static start(request: StartRequest): { kernel: Kernel; output: StepOutput } {
    const kernel = new Kernel(request);
    const { k } = kernel;
    const { bytecode } = request;
    const input = request.input ?? null;
    k.emit('run.started', undefined, {
      backend: request.backend === undefined || request.backend === null ? null : backendData(request.backend),
      codeHash: bytecode.codeHash,
      format: EVENT_FORMAT_VERSION,
      input,
      kernel: KERNEL_VERSION,
      options: { orderedCompletions: k.options.orderedCompletions, policy: k.options.policy, quantum: k.options.quantum },
      seed: request.seed,
      workflow: { name: bytecode.workflow.name, version: bytecode.workflow.version },
    });
    spawnProcess(k, null, { kind: 'main', agent: null, procedure: bytecode.code.entry, spec: 'main', input, task: null });
    return { kernel, output: k.drain() };
  }

  get finished(): boolean {
    return this.k.finished;
  }

  /** Main's final exit, once the run has finished. */
  get result(): FinalExit | null {
    return this.outcome;
  }

  /** True when some process is ready to run. */
  get runnable(): boolean {
    return !this.k.finished && this.k.scheduler.size > 0;
  }

  /** The virtual clock: the due time of the latest timer that fired. */
  get now(): number {
    return this.k.now;
  }

  /** Effects handed to the host and not yet completed, in request order (timers carry their due time). */
  inFlight(): readonly InFlight[] {
    return this.k.effects.list();
  }

  /** Read-only views for hosts, inspection and invariant checks; they look processes up by any name a log or a user gives. */
  get core(): Pick<KernelCore, 'leases' | 'tasks' | 'artifacts' | 'scheduler' | 'topics' | 'nextSeq'> & { readonly processes: ReadonlyMap<string, ProcessRecord> } {
    return this.k;
  }

  /**
   * True when an input may be admitted now: after the start, after an admission, after a step that
   * emitted an event, or when no process is ready. Never right after a silent step (one that ran
   * instructions and emitted nothing): the log could not show where it fell, so an input admitted
   * there could not be put back at the same place by a replay, which sees only lines. Hosts keep
   * stepping through silent steps; with this rule, the seq of an input line fixes the kernel state
   * it was admitted in.
   */
  get admissible(): boolean {
    return this.boundary || !this.runnable;
  }

  /** The process the latest transition stepped: null after an admission or a step that found none ready. */
  get lastStepped(): Pid | null {
    return this.stepped;
  }

  /**
   * Calls trace with each event as it is emitted, while the transition that emits it is under way,
   * so that `location` can name the instruction responsible.
   */
  traceEmits(trace: ((event: KernelEvent) => void) | undefined): void {
    this.k.onEmit = trace;
  }

  /**
   * Calls trace with each instruction a program runs, just before it runs: the process, procedure
   * and pc (golden coverage counts what ran). A traced step runs its quantum one instruction at a
   * time, to the same events; an untraced step pays nothing for it. Free agents run no instructions.
   */
  traceInstructions(trace: InstructionTrace | undefined): void {
    this.instructionTrace = trace;
  }

  /**
   * The instruction running now, during a traced emit: the stepping process's, else (during an
   * admission) that of the process named. Free agents and processes without a frame have none.
   */
  location(pid: string | undefined): { readonly pid: Pid; readonly procedure: number; readonly pc: number } | undefined {
    const name = this.stepped ?? (pid === undefined ? undefined : asPid(pid));
    // The stepping process's frame as it started the step: an exit drops it from the process.
    const frame = this.stepped !== null ? this.steppedFrame : name === undefined ? null : this.liveFrame(name);
    return name === undefined || frame === null ? undefined : { pid: name, procedure: frame.procedure, pc: frame.pc - 1 };
  }

  /** Runs the next ready process for one quantum. */
  step(): StepOutput {
    const { k } = this;
    assert(this.recorded.length === 0, 'step() between record() and apply()');
    this.stepped = null;
    if (k.finished) return k.drain();
    const name = k.scheduler.next();
    this.stepped = name ?? null;
    // The scheduler holds only live processes: an exit takes a process off it.
    const p = name === undefined ? undefined : k.live(name);
    this.steppedFrame = p?.frame ?? null;
    if (p !== undefined && p.state === 'ready') {
      if (k.chargeTime(p)) exhaustBudget(k, p, 'time');
      else runProcess(k, p, this.instructionTrace);
    }
    this.detectDeadlock();
    const output = k.drain();
    this.boundary = output.events.length > 0;
    return output;
  }

  /** Records an input at the next sequence number and applies it: `record` then `apply`. */
  admit(input: KernelInput): StepOutput {
    const recorded = this.record(input);
    const applied = this.apply();
    return {
      events: [...recorded.events, ...applied.events],
      requests: applied.requests,
      cancels: applied.cancels,
      blobs: applied.blobs,
    };
  }

  /**
   * Records an input — its event, at the next sequence number — without applying it, so a host
   * can make the line durable before anything follows from it. Several may be recorded in a row
   * (one group commit for a batch of completions); `apply()` then applies them all, in order. A
   * replay does the same with each run of consecutive input lines.
   */
  record(input: KernelInput): StepOutput {
    const { k } = this;
    assert(this.admissible, () => `${input.kind} admitted right after a silent step; hosts admit inputs only when the kernel is admissible`);
    this.stepped = null;
    this.boundary = true;
    switch (input.kind) {
      case 'effect.completed': {
        const { completion } = input;
        // Keys in sorted order, so the event serialises canonically on the fast path.
        const data: { [key: string]: JsonValue } = completion.ok
          ? { effect: input.effect, ok: true, value: completion.value }
          : { effect: input.effect, error: { kind: completion.error.kind, message: completion.error.message }, ok: false };
        k.emit('effect.completed', effectOwner(asEffectId(input.effect)), data);
        break;
      }
      case 'timer.fired':
        k.emit('timer.fired', effectOwner(asEffectId(input.effect)), { effect: input.effect });
        break;
      case 'signal.external':
        k.emit('signal.external', undefined, { op: input.op, target: input.target });
        break;
    }
    this.recorded.push(input);
    return k.drain();
  }

  /** Applies the inputs `record` took, in order: what follows from them, as events, requests, cancels and blobs. */
  apply(): StepOutput {
    const { k } = this;
    assert(this.recorded.length > 0, 'apply() without a recorded input');
    for (const input of this.recorded.splice(0)) this.applyOne(input);
    this.detectDeadlock();
    return k.drain();
  }

  private applyOne(input: KernelInput): void {
    const { k } = this;
    switch (input.kind) {
      case 'effect.completed':
        this.settle(asEffectId(input.effect), input.completion);
        break;
      case 'timer.fired':
        this.settle(asEffectId(input.effect), { ok: true, value: null });
        break;
      case 'signal.external': {
        const target = k.processes.get(asPid(input.target));
        if (target !== undefined && !k.finished) signalProcess(k, 'host', target, input.op);
        break;
      }
    }
  }

  private settle(id: EffectId, completion: Completion): void {
    const { k } = this;
    const effect = k.effects.settle(id);
    if (typeof effect === 'string' || k.finished) {
      k.emit('effect.discarded', effectOwner(id), { effect: id, reason: typeof effect === 'string' ? effect : 'exited' });
      return;
    }
    k.untrack(effect.pid, id);
    if (effect.due !== null && effect.due > k.now) k.now = effect.due;
    effect.onComplete(completion);
  }

  /** The frame of a process that has one: none once it has ended for good. */
  private liveFrame(name: Pid): Frame | null {
    const p = this.k.processes.get(name);
    return p === undefined || p.final ? null : p.frame;
  }

  private wake(waiter: Process, ended: Process): void {
    const then = this.k.verifyWaits.get(ended.name);
    if (waiter.wait?.kind === 'verify' && waiter.wait.verifier === ended.name && then !== undefined) {
      this.k.verifyWaits.delete(ended.name);
      waiter.wait = null;
      then(ended.exit);
      return;
    }
    wakeOnFinal(this.k, waiter, ended);
  }

  private finish(exit: FinalExit): void {
    const { k } = this;
    if (k.finished) return;
    for (const effect of k.effects.list()) k.cancel(effect.id, 'exited');
    const data: { [key: string]: JsonValue } = {};
    if (exit.status === 'ok' || exit.status === 'unverified') data['output'] = exit.output;
    if (exit.reason !== undefined) data['reason'] = exit.reason;
    data['status'] = exit.status === 'timeout' ? 'failed' : exit.status;
    k.emit('run.finished', undefined, data);
    k.finished = true;
    this.outcome = exit;
  }

  /**
   * Nothing can run and nothing is pending: every process waits on something that will never
   * come. A paused process waits for a resume from outside the run, so while one is paused the
   * kernel stays idle instead and the host decides.
   */
  private detectDeadlock(): void {
    const { k } = this;
    if (k.finished || k.scheduler.size > 0 || k.effects.size > 0) return;
    const alive = [...k.processes.values()].filter((p): p is Process => !p.final);
    if (alive.some((p) => p.state === 'paused')) return;
    const blocked = alive.map((p) => ({ pid: p.name, state: p.state, wait: p.wait?.kind ?? null }));
    const main = k.live(MAIN_PID);
    // The failure is charged to main's wait: the instruction the run can never get past.
    exitProcess(k, main, 'failed', null, { blocked, kind: 'deadlock' }, { at: failingInstruction(main) });
  }
}

/** The backend as `run.started` records it: a script only when it has one. */
function backendData({ script, ...backend }: BackendInfo): JsonObject {
  return script === undefined ? { ...backend } : { ...backend, script: { ...script } };
}

export { exitValue };
export type { BackendInfo, KernelOptions, StepOutput, Completion, InFlight, InstructionTrace, Pid, EffectId };
