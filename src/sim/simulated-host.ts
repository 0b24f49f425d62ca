// The in-memory host with simulated time, for tests and benchmarks. It drives a kernel to the
// end of its run, answers effects from fakes, and keeps time virtual: when nothing can run it
// jumps to the next completion or timer. By default completions are admitted only then, in due
// order (as `--ordered-completions` does live); with `interleave` a seeded stream also admits
// completions that are due between steps, so seeds explore different arrival orders.
import seedrandom from 'seedrandom';
import type { Bytecode } from '../bytecode/format.js';
import { HashChain } from '../log/chain.js';
import type { KernelEvent } from '../bytecode/events.js';
import { Kernel, type Completion, type KernelInput, type KernelOptions, type StepOutput } from '../vm/kernel.js';
import type { EffectRequest } from '../vm/effects.js';
import type { JsonValue } from '../bytecode/json.js';
import type { Blob } from '../vm/artifacts.js';

/** How a fake answers one effect: after a virtual delay, or never (the effect hangs). */
export type FakeAnswer = { readonly after: number; readonly completion: Completion } | 'never';

/** What a fake may see of the host: the virtual clock and the blobs stored so far. */
export interface HostView {
  readonly now: number;
  readonly blobs: ReadonlyMap<string, string>;
}

export interface FakeEffects {
  answer(request: EffectRequest, host: HostView): FakeAnswer;
}

export interface SimulatedRunOptions {
  readonly bytecode: Bytecode;
  readonly seed: string;
  readonly input?: JsonValue;
  readonly options?: Partial<KernelOptions>;
  readonly effects: FakeEffects;
  /** Admit due completions between steps too, chosen by a seeded stream (default false). */
  readonly interleave?: boolean;
  /** Keep every log line in memory (default true; benchmarks turn it off). */
  readonly keepLines?: boolean;
  /** Hash-chain and serialise every event (default true). */
  readonly chain?: boolean;
  /** Called after every kernel step and admission, with what it produced. */
  readonly observe?: (kernel: Kernel, output: StepOutput) => void;
  /** Stops a run that has not finished after this many kernel steps and admissions. */
  readonly maxTransitions?: number;
  /** Inputs to admit when the virtual clock reaches their time (external signals). */
  readonly signals?: readonly { readonly at: number; readonly input: KernelInput }[];
}

export interface SimulatedRun {
  readonly kernel: Kernel;
  readonly lines: string[];
  readonly events: number;
  readonly head: string;
  readonly transitions: number;
  readonly blobs: Map<string, string>;
  /** The virtual time the run ended at. */
  readonly now: number;
}

interface Pending {
  readonly due: number;
  readonly order: number;
  readonly input: KernelInput;
}

/** A binary min-heap of pending inputs by (due, order). */
class PendingQueue {
  private readonly heap: Pending[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: Pending): void {
    const h = this.heap;
    h.push(item);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as Pending, h[parent] as Pending)) break;
      [h[i], h[parent]] = [h[parent] as Pending, h[i] as Pending];
      i = parent;
    }
  }

  peek(): Pending | undefined {
    return this.heap[0];
  }

  pop(): Pending | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as Pending, h[m] as Pending)) m = l;
        if (r < h.length && before(h[r] as Pending, h[m] as Pending)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Pending, h[i] as Pending];
        i = m;
      }
    }
    return top;
  }

  /** Every item due by `now`, in heap order (for seeded picks). */
  due(now: number): Pending[] {
    return this.heap.filter((p) => p.due <= now);
  }

  remove(item: Pending): void {
    const rest = this.heap.filter((p) => p !== item);
    this.heap.length = 0;
    for (const p of rest) this.push(p);
  }
}

function before(a: Pending, b: Pending): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}

function effectOf(input: KernelInput): string | undefined {
  return input.kind === 'signal.external' ? undefined : input.effect;
}

export function runSimulated(options: SimulatedRunOptions): SimulatedRun {
  const keepLines = options.keepLines ?? true;
  const chain = options.chain === false ? undefined : new HashChain();
  const lines: string[] = [];
  const blobs = new Map<string, string>();
  const pending = new PendingQueue();
  const cancelled = new Set<string>();
  const random = seedrandom.alea(`${options.seed}/host`);
  const maxTransitions = options.maxTransitions ?? Infinity;
  let now = 0;
  let order = 0;
  let events = 0;
  let transitions = 0;

  const handle = (output: StepOutput): void => {
    for (const blob of output.blobs as Blob[]) blobs.set(blob.hash, blob.text);
    for (const event of output.events as KernelEvent[]) {
      events++;
      if (chain !== undefined) {
        const line = chain.append(event);
        if (keepLines) lines.push(line);
      }
    }
    for (const id of output.cancels) cancelled.add(id);
    for (const request of output.requests) {
      if (request.op === 'timer') {
        pending.push({ due: now + (request.request['ms'] as number), order: order++, input: { kind: 'timer.fired', effect: request.effect } });
        continue;
      }
      const answer = options.effects.answer(request, { now, blobs });
      if (answer === 'never') continue;
      pending.push({ due: now + answer.after, order: order++, input: { kind: 'effect.completed', effect: request.effect, completion: answer.completion } });
    }
  };

  const started = Kernel.start({ bytecode: options.bytecode, seed: options.seed, input: options.input ?? null, options: options.options ?? {} });
  const { kernel } = started;
  handle(started.output);
  options.observe?.(kernel, started.output);
  for (const signal of options.signals ?? []) pending.push({ due: signal.at, order: order++, input: signal.input });

  const admit = (item: Pending): void => {
    const effect = effectOf(item.input);
    // A cancelled timer is dropped by the host; a cancelled effect's late completion is still
    // admitted, so the kernel records it and discards it.
    if (effect !== undefined && cancelled.has(effect) && item.input.kind === 'timer.fired') return;
    if (item.due > now) now = item.due;
    const output = kernel.admit(item.input);
    transitions++;
    handle(output);
    options.observe?.(kernel, output);
  };

  while (!kernel.finished && transitions < maxTransitions) {
    if (options.interleave === true && pending.size > 0 && kernel.admissible && random() < 0.3) {
      const due = pending.due(now);
      if (due.length > 0) {
        const pick = due[Math.floor(random() * due.length)] as Pending;
        pending.remove(pick);
        admit(pick);
        continue;
      }
    }
    if (kernel.runnable) {
      const output = kernel.step();
      transitions++;
      handle(output);
      options.observe?.(kernel, output);
      continue;
    }
    const next = pending.pop();
    if (next === undefined) break;
    admit(next);
  }
  return { kernel, lines, events, head: chain?.head ?? '', transitions, blobs, now };
}
