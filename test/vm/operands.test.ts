// The typed operand readers. The opcode table decides at compile time which position a reader may
// read (tsc checks the @ts-expect-error lines below); at run time a reader converts the "none" of
// -1 to null where asked, and asserts a constant's kind and a signal's name.
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/bytecode/errors.js';
import type { Instruction } from '../../src/bytecode/format.js';
import type { JsonValue } from '../../src/bytecode/json.js';
import { Op } from '../../src/bytecode/opcodes.js';
import {
  agentOperand,
  artifactOperand,
  constantOperand,
  countOperand,
  flagOperand,
  indexesOperand,
  msOperand,
  optionalArtifactOperand,
  optionalMsOperand,
  optionalTaskOperand,
  signalOperand,
  slotOperand,
  stringOperand,
  stringsOperand,
  taskOperand,
  targetOperand,
  toolOperand,
} from '../../src/vm/operands.js';

const CONSTANTS: readonly JsonValue[] = ['topic', ['a', 'b'], [1, 2], 7];

describe('operand readers', () => {
  it('read each shape at its position', () => {
    expect(slotOperand([Op.LOAD, 3], 'LOAD', 1)).toBe(3);
    expect(targetOperand([Op.JUMP, 12], 'JUMP', 1)).toBe(12);
    expect(countOperand([Op.LIST, 0], 'LIST', 1)).toBe(0);
    expect(flagOperand([Op.EXIT, 1], 'EXIT', 1)).toBe(true);
    expect(flagOperand([Op.EXIT, 0], 'EXIT', 1)).toBe(false);
    expect(signalOperand([Op.SIGNAL, 3], 'SIGNAL', 1)).toBe('cancel');
    expect(msOperand([Op.SLEEP, 250], 'SLEEP', 1)).toBe(250);
    expect(agentOperand([Op.SPAWN, 2, -1, 0], 'SPAWN', 1)).toBe(2);
    expect(taskOperand([Op.VERIFY, 5, 0], 'VERIFY', 1)).toBe(5);
    expect(toolOperand([Op.EXEC, -1, 1], 'EXEC', 1)).toBe(-1);
    expect(artifactOperand([Op.ATTACH, 0], 'ATTACH', 1)).toBe(0);
  });

  it('give null for an operand that names no timeout, TTL or table row', () => {
    const call: Instruction = [Op.CALL, 0, -1, 0, -1];
    expect(optionalTaskOperand(call, 'CALL', 2)).toBeNull();
    expect(optionalMsOperand(call, 'CALL', 4)).toBeNull();
    expect(optionalMsOperand([Op.ACQUIRE, 0, 0, 500], 'ACQUIRE', 2)).toBe(0);
    expect(optionalMsOperand([Op.ACQUIRE, 0, 0, 500], 'ACQUIRE', 3)).toBe(500);
    expect(optionalArtifactOperand([Op.ASK, 0, 4, 0], 'ASK', 2)).toBe(4);
    expect(optionalArtifactOperand([Op.ASK, 0, -1, 0], 'ASK', 2)).toBeNull();
  });

  it('read constants by their kind', () => {
    expect(constantOperand(CONSTANTS, [Op.CONST, 3], 'CONST', 1)).toBe(7);
    expect(stringOperand(CONSTANTS, [Op.PUBLISH, 0], 'PUBLISH', 1)).toBe('topic');
    expect(stringsOperand(CONSTANTS, [Op.OBJECT, 1], 'OBJECT', 1)).toEqual(['a', 'b']);
    expect(indexesOperand(CONSTANTS, [Op.PARALLEL, 2], 'PARALLEL', 1)).toEqual([1, 2]);
  });

  it('refuse an unknown signal or a constant of the wrong kind as a broken invariant', () => {
    expect(() => stringOperand(CONSTANTS, [Op.FIELD, 3], 'FIELD', 1)).toThrow(InvariantError);
    expect(() => stringOperand(CONSTANTS, [Op.FIELD, 3], 'FIELD', 1)).toThrow(/^invariant broken: FIELD operand 1 names a constant that is not a string$/);
    expect(() => signalOperand([Op.SIGNAL, 9], 'SIGNAL', 1)).toThrow(/SIGNAL names no signal 9/);
    expect(() => stringOperand(CONSTANTS, [Op.PUBLISH, 1], 'PUBLISH', 1)).toThrow(/PUBLISH operand 1 names a constant that is not a string/);
    expect(() => stringsOperand(CONSTANTS, [Op.OBJECT, 0], 'OBJECT', 1)).toThrow(/OBJECT operand 1 names a constant that is not a list/);
  });

  it('admit only the positions the opcode table gives the shape read', () => {
    const call: Instruction = [Op.CALL, 0, -1, 1, 250];
    // The readers do not look at the table at run time: these calls run, and read what is there.
    // @ts-expect-error CONST's operand is a constant, not a slot
    expect(slotOperand([Op.CONST, 3], 'CONST', 1)).toBe(3);
    // @ts-expect-error CALL's flag is at 3; at 4 is its timeout
    expect(flagOperand(call, 'CALL', 4)).toBe(false);
    // @ts-expect-error LIST has one operand
    expect(countOperand([Op.LIST, 1, 2], 'LIST', 2)).toBe(2);
    // @ts-expect-error ACQUIRE's TTL and timeout are at 2 and 3
    expect(msOperand([Op.ACQUIRE, 0, 10, 20], 'ACQUIRE', 1)).toBe(0);
    // @ts-expect-error SPAWN names its task at 2, its agent at 1
    expect(taskOperand(call, 'SPAWN', 1)).toBe(0);
    // @ts-expect-error at 1, SPAWN names an agent but EXEC a tool: a read for both must fit each
    expect(agentOperand(call, 'SPAWN' as 'SPAWN' | 'EXEC', 1)).toBe(0);
    expect(agentOperand(call, 'SPAWN' as 'SPAWN' | 'CALL', 1)).toBe(0);
  });
});
