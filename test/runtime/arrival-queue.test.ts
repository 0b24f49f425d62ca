// The arrival queue's admission policy alone: by arrival, inputs go in the order they came, all
// that have come as one batch; ordered, completions go in request order one at a time and only
// when no process can run, while fired timers wait for every outstanding effect, and an external
// signal goes at once.
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/bytecode/errors.js';
import { ArrivalQueue } from '../../src/runtime/arrival-queue.js';
import type { KernelInput } from '../../src/vm/kernel.js';

const completed = (effect: string): KernelInput => ({ completion: { ok: true, value: effect }, effect, kind: 'effect.completed' });
const fired = (effect: string): KernelInput => ({ effect, kind: 'timer.fired' });
const signal = (target: string): KernelInput => ({ kind: 'signal.external', op: 'cancel', target });

/** What the input stands for, to compare orders at a glance. */
function label(input: KernelInput | undefined): string | undefined {
  if (input === undefined) return undefined;
  return input.kind === 'signal.external' ? `signal ${input.target}` : `${input.kind === 'timer.fired' ? 'timer' : 'done'} ${input.effect}`;
}

/** Every batch the queue gives while no process can run, until it gives none. */
function batches(queue: ArrivalQueue): string[][] {
  const all: string[][] = [];
  for (let first = queue.first(false); first !== undefined; first = queue.first(false)) {
    const batch = [label(first) as string];
    for (let more = queue.more(); more !== undefined; more = queue.more()) batch.push(label(more) as string);
    all.push(batch);
  }
  return all;
}

describe('the arrival queue, by arrival', () => {
  it('gives every input that has arrived, in arrival order, as one batch, whatever the request order', () => {
    const queue = new ArrivalQueue(false);
    for (const effect of ['a', 'b', 'c']) queue.requested(effect);
    queue.arrive(completed('c'));
    queue.arrive(fired('t1'));
    queue.arrive(completed('a'));
    queue.arrive(signal('worker#1'));
    expect(batches(queue)).toEqual([['done c', 'timer t1', 'done a', 'signal worker#1']]);
    queue.arrive(completed('b'));
    expect(batches(queue)).toEqual([['done b']]);
  });

  it('presses for admission as soon as anything arrives, even while a process can run', () => {
    const queue = new ArrivalQueue(false);
    queue.requested('a');
    expect(queue.pressing).toBe(false);
    expect(queue.first(true)).toBeUndefined();
    queue.arrive(completed('a'));
    expect(queue.pressing).toBe(true);
    expect(label(queue.first(true))).toBe('done a');
    expect(queue.pressing).toBe(false);
  });
});

describe('the arrival queue, ordered', () => {
  it('gives completions in request order, one a batch, even when they arrive reversed', () => {
    const queue = new ArrivalQueue(true);
    for (const effect of ['a', 'b', 'c']) queue.requested(effect);
    queue.arrive(completed('c'));
    queue.arrive(completed('b'));
    expect(queue.first(false)).toBeUndefined();
    queue.arrive(completed('a'));
    expect(batches(queue)).toEqual([['done a'], ['done b'], ['done c']]);
  });

  it('gives the earliest-requested completion as soon as it is in, before later ones that came first', () => {
    const queue = new ArrivalQueue(true);
    for (const effect of ['a', 'b', 'c']) queue.requested(effect);
    queue.arrive(completed('b'));
    queue.arrive(completed('a'));
    expect(batches(queue)).toEqual([['done a'], ['done b']]);
    queue.requested('d');
    queue.arrive(completed('d'));
    expect(queue.first(false)).toBeUndefined();
    queue.arrive(completed('c'));
    expect(batches(queue)).toEqual([['done c'], ['done d']]);
  });

  it('admits nothing while a process can run, and never presses the stepping to stop', () => {
    const queue = new ArrivalQueue(true);
    queue.requested('a');
    queue.arrive(completed('a'));
    expect(queue.pressing).toBe(false);
    expect(queue.first(true)).toBeUndefined();
    expect(label(queue.first(false))).toBe('done a');
  });

  it('holds fired timers back while any effect is outstanding', () => {
    const queue = new ArrivalQueue(true);
    queue.requested('a');
    queue.requested('b');
    queue.arrive(fired('t1'));
    queue.arrive(completed('b'));
    expect(queue.first(false)).toBeUndefined();
    queue.arrive(completed('a'));
    expect(batches(queue)).toEqual([['done a'], ['done b'], ['timer t1']]);
  });

  it('admits an external signal at once: ahead of outstanding effects and fired timers, and while a process can run', () => {
    const queue = new ArrivalQueue(true);
    queue.requested('a');
    queue.requested('b');
    queue.arrive(completed('b'));
    queue.arrive(fired('t1'));
    expect(queue.pressing).toBe(false);
    queue.arrive(signal('main'));
    expect(queue.pressing).toBe(true);
    expect(label(queue.first(true))).toBe('signal main');
    expect(queue.more()).toBeUndefined();
    expect(queue.pressing).toBe(false);
    expect(queue.first(true)).toBeUndefined();
    queue.arrive(completed('a'));
    expect(batches(queue)).toEqual([['done a'], ['done b'], ['timer t1']]);
  });

  it('takes external signals in arrival order among themselves, before fired timers', () => {
    const queue = new ArrivalQueue(true);
    queue.arrive(signal('second#2'));
    queue.arrive(fired('t1'));
    queue.arrive(signal('first#1'));
    expect(batches(queue)).toEqual([['signal second#2'], ['signal first#1'], ['timer t1']]);
  });

  it('refuses an effect dispatched twice, which would break the request order', () => {
    const queue = new ArrivalQueue(true);
    queue.requested('a');
    expect(() => queue.requested('a')).toThrow(InvariantError);
  });
});

describe('the arrival queue, waiting', () => {
  it('wakes whoever waits at the next arrival', async () => {
    const queue = new ArrivalQueue(false);
    const woken = queue.arrival();
    queue.arrive(signal('worker#1'));
    await woken;
    expect(label(queue.first(false))).toBe('signal worker#1');
  });
});
