// Seeded randomness for the kernel: one named stream per purpose, each derived from the run's
// seed and its own name, so a new use of one stream never shifts the numbers another one draws.
import seedrandom from 'seedrandom';

/** Add a name here for each new use of randomness, never reuse one. */
export type StreamName = 'scheduler';

export class RandomStreams {
  private readonly streams = new Map<StreamName, () => number>();

  constructor(readonly seed: string) {}

  /** A float in [0, 1) from the named stream. */
  next(name: StreamName): number {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = seedrandom.alea(`${this.seed}/${name}`);
      this.streams.set(name, stream);
    }
    return stream();
  }

  /** An integer in [0, bound). */
  below(name: StreamName, bound: number): number {
    return Math.floor(this.next(name) * bound);
  }
}
