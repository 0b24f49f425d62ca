import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../src/generated/workflow.js';
import { agent, found, workflow } from './helpers.js';

const ref = (...path: [string, ...string[]]): Expr => ({ kind: 'ref', path });

describe('unknown-variable', () => {
  it('reports a variable read before any declaration, with a hint at the one meant', () => {
    const ast = workflow({ main: [{ kind: 'let', name: 'count', value: 1 }, { kind: 'exit', value: ref('cuont', 'x') }] });
    expect(found(ast, 'unknown-variable')).toEqual([
      { severity: 'error', pointer: '/main/body/1/value/path/0', message: 'variable "cuont" is not in scope', hints: [{ message: 'did you mean "count"?', pointer: '/main/body/0/name' }] },
    ]);
  });

  it('reports a let used outside its block', () => {
    const ast = workflow({ main: [{ kind: 'if', cond: true, then: [{ kind: 'let', name: 'x', value: 1 }] }, { kind: 'exit', value: ref('x') }] });
    expect(found(ast, 'unknown-variable').map((d) => d.pointer)).toEqual(['/main/body/1/value/path/0']);
  });

  it('reports a set of an undeclared variable, in both forms', () => {
    const ast = workflow({ main: [{ kind: 'set', name: 'x', value: 1 }, { kind: 'read', path: '/a', set: 'y' }] });
    expect(found(ast, 'unknown-variable').map((d) => [d.pointer, d.message])).toEqual([
      ['/main/body/0/name', 'variable "x" is not in scope'],
      ['/main/body/1/set', 'variable "y" is not in scope'],
    ]);
  });

  it('reports a target that is no variable and no agent, hinting at agents too', () => {
    const ast = workflow({ agents: [agent('writer')], main: [{ kind: 'send', to: 'writter', value: 1 }] });
    expect(found(ast, 'unknown-variable')).toEqual([
      {
        severity: 'error',
        pointer: '/main/body/0/to',
        message: '"writter" is not a variable in scope or a declared agent',
        hints: [{ message: 'did you mean "writer"?', pointer: '/agents/0/name' }],
      },
    ]);
  });

  it('reports `parent` in main, and accepts it in an agent program', () => {
    const ast = workflow({
      agents: [agent('w', { program: [{ kind: 'send', to: 'parent', value: 1 }, { kind: 'recv', from: 'parent', timeout: 5 }] })],
      main: [{ kind: 'await', target: 'parent', timeout: 5 }],
    });
    expect(found(ast, 'unknown-variable').map((d) => [d.pointer, d.message])).toEqual([['/main/body/0/target', 'main has no parent: "parent" is for agent programs']]);
  });

  it('reports an unknown lease variable in renew, release and write', () => {
    const ast = workflow({
      main: [
        { kind: 'acquire', resource: 'db', let: 'lease', timeout: 5 },
        { kind: 'renew', lease: 'lese' },
        { kind: 'release', lease: 'lock' },
        { kind: 'write', path: '/a', value: 1, lease: 'x' },
      ],
    });
    const ds = found(ast, 'unknown-variable');
    expect(ds.map((d) => d.pointer)).toEqual(['/main/body/1/lease', '/main/body/2/lease', '/main/body/3/lease']);
    expect(ds[0]?.hints).toEqual([{ message: 'did you mean "lease"?', pointer: '/main/body/0/let' }]);
  });

  it('reports nothing when every name resolves', () => {
    const ast = workflow({
      agents: [agent('w')],
      main: [
        { kind: 'spawn', agent: 'w', let: 'child' },
        { kind: 'send', to: 'child', value: ref('input') },
        { kind: 'send', to: 'w', value: 1 },
        { kind: 'loop', as: 'i', max: 3, until: { kind: 'cmp', op: '>', left: ref('i'), right: 2 }, body: [{ kind: 'set', name: 'child', value: ref('i') }] },
        { kind: 'await', target: 'child', timeout: 10 },
      ],
    });
    expect(found(ast, 'unknown-variable')).toEqual([]);
  });
});
