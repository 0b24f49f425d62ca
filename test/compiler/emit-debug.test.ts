// The debug section holds one [line, col] per instruction: the start of the statement the
// instruction came from (its expressions included), or of the block for an implicit EXIT.
import { describe, expect, it } from 'vitest';
import { SourceMap } from '../../src/compiler/source-map.js';
import { compile, ref, sourceMapAt, workflow } from './emit-helpers.js';

describe('debug positions', () => {
  const ast = workflow([
    { kind: 'let', name: 'x', value: ref('input') },
    { kind: 'if', cond: { kind: 'cmp', op: '>', left: ref('x'), right: 1 }, then: [{ kind: 'sleep', duration: 5 }] },
  ]);
  const mapWith = (spans: Record<string, [number, number]>): SourceMap => sourceMapAt('flow.aos', spans, ast);

  it('each instruction takes the position of the node it was lowered from', () => {
    const map = mapWith({
      '/main/body': [2, 6],
      '/main/body/0': [3, 3],
      '/main/body/0/value': [3, 11],
      '/main/body/1': [4, 3],
      '/main/body/1/cond': [4, 6],
      '/main/body/1/cond/left': [4, 6],
      '/main/body/1/cond/right': [4, 10],
      '/main/body/1/then/0': [4, 14],
    });
    const bytecode = compile(ast, new Map(), map);
    expect(bytecode.debug.file).toBe('flow.aos');
    expect(bytecode.debug.procedures[0]?.lines).toEqual([
      [3, 3], // CONST null (the unresolved `input`)
      [3, 3], // STORE x
      [4, 3], // LOAD x
      [4, 3], // CONST 1
      [4, 3], // GT
      [4, 3], // JUMP_IF_FALSE
      [4, 14], // SLEEP
      [2, 6], // the implicit EXIT 0: the body
    ]);
  });

  it('a statement without a recorded position gives [0, 0], as does a map with none at all', () => {
    const partial = compile(ast, new Map(), mapWith({ '/main/body/1': [4, 3] })).debug.procedures[0]?.lines;
    expect(partial?.slice(0, 3)).toEqual([[0, 0], [0, 0], [4, 3]]);
    const none = compile(ast).debug.procedures[0]?.lines;
    expect(none?.every(([line, col]) => line === 0 && col === 0)).toBe(true);
  });

  it('has one position per instruction in every procedure', () => {
    const bytecode = compile(
      workflow([{ kind: 'parallel', branches: [{ body: [{ kind: 'sleep', duration: 1 }] }, { body: [] }] }], {
        agents: [{ name: 'a', program: [{ kind: 'recv', let: 'm' }] }],
      }),
    );
    expect(bytecode.debug.procedures.map((p) => p.lines.length)).toEqual(bytecode.code.procedures.map((p) => p.code.length));
  });
});
