import { describe, expect, it } from 'vitest';
import { compileDsl, run } from './helpers.js';
import { Kernel } from '../../src/vm/kernel.js';
import type { KernelEvent } from '../../src/bytecode/events.js';

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
