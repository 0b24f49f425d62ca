// The reader accepts what the emitter writes and refuses, with a BytecodeFormatError naming
// the check, anything else: bad JSON, another format or version, a shape outside the schema,
// a code hash that does not match, or code the kernel could not run safely.
import { describe, expect, it } from 'vitest';
import { readBytecode, BytecodeFormatError, type BytecodeFormatProblem } from '../../src/bytecode/reader.js';
import { codeHash } from '../../src/bytecode/hash.js';
import { Op } from '../../src/bytecode/opcodes.js';
import type { Bytecode } from '../../src/bytecode/format.js';
import { compile, ref, workflow } from '../compiler/emit-helpers.js';

const GOOD = compile(
  workflow([
    { kind: 'let', name: 'x', value: 1 },
    { kind: 'if', cond: ref('x'), then: [{ kind: 'exit', value: ref('x') }] },
  ]),
);

/**
 * A copy of GOOD changed by edit, with its code hash recomputed (unless keepHash) and one source
 * position per instruction again (unless keepDebug), so only the edit itself is wrong.
 */
function variant(edit: (b: Bytecode) => void, { keepHash = false, keepDebug = false } = {}): string {
  const copy = structuredClone(GOOD);
  edit(copy);
  if (!keepDebug) copy.debug.procedures = copy.code.procedures.map((p) => ({ lines: p.code.map((): [number, number] => [0, 0]) }));
  if (!keepHash) copy.codeHash = codeHash(copy.code);
  return JSON.stringify(copy);
}

function refusal(text: string): { problem: BytecodeFormatProblem; message: string } {
  try {
    readBytecode(text);
  } catch (e) {
    expect(e).toBeInstanceOf(BytecodeFormatError);
    const error = e as BytecodeFormatError;
    expect(error.name).toBe('BytecodeFormatError');
    return { problem: error.problem, message: error.message };
  }
  throw new Error('the reader accepted it');
}

function mainCode(b: Bytecode): number[][] {
  return (b.code.procedures[0] as { code: number[][] }).code;
}

describe('readBytecode', () => {
  it('reads back what the emitter wrote', () => {
    expect(readBytecode(JSON.stringify(GOOD))).toEqual(GOOD);
  });

  it('refuses text that is not JSON', () => {
    expect(refusal('{"format":')).toMatchObject({ problem: 'json', message: expect.stringContaining('not valid JSON') });
  });

  it('refuses another format', () => {
    expect(refusal(variant((b) => Object.assign(b, { format: 'other' })))).toEqual({
      problem: 'format',
      message: 'not AOS bytecode: format is "other", expected "aos-bytecode"',
    });
    expect(refusal('[1]').problem).toBe('format');
  });

  it('refuses another version, naming both', () => {
    expect(refusal(variant((b) => Object.assign(b, { version: 2 })))).toEqual({
      problem: 'version',
      message: 'bytecode format version 2 is not supported: this reader reads version 1',
    });
  });

  it('refuses a document outside the schema, naming where', () => {
    const { problem, message } = refusal(variant((b) => Object.assign(b.code.procedures[0] as object, { kind: 'thread' })));
    expect(problem).toBe('schema');
    expect(message).toContain('/code/procedures/0/kind');
  });

  it('refuses a code hash that does not match the code', () => {
    const edited = variant((b) => (mainCode(b)[0] as number[]).splice(1, 1, 0), { keepHash: true });
    const { problem, message } = refusal(edited);
    expect(problem).toBe('hash');
    expect(message).toContain(`the document records ${GOOD.codeHash}`);
  });

  it('is not affected by the debug section, which the hash does not cover', () => {
    const moved = variant((b) => (b.debug.procedures[0]?.lines ?? []).forEach((p) => p.splice(0, 2, 9, 9)), { keepHash: true, keepDebug: true });
    expect(readBytecode(moved).codeHash).toBe(GOOD.codeHash);
  });

  describe('refuses structurally unsafe code', () => {
    const cases: [string, (b: Bytecode) => void, string, { keepDebug?: boolean }?][] = [
      ['an unknown opcode', (b) => mainCode(b).splice(0, 1, [999]), 'unknown opcode 999'],
      ['a wrong operand count', (b) => mainCode(b).splice(0, 1, [Op.CONST]), 'CONST takes 1 operands, not 0'],
      ['a constant index out of range', (b) => mainCode(b).splice(0, 1, [Op.CONST, 99]), 'CONST operand 1 (const) is out of range: 99'],
      ['a jump out of the code', (b) => (mainCode(b)[3] as number[]).splice(1, 1, 50), 'JUMP_IF_FALSE operand 1 (target) is out of range: 50'],
      ['a slot out of range', (b) => (mainCode(b)[1] as number[]).splice(1, 1, 7), 'STORE operand 1 (slot) is out of range: 7'],
      ['a constant of the wrong kind', (b) => mainCode(b).splice(0, 0, [Op.READ, 0]), 'READ needs a constant holding a string'],
      ['a stack underflow', (b) => mainCode(b).splice(0, 0, [Op.POP]), 'pops 1 values from a stack of 0'],
      ['a path off the end', (b) => mainCode(b).splice(-1, 1, [Op.NOP]), 'instruction 6 can run off the end of the code'],
      ['a debug section of the wrong length', (b) => b.debug.procedures[0]?.lines.pop(), 'source positions for', { keepDebug: true }],
      ['an entry that is not main', (b) => Object.assign(b.code, { entry: 5 }), 'entry: index 5 is not in procedures'],
    ];
    for (const [what, edit, message, options] of cases) {
      it(what, () => {
        const refused = refusal(variant(edit, options));
        expect(refused.problem).toBe('structure');
        expect(refused.message).toContain(message);
      });
    }

    it('inconsistent stack depths where paths meet', () => {
      const text = variant((b) => mainCode(b).splice(0, Infinity, [Op.CONST, 0], [Op.JUMP_IF_FALSE, 3], [Op.CONST, 0], [Op.EXIT, 0]));
      expect(refusal(text).message).toContain('instruction 3 is reached with stack depths 0 and 1');
    });
  });
});
