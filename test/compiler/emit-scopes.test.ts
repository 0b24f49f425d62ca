// Variables live in numbered slots with lexical block scopes: `let` declares in the current
// block, `set` assigns the nearest enclosing declaration, and a parallel branch captures the
// enclosing variables it uses by value and lists the ones it `set`s for write-back.
import { describe, expect, it } from 'vitest';
import { compile, ops, ref, workflow } from './emit-helpers.js';

describe('block scopes and slots', () => {
  it('a let in a nested block shadows, and set assigns the nearest declaration', () => {
    const bytecode = compile(
      workflow([
        { kind: 'let', name: 'x', value: 1 },
        { kind: 'if', cond: ref('x'), then: [{ kind: 'let', name: 'x', value: 2 }, { kind: 'set', name: 'x', value: 3 }] },
        { kind: 'set', name: 'x', value: 4 },
        { kind: 'exit', value: ref('x') },
      ]),
    );
    expect(ops(bytecode)).toEqual([
      'CONST #1 1',
      'STORE 1 (x)',
      'LOAD 1 (x)',
      'JUMP_IF_FALSE -> 0008',
      'CONST #2 2',
      'STORE 2 (x)',
      'CONST #3 3',
      'STORE 2 (x)',
      'CONST #4 4',
      'STORE 1 (x)',
      'LOAD 1 (x)',
      'EXIT 1',
    ]);
    expect(bytecode.code.procedures[0]?.slotNames).toEqual(['input', 'x', 'x']);
  });

  it("a block's variables go out of scope at its end", () => {
    const bytecode = compile(
      workflow([
        { kind: 'let', name: 'y', value: 'outer' },
        { kind: 'if', cond: true, then: [{ kind: 'let', name: 'y', value: 'inner' }] },
        { kind: 'exit', value: ref('y') },
      ]),
    );
    expect(ops(bytecode).slice(-2)).toEqual(['LOAD 1 (y)', 'EXIT 1']);
  });

  it("a let's value is evaluated before the new variable exists", () => {
    const bytecode = compile(workflow([{ kind: 'let', name: 'v', value: 1 }, { kind: 'if', cond: true, then: [{ kind: 'let', name: 'v', value: ref('v') }] }]));
    expect(ops(bytecode).slice(4, 6)).toEqual(['LOAD 1 (v)', 'STORE 2 (v)']);
  });

  it('the loop variable is scoped to the loop', () => {
    const bytecode = compile(
      workflow([
        { kind: 'let', name: 'i', value: 'before' },
        { kind: 'loop', as: 'i', max: 2, body: [{ kind: 'publish', topic: 't', value: ref('i') }] },
        { kind: 'exit', value: ref('i') },
      ]),
    );
    const listing = ops(bytecode);
    expect(listing).toContain('LOAD 3 (i)');
    expect(listing.slice(-2)).toEqual(['LOAD 1 (i)', 'EXIT 1']);
    expect(bytecode.code.procedures[0]?.slotNames).toEqual(['input', 'i', '$loop1', 'i']);
  });

  it('until sees the loop variable and enclosing variables, not the body', () => {
    const bytecode = compile(
      workflow([
        { kind: 'let', name: 'done', value: false },
        { kind: 'loop', as: 'n', max: 5, until: ref('done'), body: [{ kind: 'let', name: 'done', value: true }] },
      ]),
    );
    expect(ops(bytecode).slice(11)).toEqual(['CONST #4 true', 'STORE 4 (done)', 'LOAD 1 (done)', 'JUMP_IF_TRUE -> 0016', 'JUMP -> 0004', 'EXIT 0']);
  });

  it('main starts with the run input in slot 0', () => {
    const bytecode = compile(workflow([{ kind: 'exit', value: ref('input') }]));
    expect(bytecode.code.procedures[0]).toMatchObject({ kind: 'main', params: 1, slotNames: ['input'] });
    expect(ops(bytecode)).toEqual(['LOAD 0 (input)', 'EXIT 1']);
  });

  it('a statement with both let and set stores its result in both', () => {
    const bytecode = compile(workflow([{ kind: 'let', name: 'last', value: null }, { kind: 'recv', let: 'message', set: 'last' }]));
    expect(ops(bytecode).slice(2)).toEqual(['RECV 0 -', 'DUP', 'STORE 2 (message)', 'STORE 1 (last)', 'EXIT 0']);
  });

  it('a structured agent program starts with its input parameter in slot 0', () => {
    const bytecode = compile(
      workflow([], {
        agents: [{ name: 'coordinator', program: [{ kind: 'exit', value: ref('input', 'goal') }] }],
      }),
    );
    const procedure = bytecode.code.procedures[1];
    expect(procedure).toMatchObject({ name: 'coordinator', kind: 'agent', params: 1, slotNames: ['input'] });
    expect(ops(bytecode, 1)).toEqual(['LOAD 0 (input)', 'FIELD #0 "goal"', 'EXIT 1']);
    expect(bytecode.code.agents[0]?.procedure).toBe(1);
  });
});

describe('parallel branches', () => {
  it('capture the enclosing variables they read, by value, into slots of their own', () => {
    const bytecode = compile(
      workflow([
        { kind: 'let', name: 'a', value: 1 },
        { kind: 'let', name: 'b', value: 2 },
        { kind: 'parallel', branches: [{ body: [{ kind: 'publish', topic: 't', value: ref('b') }, { kind: 'publish', topic: 't', value: ref('b') }] }] },
      ]),
    );
    const branch = bytecode.code.procedures[1];
    expect(branch).toMatchObject({ kind: 'branch', slotNames: ['b'], captures: [[2, 0]], writes: [] });
    expect(ops(bytecode, 1)).toEqual(['LOAD 0 (b)', 'PUBLISH #4 "t"', 'LOAD 0 (b)', 'PUBLISH #4 "t"', 'EXIT 0']);
  });

  it('list the enclosing variables they set, for write-back', () => {
    const bytecode = compile(
      workflow([
        { kind: 'let', name: 'left', value: null },
        { kind: 'let', name: 'right', value: null },
        {
          kind: 'parallel',
          branches: [
            { body: [{ kind: 'call', agent: 'writer', set: 'left' }] },
            { body: [{ kind: 'let', name: 'local', value: 1 }, { kind: 'set', name: 'right', value: ref('local') }] },
          ],
        },
      ]),
    );
    expect(bytecode.code.procedures[1]).toMatchObject({ slotNames: ['left'], captures: [[1, 0]], writes: [[0, 1]] });
    expect(bytecode.code.procedures[2]).toMatchObject({ slotNames: ['local', 'right'], captures: [[2, 1]], writes: [[1, 2]] });
    expect(ops(bytecode, 2)).toEqual(['CONST #3 1', 'STORE 0 (local)', 'LOAD 0 (local)', 'STORE 1 (right)', 'EXIT 0']);
  });

  it('nested branches capture and write back through every enclosing branch', () => {
    const bytecode = compile(
      workflow([
        { kind: 'let', name: 'x', value: 0 },
        {
          kind: 'parallel',
          branches: [{ body: [{ kind: 'parallel', branches: [{ body: [{ kind: 'set', name: 'x', value: 1 }] }] }] }],
        },
      ]),
    );
    const [, outer, inner] = bytecode.code.procedures;
    expect(outer).toMatchObject({ name: 'main/branch1', captures: [[1, 0]], writes: [[0, 1]] });
    expect(inner).toMatchObject({ name: 'main/branch1/branch1', captures: [[0, 0]], writes: [[0, 0]] });
  });

  it('a variable declared after the parallel statement is not visible in its branches', () => {
    const bytecode = compile(
      workflow([
        { kind: 'parallel', branches: [{ body: [{ kind: 'exit', value: ref('later') }] }] },
        { kind: 'let', name: 'later', value: 1 },
      ]),
    );
    expect(bytecode.code.procedures[1]?.captures).toEqual([]);
  });
});
