import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/bytecode/errors.js';
import { Kernel, type KernelInput, type StepOutput } from '../../src/vm/kernel.js';
import { compileDsl } from './helpers.js';

const bytecode = compileDsl(`workflow admit version "1"
model m { id "m" }
agent a {
  model m
  budget { turns 1 tokens 1 time 1h }
  run { sleep 1s exit "a" }
}
main {
  let x = spawn a
  let r = await x timeout 1m
  exit r
}`);

/** Runs to the end, admitting each due timer either in one call or in two. */
function drive(twoPhase: boolean): { kinds: string[]; firstOfInput: string[] } {
  const { kernel, output } = Kernel.start({ bytecode, seed: 's' });
  const kinds = output.events.map((e) => e.kind);
  const firstOfInput: string[] = [];
  const take = (o: StepOutput) => kinds.push(...o.events.map((e) => e.kind));
  while (!kernel.finished) {
    if (kernel.runnable) {
      take(kernel.step());
      continue;
    }
    const timer = [...kernel.inFlight()].sort((x, y) => (x.due ?? Infinity) - (y.due ?? Infinity))[0];
    if (timer === undefined) break;
    const input: KernelInput = { kind: 'timer.fired', effect: timer.id };
    if (twoPhase) {
      const recorded = kernel.record(input);
      firstOfInput.push(...recorded.events.map((e) => e.kind));
      take(recorded);
      take(kernel.apply());
    } else {
      take(kernel.admit(input));
    }
  }
  return { kinds, firstOfInput };
}

describe('admission in two phases', () => {
  it('record() gives only the input event; record() then apply() gives exactly what admit() gives', () => {
    const once = drive(false);
    const twice = drive(true);
    expect(twice.kinds).toEqual(once.kinds);
    expect(twice.firstOfInput.every((k) => k === 'timer.fired')).toBe(true);
    expect(twice.firstOfInput.length).toBeGreaterThan(0);
  });

  it('applies a batch of recorded inputs in order, and refuses to step between record() and apply()', () => {
    const { kernel } = Kernel.start({ bytecode, seed: 's' });
    kernel.step();
    expect(() => kernel.apply()).toThrow(InvariantError);
    expect(() => kernel.apply()).toThrow(/apply\(\) without a recorded input/);
    const first = kernel.record({ kind: 'signal.external', target: 'main', op: 'pause' });
    expect(() => kernel.step()).toThrow(/between record\(\) and apply\(\)/);
    const second = kernel.record({ kind: 'signal.external', target: 'main', op: 'resume' });
    expect([...first.events, ...second.events].map((e) => [e.seq, e.kind])).toEqual([
      [first.events[0]?.seq, 'signal.external'],
      [(first.events[0]?.seq ?? 0) + 1, 'signal.external'],
    ]);
    const applied = kernel.apply();
    // Pause, then resume: applied in the order recorded, so main ends up not paused.
    expect(applied.events.filter((e) => e.kind === 'proc.signalled').map((e) => e.data?.['op'])).toEqual(['pause', 'resume']);
    expect(kernel.core.processes.get('main')?.state).not.toBe('paused');
  });
});
