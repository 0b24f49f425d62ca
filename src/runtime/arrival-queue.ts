// The arrival queue: inputs from the world (effect completions, fired timers, external signals)
// wait here until the host admits them, and its policy decides which comes next. The log records
// that order, so determinism depends on it. By arrival (the default), inputs are admitted in the
// order they arrived, all that have arrived as one batch, as soon as the kernel is admissible.
// Ordered (`orderedCompletions`), one input is admitted at a time and only when no process can
// run: the completion of the earliest-requested effect still outstanding, and a fired timer only
// when no effect is outstanding, so a deterministic backend gives the same log on every run. An
// external signal (an operator's Ctrl-C) is admitted at once under either policy: its moment is
// the operator's, never reproducible, and holding it back behind effects that keep coming would
// keep it out for good.
import { assert } from '../bytecode/errors.js';
import type { KernelInput } from '../vm/kernel.js';

export class ArrivalQueue {
  /** Inputs that arrived and were not taken yet, in arrival order. */
  private readonly arrived: KernelInput[] = [];
  /**
   * Effects dispatched (timers aside) whose completion has not been taken, in request order: a
   * Set iterates in insertion order, so its first member is the earliest requested.
   */
  private readonly outstanding = new Set<string>();
  /** External signals among `arrived`: the stepping asks at every step, so it is counted, not searched. */
  private signals = 0;
  private wake: (() => void) | undefined;

  constructor(readonly ordered: boolean) {}

  /** An effect other than a timer was dispatched: its completion is awaited, in this request order. */
  requested(effect: string): void {
    assert(!this.outstanding.has(effect), () => `effect ${effect} dispatched twice`);
    this.outstanding.add(effect);
  }

  arrive(input: KernelInput): void {
    this.arrived.push(input);
    if (input.kind === 'signal.external') this.signals++;
    this.wake?.();
  }

  /** Resolves when the next input arrives. */
  arrival(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  /**
   * Whether the kernel must stop stepping, where it is admissible, to admit what has arrived: by
   * arrival, as soon as anything has; ordered, only for an external signal, since other inputs
   * wait until no process can run.
   */
  get pressing(): boolean {
    return this.ordered ? this.signals > 0 : this.arrived.length > 0;
  }

  /** The first input of the next batch, if one may be admitted now; `runnable` says whether a process can run. */
  first(runnable: boolean): KernelInput | undefined {
    return this.ordered && runnable && !this.pressing ? undefined : this.take();
  }

  /**
   * The next input of the batch `first` began. By arrival, every input that has arrived joins it.
   * Ordered, a batch is one input: which inputs had arrived together is timing, and would show.
   */
  more(): KernelInput | undefined {
    return this.ordered ? undefined : this.take();
  }

  private take(): KernelInput | undefined {
    const at = this.ordered ? this.nextOrdered() : 0;
    const input = at < 0 ? undefined : this.arrived.splice(at, 1)[0];
    if (input?.kind === 'effect.completed') this.outstanding.delete(input.effect);
    if (input?.kind === 'signal.external') this.signals--;
    return input;
  }

  /**
   * Where the next input to admit in order waits (-1: it has not arrived): the first external
   * signal; else the completion of the earliest-requested outstanding effect; with none
   * outstanding, what is left are fired timers, taken in arrival order.
   */
  private nextOrdered(): number {
    if (this.signals > 0) return this.arrived.findIndex((input) => input.kind === 'signal.external');
    const [earliest] = this.outstanding;
    if (earliest === undefined) return 0;
    return this.arrived.findIndex((input) => input.kind === 'effect.completed' && input.effect === earliest);
  }
}
