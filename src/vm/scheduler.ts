// Picks which ready process runs next. Round-robin serves the ready queue in order; the seeded
// random policy runs rounds, each a shuffle (from the `scheduler` stream) of the processes that
// were ready when the round began. Either way a process that stays ready runs within two rounds,
// which is the fairness bound the seed sweep checks.
import type { RandomStreams } from './rng.js';

export type SchedulingPolicy = 'round-robin' | 'random';

export class Scheduler {
  private round: string[] = [];
  private roundHead = 0;
  private nextRound: string[] = [];
  private readonly queued = new Set<string>();

  constructor(
    private readonly policy: SchedulingPolicy,
    private readonly random: RandomStreams,
  ) {}

  /** Marks a process ready; a process already queued keeps its place. */
  add(name: string): void {
    if (this.queued.has(name)) return;
    this.queued.add(name);
    this.nextRound.push(name);
  }

  /** Forgets a process (it blocked, exited or was paused while queued). */
  remove(name: string): void {
    this.queued.delete(name);
  }

  get size(): number {
    return this.queued.size;
  }

  /** The next ready process, or undefined when none is. */
  next(): string | undefined {
    for (;;) {
      if (this.roundHead >= this.round.length) {
        if (this.nextRound.length === 0) return undefined;
        this.startRound();
      }
      const name = this.round[this.roundHead++];
      if (name !== undefined && this.queued.delete(name)) return name;
    }
  }

  /** Every queued process, in the order the scheduler holds them (for checks and inspection). */
  pending(): string[] {
    return [...this.round.slice(this.roundHead), ...this.nextRound].filter((n) => this.queued.has(n));
  }

  private startRound(): void {
    const names = this.nextRound;
    this.nextRound = [];
    if (this.policy === 'random') {
      for (let i = names.length - 1; i > 0; i--) {
        const j = this.random.below('scheduler', i + 1);
        const t = names[i] as string;
        names[i] = names[j] as string;
        names[j] = t;
      }
    }
    this.round = names;
    this.roundHead = 0;
  }
}
