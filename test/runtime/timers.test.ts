// The live host's timers alone: armed for the time left until their deadline, and the record of
// deadlines in the run directory (timers.jsonl), as a resume reads it after a stop.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFs } from '../../src/log/durable-fs.js';
import { TIMERS_FILE, TimerDeadlines, Timers, type WallClock } from '../../src/runtime/timers.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aos-timers-'));
  made.push(dir);
  return dir;
}

/** A clock at a fixed time that keeps what it was asked to wait for, and whether that was stopped. */
function testClock(time: number) {
  const waits: { ms: number; fire: () => void; stopped: boolean }[] = [];
  const clock: WallClock = {
    after(ms, fire) {
      const wait = { fire, ms, stopped: false };
      waits.push(wait);
      return () => void (wait.stopped = true);
    },
    now: () => time,
  };
  return { clock, waits };
}

describe('timers', () => {
  it('wait for the time left until their deadline, none once it has passed, and a cancelled one is stopped', () => {
    const { clock, waits } = testClock(10_000);
    const timers = new Timers(clock);
    const fired: string[] = [];
    timers.arm('main/e1', 12_500, () => fired.push('main/e1'));
    timers.arm('main/e2', 9_000, () => fired.push('main/e2'));
    expect(waits.map((wait) => wait.ms)).toEqual([2_500, 0]);
    waits[1]?.fire();
    expect(fired).toEqual(['main/e2']);
    timers.cancel('main/e1');
    expect(waits.map((wait) => wait.stopped)).toEqual([true, false]);
  });
});

describe('the record of timer deadlines', () => {
  it('gives back, after a stop, the deadline of every timer written down, counted from when it was written', async () => {
    const dir = runDir();
    const before = new TimerDeadlines(nodeFs, dir);
    await before.note([{ effect: 'main/e1', ms: 1_000 }, { effect: 'worker#1/e2', ms: 60_000 }], 5_000);
    await before.note([{ effect: 'main/e1', ms: 1_000 }, { effect: 'main/e3', ms: 10 }], 7_000);
    await before.close();
    const after = new TimerDeadlines(nodeFs, dir);
    expect(await after.load()).toBeUndefined();
    expect(['main/e1', 'worker#1/e2', 'main/e3', 'main/e4'].map((effect) => after.dueOf(effect))).toEqual([6_000, 65_000, 7_010, undefined]);
  });

  it('takes a last line cut short for a timer never armed, and cuts it off before it writes more', async () => {
    const dir = runDir();
    const file = join(dir, TIMERS_FILE);
    writeFileSync(file, '{"due":6000,"effect":"main/e1","ms":1000}\n{"due":70');
    const deadlines = new TimerDeadlines(nodeFs, dir);
    expect(await deadlines.load()).toBeUndefined();
    expect(deadlines.dueOf('main/e1')).toBe(6_000);
    await deadlines.note([{ effect: 'main/e2', ms: 500 }], 8_000);
    await deadlines.close();
    expect(readFileSync(file, 'utf8')).toBe('{"due":6000,"effect":"main/e1","ms":1000}\n{"due":8500,"effect":"main/e2","ms":500}\n');
  });

  it('says why it cannot be trusted whole: missing, or a damaged line, whose neighbours still count', async () => {
    const missing = new TimerDeadlines(nodeFs, runDir());
    expect(await missing.load()).toBe('timers.jsonl is missing');
    const dir = runDir();
    writeFileSync(join(dir, TIMERS_FILE), '{"due":6000,"effect":"main/e1","ms":1000}\n{"effect":"main/e2"}\nnot json\n{"due":9000,"effect":"main/e3","ms":1}\n');
    const damaged = new TimerDeadlines(nodeFs, dir);
    expect(await damaged.load()).toBe('line 2 of timers.jsonl is damaged');
    expect(['main/e1', 'main/e2', 'main/e3'].map((effect) => damaged.dueOf(effect))).toEqual([6_000, undefined, 9_000]);
  });

  it('is removed when the run finishes', async () => {
    const dir = runDir();
    const deadlines = new TimerDeadlines(nodeFs, dir);
    await deadlines.note([{ effect: 'main/e1', ms: 1 }], 0);
    expect(existsSync(join(dir, TIMERS_FILE))).toBe(true);
    await deadlines.discard();
    expect(existsSync(join(dir, TIMERS_FILE))).toBe(false);
  });
});
