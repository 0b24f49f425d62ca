// Picks which ready process runs next. Round-robin serves the ready queue in order; the seeded
// random policy runs rounds, each a shuffle (from the `scheduler` stream) of the processes that
// were ready when the round began. Either way a process that stays ready runs within two rounds,
// which is the fairness bound the seed sweep checks.
import type { Pid } from './ids.js';
import type { RandomStreams } from './rng.js';

export type SchedulingPolicy = 'round-robin' | 'random';

/** One place in a round; a process removed and added again gets a new one, and its old one is skipped. */
interface Entry {
  readonly name: Pid;
}

export class Scheduler {
  private round: Entry[] = [];
  private roundHead = 0;
  private nextRound: Entry[] = [];
  /** Each queued process's one live entry. */
  private readonly queued = new Map<Pid, Entry>();

  constructor(
    private readonly policy: SchedulingPolicy,
    private readonly random: RandomStreams,
  ) {}

  /** Marks a process ready; a process already queued keeps its place. */
  add(name: Pid): void {
    if (this.queued.has(name)) return;
    const entry = { name };
    this.queued.set(name, entry);
    this.nextRound.push(entry);
  }

  /** Forgets a process (it blocked, exited or was paused while queued). */
  remove(name: Pid): void {
    this.queued.delete(name);
  }

  get size(): number {
    return this.queued.size;
  }

  /** The next ready process, or undefined when none is. */
  next(): Pid | undefined {
    for (;;) {
      if (this.roundHead >= this.round.length) {
        if (this.nextRound.length === 0) return undefined;
        this.startRound();
      }
      const entry = this.round[this.roundHead++];
      if (entry !== undefined && this.queued.get(entry.name) === entry) {
        this.queued.delete(entry.name);
        return entry.name;
      }
    }
  }

  /** Every queued process, in the order the scheduler holds them (for checks and inspection). */
  pending(): Pid[] {
    return [...this.round.slice(this.roundHead), ...this.nextRound].filter((e) => this.queued.get(e.name) === e).map((e) => e.name);
  }

  private startRound(): void {
    const entries = this.nextRound;
    this.nextRound = [];
    if (this.policy === 'random') {
      for (let i = entries.length - 1; i > 0; i--) {
        const j = this.random.below('scheduler', i + 1);
        const t = entries[i] as Entry;
        entries[i] = entries[j] as Entry;
        entries[j] = t;
      }
    }
    this.round = entries;
    this.roundHead = 0;
  }
}
