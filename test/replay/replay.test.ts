// Exact replay from lines alone: identical runs pass; a changed line is a divergence at its seq
// with a field diff and the source position of the instruction that produced the event; another
// kernel or event format, or other code, is refused with a named error; a log that stopped
// replays up to its end and names the effects still outstanding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, type KernelEvent } from '../../src/bytecode/events.js';
import { HashChain } from '../../src/log/chain.js';
import { fieldDifferences, isInputKind, lineKind, ReplayDivergenceError, ReplayRefusedError, replayExact } from '../../src/replay/replay.js';
import { arrayCursor } from '../../src/log/lines.js';
import { readHeader, scriptedEffects } from '../../src/sim/sweep.js';
import { runSimulated } from '../../src/sim/simulated-host.js';
import { compileDsl } from '../vm/helpers.js';

const source = readFileSync(new URL('../vm/workflows/signals.aos', import.meta.url), 'utf8');
const bytecode = compileDsl(source);

function recorded(seed = '3'): string[] {
  const run = runSimulated({ bytecode, seed, effects: scriptedEffects(readHeader(source).fakes, seed), interleave: true });
  expect(run.kernel.finished).toBe(true);
  return run.lines;
}

/** The log with events changed by `edit`, chained again, as a forger (or a changed kernel) would write it. */
function rechained(lines: readonly string[], edit: (events: KernelEvent[]) => KernelEvent[]): string[] {
  const events = edit(lines.map((line) => JSON.parse(line) as KernelEvent & { h?: string }).map(({ h: _h, ...event }) => event as KernelEvent));
  const chain = new HashChain();
  return events.map((event, seq) => chain.append({ ...event, seq }));
}

function positionOf(text: string): { line: number; column: number } {
  const at = source.indexOf(text);
  const before = source.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function divergenceOf(lines: readonly string[]): ReplayDivergenceError {
  try {
    replayExact(bytecode, () => arrayCursor(lines));
  } catch (error) {
    if (error instanceof ReplayDivergenceError) return error;
    throw error;
  }
  throw new Error('the replay did not diverge');
}

describe('exact replay', () => {
  it('reproduces every line of runs with timers, signals and interleaved completions', () => {
    for (const seed of ['1', '2', '3', '4', '5']) {
      const lines = recorded(seed);
      const replay = replayExact(bytecode, () => arrayCursor(lines));
      expect(replay).toMatchObject({ events: lines.length, finished: true, beyond: [] });
      expect(replay.outstanding).toEqual([]);
    }
  });

  it('reports a changed event at its seq, field by field, with the bytecode and source position that produced it', () => {
    const lines = recorded();
    const at = lines.findIndex((line) => lineKind(line) === 'msg.sent' && line.includes('"pid":"ticker#1"'));
    const sent = (JSON.parse(lines[at] as string) as { data: { value: number } }).data.value;
    const forged = rechained(lines, (events) => events.map((e) => (e.seq === at ? { ...e, data: { ...e.data, value: 99 } } : e)));
    const divergence = divergenceOf(forged);
    expect(divergence.seq).toBe(at);
    expect(divergence.details.differences).toEqual([{ path: 'data.value', expected: 99, produced: sent }]);
    expect(divergence.details.expected).toMatchObject({ kind: 'msg.sent', pid: 'ticker#1', data: { value: 99 } });
    expect(divergence.details.produced).toMatchObject({ kind: 'msg.sent', pid: 'ticker#1', data: { value: sent } });
    expect(divergence.details.location).toMatchObject({ file: 'test.aos', pid: 'ticker#1', procedure: 'ticker', ...positionOf('send parent i') });
    expect(divergence.message).toMatch(new RegExp(`^replay diverged at seq ${at} \\(test\\.aos:\\d+:\\d+, ticker\\+\\d+, in ticker#1\\)`));
  });

  it('fails when a recorded input is left over, or when the log ends before the run does', () => {
    const lines = recorded();
    const input = lines.findIndex((line) => lineKind(line) === 'timer.fired');
    // The same timer firing twice: the second is discarded, an event the log does not have.
    const doubled = rechained(lines, (events) => [...events.slice(0, input + 1), events[input] as KernelEvent, ...events.slice(input + 1)]);
    const discarded = divergenceOf(doubled);
    expect(discarded.seq).toBeGreaterThan(input + 1);
    expect(discarded.details.produced).toMatchObject({ kind: 'effect.discarded', data: { reason: 'stale' } });
    // A finished log missing one of its inputs: the replay waits where the log goes on.
    const dropped = rechained(lines, (events) => events.filter((e) => e.seq !== input));
    expect(divergenceOf(dropped).details.summary).toMatch(/the replay (was waiting for an input|produced)/);
    // A finished log with an extra line after run.finished.
    const extra = rechained(lines, (events) => [...events, { seq: 0, kind: 'signal.external', data: { op: 'kill', target: 'main' } }]);
    expect(divergenceOf(extra).details.summary).toMatch(/after the replay finished the run/);
  });

  it('replays a log that stopped up to its last line, and names the effects dispatched and never completed', () => {
    const lines = recorded();
    const cut = lines.findIndex((line, i) => i > 5 && lineKind(line) === 'effect.requested');
    const replay = replayExact(bytecode, () => arrayCursor(lines.slice(0, cut + 1)));
    expect(replay.finished).toBe(false);
    expect(replay.events).toBe(cut + 1);
    const requested = JSON.parse(lines[cut] as string) as { data: { effect: string } };
    expect(replay.outstanding.map((r) => r.effect)).toContain(requested.data.effect);
  });

  it('refuses a run recorded by another kernel or event format, or with other code, by a named error', () => {
    const lines = recorded();
    const refusal = (forged: readonly string[], other = bytecode): ReplayRefusedError => {
      try {
        replayExact(other, () => arrayCursor(forged));
      } catch (error) {
        if (error instanceof ReplayRefusedError) return error;
        throw error;
      }
      throw new Error('not refused');
    };
    const startedWith = (change: Record<string, unknown>) => rechained(lines, (events) => events.map((e) => (e.seq === 0 ? { ...e, data: { ...e.data, ...change } } : e)) as KernelEvent[]);
    expect(refusal(startedWith({ kernel: '0' }))).toMatchObject({ name: 'ReplayRefusedError', reason: 'kernel-version', recorded: '0' });
    expect(refusal(startedWith({ format: 99 }))).toMatchObject({ reason: 'format-version', recorded: 99 });
    expect(refusal(lines, compileDsl(source.replace('loop i max 4', 'loop i max 5')))).toMatchObject({ reason: 'code-hash' });
    expect(refusal(lines.slice(1))).toMatchObject({ reason: 'not-a-run' });
  });
});

describe('isInputKind', () => {
  it('is the event table\'s input column, and false for any other text', () => {
    for (const [kind, info] of Object.entries(EVENT_KINDS)) expect(isInputKind(kind), kind).toBe(info.input);
    for (const text of ['', 'toString', '__proto__', 'effect.completed ']) expect(isInputKind(text), text).toBe(false);
  });
});

describe('fieldDifferences', () => {
  it('lists the leaves that differ, with missing fields on either side', () => {
    expect(fieldDifferences({ a: 1, b: { c: [1, 2] }, d: 'x' }, { a: 1, b: { c: [1, 3, 4] }, e: null })).toEqual([
      { path: 'b.c.1', expected: 2, produced: 3 },
      { path: 'b.c.2', produced: 4 },
      { path: 'd', expected: 'x' },
      { path: 'e', produced: null },
    ]);
    expect(fieldDifferences({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: 'a', expected: [1], produced: { 0: 1 } }]);
  });
});
