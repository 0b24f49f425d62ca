// Expressions: variable references with fields, comparisons, short-circuit and/or that yield
// booleans, and compile-time folding of every expression that reads no variable.
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/generated/workflow.js';
import { compile, cmp, ops, ref, workflow } from './emit-helpers.js';

/** The listing of `let v = null` then `exit <expr>`, without the first two instructions (offsets still count them). */
function exitWith(value: Expr): string[] {
  return ops(compile(workflow([{ kind: 'let', name: 'v', value: null }, { kind: 'exit', value }]))).slice(2);
}

describe('expressions', () => {
  it('a reference loads its variable, then reads one field per name', () => {
    expect(exitWith(ref('v', 'result', 'score'))).toEqual(['LOAD 1 (v)', 'FIELD #2 "result"', 'FIELD #3 "score"', 'EXIT 1']);
  });

  it('each comparison has its opcode, left operand pushed first', () => {
    const opcodes = (['==', '!=', '<', '<=', '>', '>='] as const).map((op) => exitWith(cmp(op, ref('v'), 1)));
    for (const listing of opcodes) expect(listing.slice(0, 2)).toEqual(['LOAD 1 (v)', 'CONST #2 1']);
    expect(opcodes.map((listing) => listing[2])).toEqual(['EQ', 'NE', 'LT', 'LE', 'GT', 'GE']);
  });

  it('and short-circuits on the first falsy operand and yields a boolean', () => {
    expect(exitWith({ kind: 'and', args: [ref('v', 'a'), ref('v', 'b'), ref('v', 'c')] })).toEqual([
      'LOAD 1 (v)',
      'FIELD #2 "a"',
      'DUP',
      'JUMP_IF_FALSE -> 0014',
      'POP',
      'LOAD 1 (v)',
      'FIELD #3 "b"',
      'DUP',
      'JUMP_IF_FALSE -> 0014',
      'POP',
      'LOAD 1 (v)',
      'FIELD #4 "c"',
      'TRUTHY',
      'EXIT 1',
    ]);
  });

  it('or short-circuits on the first truthy operand', () => {
    expect(exitWith({ kind: 'or', args: [ref('v'), 'fallback'] })).toEqual([
      'LOAD 1 (v)',
      'DUP',
      'JUMP_IF_TRUE -> 0007',
      'POP',
      'CONST #2 "fallback"',
      'TRUTHY',
      'EXIT 1',
    ]);
  });

  it('not, lists and objects of non-constant parts are built on the stack', () => {
    expect(exitWith({ kind: 'not', arg: ref('v') })).toEqual(['LOAD 1 (v)', 'NOT', 'EXIT 1']);
    expect(exitWith({ kind: 'list', items: [1, ref('v')] })).toEqual(['CONST #2 1', 'LOAD 1 (v)', 'LIST 2', 'EXIT 1']);
    expect(
      exitWith({
        kind: 'object',
        fields: [
          { key: 'k', value: ref('v') },
          { key: 'n', value: 2 },
        ],
      }),
    ).toEqual(['LOAD 1 (v)', 'CONST #2 2', 'OBJECT #3 ["k","n"]', 'EXIT 1']);
  });

  it('an expression that reads no variable is folded to one constant', () => {
    const nested: Expr = {
      kind: 'object',
      fields: [
        { key: 'list', value: { kind: 'list', items: [1, 'two', null] } },
        { key: 'ok', value: { kind: 'and', args: [cmp('<', 'a', 'b'), { kind: 'not', arg: 0 }] } },
        { key: 'either', value: { kind: 'or', args: [false, ''] } },
        { key: 'same', value: cmp('==', { kind: 'object', fields: [{ key: 'x', value: 1 }] }, { kind: 'object', fields: [{ key: 'x', value: 1 }] }) },
      ],
    };
    const bytecode = compile(workflow([{ kind: 'exit', value: nested }]));
    expect(ops(bytecode)).toEqual(['CONST #1 {"list":[1,"two",null],"ok":true,"eithe…', 'EXIT 1']);
    expect(bytecode.code.constants[1]).toEqual({ list: [1, 'two', null], ok: true, either: false, same: true });
  });

  it('folds a "__proto__" key as a plain key', () => {
    const bytecode = compile(workflow([{ kind: 'exit', value: { kind: 'object', fields: [{ key: '__proto__', value: 1 }] } }]));
    expect(JSON.stringify(bytecode.code.constants[1])).toBe('{"__proto__":1}');
  });

  it('a reference to no variable in scope reads null rather than failing', () => {
    expect(exitWith(ref('missing', 'field'))).toEqual(['CONST #1 null', 'FIELD #2 "field"', 'EXIT 1']);
  });
});
