// Kernel ids: the names a spawn gives, effect ids numbered per process, and the owner an effect id names.
import { describe, expect, it } from 'vitest';
import { asEffectId, effectOwner, MAIN_PID, nthEffect, spawnedPid } from '../../src/vm/ids.js';
import { Kernel } from '../../src/vm/kernel.js';
import { compileDsl } from './helpers.js';

describe('ids', () => {
  it('name spawned processes by spec and count, and effects by process and number', () => {
    const writer = spawnedPid('writer', 3);
    expect(writer).toBe('writer#3');
    expect(nthEffect(writer, 7)).toBe('writer#3/e7');
    expect(nthEffect(MAIN_PID, 1)).toBe('main/e1');
  });

  it('find the process an effect id names, even when the spec name holds "/e"', () => {
    expect(effectOwner(nthEffect(spawnedPid('a/eb', 2), 10))).toBe('a/eb#2');
    expect(effectOwner(asEffectId('main/e1'))).toBe('main');
    expect(effectOwner(asEffectId('orphan'))).toBe('orphan');
  });

  it('are what the kernel issues and records', () => {
    const bytecode = compileDsl('workflow w version "1"\nmain {\n  sleep 5ms\n  exit 1\n}');
    const { kernel, output } = Kernel.start({ bytecode, seed: 's' });
    const stepped = kernel.step();
    expect(output.events[1]).toMatchObject({ kind: 'proc.spawned', pid: MAIN_PID });
    expect(stepped.requests).toEqual([expect.objectContaining({ effect: nthEffect(MAIN_PID, 1), pid: MAIN_PID, op: 'timer' })]);
    expect(kernel.inFlight()).toEqual([expect.objectContaining({ id: 'main/e1', due: 5 })]);
  });
});
