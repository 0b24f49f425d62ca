// Time budgets: the deadline a waiting agent is woken for, the check before each step, and the
// time each account is charged from the kernel's clock, which inspection counts the same way.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileDsl, run } from './helpers.js';
import { Kernel } from '../../src/vm/kernel.js';
import type { KernelEvent } from '../../src/bytecode/events.js';
import { inspectEvents, parseEvents } from '../../src/inspect/fold.js';
import { readHeader, scriptedEffects } from '../../src/sim/sweep.js';
import { runSimulated, type SimulatedRun } from '../../src/sim/simulated-host.js';
import { completionMarkdown, completionReport } from '../../src/runtime/completion.js';

const WORKFLOW = (body: string) => `workflow budget version "1"
model m { id "m" }
agent sleeper {
  model m
  budget { turns 1 tokens 1 time 2s }
  run { ${body} }
}
agent sprinter {
  model m
  budget { turns 1 tokens 1 time 2s }
  run { exit "quick" }
}
main {
  let a = spawn sleeper
  sleep 3s
  let b = call sprinter timeout 1m
  let ra = await a timeout 1m
  exit [ra, b]
}`;

describe('time budgets', () => {
  it('wakes a waiting agent when its time budget runs out, and fails it for good', () => {
    const r = run(compileDsl(WORKFLOW('sleep 5s exit "rested"')));
    const exhausted = r.log.filter((e) => e.kind === 'budget.exhausted');
    expect(exhausted).toEqual([expect.objectContaining({ pid: 'sleeper#1', data: { limit: 'time' } })]);
    const firing = r.log.find((e) => e.kind === 'timer.fired' && e.pid === 'sleeper#1');
    const request = r.log.find((e) => e.kind === 'effect.requested' && e.data?.['effect'] === firing?.data?.['effect']);
    expect(request?.data?.['request']).toEqual({ ms: 2000, purpose: 'budget' });
    expect(r.kernel.result?.output).toEqual([
      { output: null, reason: { kind: 'budget-exhausted', limit: 'time' }, status: 'failed' },
      { output: 'quick', status: 'ok' },
    ]);
  });

  it('arms no timer for an agent that never waits: it ends before any time can pass', () => {
    const r = run(compileDsl(WORKFLOW('exit "done"')));
    const timers = r.log.filter((e) => e.kind === 'effect.requested' && (e.data?.['request'] as { purpose?: string }).purpose === 'budget');
    expect(timers).toEqual([]);
    expect(r.kernel.result?.output).toEqual([
      { output: 'done', status: 'ok' },
      { output: 'quick', status: 'ok' },
    ]);
  });

  it('fails a ready agent whose deadline passed before it could run, without running it', () => {
    // Driven by hand: main spawns the agent and sleeps; the host admits main's timer (3s) before
    // the agent is ever stepped, as a live host may, so the agent is ready but out of time.
    const bytecode = compileDsl(WORKFLOW('exit "ran"'));
    const { kernel } = Kernel.start({ bytecode, seed: 'x' });
    const events: KernelEvent[] = [];
    const step = () => events.push(...kernel.step().events);
    step();
    expect(kernel.lastStepped).toBe('main');
    const sleep = kernel.inFlight().find((e) => e.pid === 'main');
    expect(sleep?.op).toBe('timer');
    events.push(...kernel.admit({ kind: 'timer.fired', effect: sleep?.id ?? '' }).events);
    expect(kernel.now).toBe(3000);
    step();
    expect(kernel.lastStepped).toBe('sleeper#1');
    expect(events.filter((e) => e.pid === 'sleeper#1').map((e) => e.kind)).toEqual(['proc.spawned', 'budget.exhausted', 'proc.exited']);
  });
});

/** One agent with a time budget of 1 s running `body`, called by main. */
const TIMED = (body: string) => `workflow timed version "1"
model m { id "m" }
agent timed {
  model m
  budget { turns 100 tokens 100000 time 1s }
  run { ${body} }
}
main {
  let r = call timed timeout 1h
  exit r
}`;

/** What the kernel's accounts say each agent used of its time, by name. */
function timeUsed(r: SimulatedRun): Record<string, number> {
  const used: Record<string, number> = {};
  for (const p of r.kernel.core.processes.values()) if (p.kind === 'agent') used[p.name] = p.budget.used.time;
  return used;
}

describe('time charged to the accounts', () => {
  it('stops an agent whose model calls outlast its time budget, and charges it the whole budget', () => {
    // Each reply takes 300 ms of simulated time: the deadline's timer fires during the fourth call.
    const r = run(compileDsl(TIMED('loop i max 50 until false { let a = ask "next?" } exit "done"')), { fakes: { latency: { model: 300 } } });
    expect(r.log.filter((e) => e.kind === 'budget.exhausted')).toEqual([expect.objectContaining({ pid: 'timed#1', data: { limit: 'time' } })]);
    expect(r.kernel.result?.output).toEqual({ output: null, reason: { kind: 'budget-exhausted', limit: 'time' }, status: 'failed' });
    expect(r.log.filter((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'model')).toHaveLength(4);
    expect(timeUsed(r)).toEqual({ 'timed#1': 1000 });
    expect(r.kernel.core.processes.get('timed#1')?.budget.remaining.time).toBe(0);
  });

  it('charges an agent that ends in time the time it waited, by the clock', () => {
    const r = run(compileDsl(TIMED('sleep 300ms sleep 250ms exit "rested"')));
    expect(r.kernel.result?.output).toEqual({ output: 'rested', status: 'ok' });
    expect(timeUsed(r)).toEqual({ 'timed#1': 550 });
    expect(r.kernel.core.processes.get('timed#1')?.budget.remaining.time).toBe(450);
  });

  it('shows in the completion report the time each process was charged', () => {
    const bytecode = compileDsl(TIMED('sleep 300ms sleep 250ms exit "rested"'));
    const r = run(bytecode);
    const report = completionReport({ bytecode, kernel: r.kernel, seed: 'test', backend: { name: 'fake', scripted: true }, events: r.events, head: r.head, blob: (hash) => r.blobs.get(hash) });
    expect(report.processes.map((p) => [p.name, p.time])).toEqual([
      ['main', 550],
      ['timed#1', 550],
    ]);
    expect(completionMarkdown(report)).toContain('| timed#1 | ok | 1 | 0 | 0 | 550 | 100 turns, 100000 tokens, 1000 ms |');
  });

  it('charges main, whose budget is unlimited, the whole run', () => {
    const r = run(compileDsl(TIMED('sleep 300ms exit "rested"')));
    expect(r.kernel.core.processes.get('main')?.budget.used.time).toBe(300);
  });

  it('agrees with inspection, which counts each agent from its spawn to its last exit on the same clock', () => {
    const folder = new URL('workflows/', import.meta.url);
    let charged = 0;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.aos'))) {
      const source = readFileSync(new URL(file, folder), 'utf8');
      const r = runSimulated({ bytecode: compileDsl(source), seed: '1', effects: scriptedEffects(readHeader(source).fakes, '1') });
      const { events, mismatches } = parseEvents(r.lines);
      const inspection = inspectEvents(events, { committed: null, events: r.lines.length, head: null, mismatches, tornTail: null });
      const folded = Object.fromEntries(inspection.budgets.map((b) => [b.process, b.used.time]));
      expect(timeUsed(r), file).toEqual(folded);
      charged += Object.values(folded).filter((ms) => ms > 0).length;
    }
    // The sweep workflows sleep, time out and back off: most of their agents are charged some time.
    expect(charged).toBeGreaterThan(10);
  });
});
