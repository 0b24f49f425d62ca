// Every opcode has a known stack effect; the variable ones follow from their operands.
import { describe, expect, it } from 'vitest';
import { OPCODES, Op, type OpcodeName } from '../../src/bytecode/opcodes.js';
import { stackEffect, VARIABLE_POPS } from '../../src/bytecode/stack-effect.js';

describe('stackEffect', () => {
  it('has a rule for every opcode whose pops vary', () => {
    const variable = OPCODES.filter((o) => o.pops === 'count').map((o) => o.name);
    expect(Object.keys(VARIABLE_POPS).sort()).toEqual([...variable].sort());
  });

  it('reads counts, flags and constant lists', () => {
    const constants = [['a', 'b', 'c'], 'x'];
    const effect = (name: OpcodeName, ...operands: number[]) => stackEffect([Op[name], ...operands], constants);
    expect(effect('LIST', 4)).toEqual({ pops: 4, pushes: 1 });
    expect(effect('OBJECT', 0)).toEqual({ pops: 3, pushes: 1 });
    expect(effect('EXEC', 0, 0)).toEqual({ pops: 3, pushes: 1 });
    expect(effect('CALL', 0, -1, 1, -1)).toEqual({ pops: 1, pushes: 1 });
    expect(effect('WRITE', 1, 1)).toEqual({ pops: 2, pushes: 0 });
    expect(effect('WRITE', 1, 0)).toEqual({ pops: 1, pushes: 0 });
    expect(effect('EXIT', 0)).toEqual({ pops: 0, pushes: 0 });
    expect(effect('DUP')).toEqual({ pops: 1, pushes: 2 });
    expect(stackEffect([9999], constants)).toBeUndefined();
  });
});
