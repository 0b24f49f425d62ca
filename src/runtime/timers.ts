// The live host's timers. Each fires in real time at a wall-clock deadline that is written down in
// the run directory (`timers.jsonl`) before the timer is armed, so that a resumed run fires it at
// that deadline rather than a full duration after the resume. The record is host scheduling data,
// not a kernel input: the log holds no wall-clock time, and the record goes when the run finishes.
import { join } from 'node:path';
import { z } from 'zod';
import type { DurableFile, DurableFs } from '../log/durable-fs.js';

export const TIMERS_FILE = 'timers.jsonl';

/** Wall-clock time and waiting: the real ones, or a test's. */
export interface WallClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fire` once `ms` have passed; the function it returns stops that. */
  after(ms: number, fire: () => void): () => void;
}

/** setTimeout takes at most 2^31 - 1 ms (about 24.8 days); a longer timer fires then. */
const LONGEST_TIMEOUT = 2 ** 31 - 1;

export const realClock: WallClock = {
  now: () => Date.now(),
  after(ms, fire) {
    const timeout = setTimeout(fire, Math.min(ms, LONGEST_TIMEOUT));
    return () => clearTimeout(timeout);
  },
};

/** Armed timers, by effect id; a cancelled one never fires. */
export class Timers {
  private readonly armed = new Map<string, () => void>();

  constructor(private readonly clock: WallClock) {}

  /** Arms a timer to fire at its deadline: at once if that has passed. */
  arm(effect: string, due: number, fire: () => void): void {
    const stop = this.clock.after(Math.max(0, due - this.clock.now()), () => {
      this.armed.delete(effect);
      fire();
    });
    this.armed.set(effect, stop);
  }

  cancel(effect: string): void {
    this.armed.get(effect)?.();
    this.armed.delete(effect);
  }

  clearAll(): void {
    for (const stop of this.armed.values()) stop();
    this.armed.clear();
  }
}

/** One line of the record: a timer's effect id, its duration, and its deadline in ms since the epoch. */
const deadlineLine = z.object({ due: z.number().finite(), effect: z.string().min(1), ms: z.number().nonnegative() });

/** A timer to write down: its effect id and its duration. */
export interface TimerToNote {
  readonly effect: string;
  readonly ms: number;
}

/**
 * The deadline of every timer armed so far, one line each (`{"due":…,"effect":…,"ms":…}`),
 * appended and synced before any of them is armed. So a timer with no line was never armed, and
 * runs its full duration when its run is resumed.
 */
export class TimerDeadlines {
  private readonly due = new Map<string, number>();
  private file: DurableFile | undefined;
  /** Where a last line cut short by a stop begins: cut off before anything is appended after it. */
  private tornAt: number | undefined;

  constructor(
    private readonly fs: DurableFs,
    private readonly dir: string,
  ) {}

  private get path(): string {
    return join(this.dir, TIMERS_FILE);
  }

  /**
   * Reads what a stopped run wrote down. A last line without its newline was cut short by the
   * stop, and its timers never armed. Returns why the record cannot be trusted to be whole — it
   * is missing or unreadable, or a line in it is damaged — or undefined when it can.
   */
  async load(): Promise<string | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.fs.readFile(this.path);
    } catch (error) {
      return `${TIMERS_FILE} cannot be read (${error instanceof Error ? error.message : String(error)})`;
    }
    if (bytes === undefined) return `${TIMERS_FILE} is missing`;
    const whole = bytes.lastIndexOf(0x0a) + 1;
    if (whole < bytes.length) this.tornAt = whole;
    const lines = Buffer.from(bytes.subarray(0, whole)).toString('utf8').split('\n').slice(0, -1);
    let problem: string | undefined;
    for (const [index, line] of lines.entries()) {
      const deadline = parseDeadline(line);
      if (deadline === undefined) problem ??= `line ${index + 1} of ${TIMERS_FILE} is damaged`;
      else this.due.set(deadline.effect, deadline.due);
    }
    return problem;
  }

  /** When a timer is due, if it was written down. */
  dueOf(effect: string): number | undefined {
    return this.due.get(effect);
  }

  /** Writes down, durably, when each of these timers not written down yet is due, counting from now. */
  async note(timers: readonly TimerToNote[], now: number): Promise<void> {
    const fresh = timers.filter((timer) => !this.due.has(timer.effect)).map(({ effect, ms }) => ({ due: now + ms, effect, ms }));
    if (fresh.length === 0) return;
    const created = this.file === undefined;
    if (this.tornAt !== undefined) await this.fs.truncate(this.path, this.tornAt);
    this.tornAt = undefined;
    this.file ??= await this.fs.open(this.path, 'append');
    await this.file.write(new TextEncoder().encode(fresh.map((deadline) => `${JSON.stringify(deadline)}\n`).join('')));
    await this.file.sync();
    // The file's name must be as durable as its lines before a timer counts on them.
    if (created) await this.fs.syncDir(this.dir);
    for (const { due, effect } of fresh) this.due.set(effect, due);
  }

  /** The run has finished: nothing is left to schedule, and no host time stays in its directory. */
  async discard(): Promise<void> {
    await this.close();
    if (await this.fs.remove(this.path)) await this.fs.syncDir(this.dir);
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }
}

function parseDeadline(line: string): z.infer<typeof deadlineLine> | undefined {
  try {
    return deadlineLine.safeParse(JSON.parse(line)).data;
  } catch {
    return undefined;
  }
}
