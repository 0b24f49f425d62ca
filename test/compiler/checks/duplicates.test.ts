import { describe, expect, it } from 'vitest';
import { agent, found, workflow } from './helpers.js';

describe('duplicate-name', () => {
  it('reports the second declaration of a name, with a hint at the first', () => {
    const ast = workflow({ agents: [agent('a'), agent('b'), agent('a')] });
    expect(found(ast, 'duplicate-name')).toEqual([
      { severity: 'error', pointer: '/agents/2/name', message: 'agent "a" is already declared', hints: [{ message: 'the first one is here', pointer: '/agents/0/name' }] },
    ]);
  });

  it('keeps declaration kinds apart', () => {
    const ast = workflow({ models: [{ name: 'x', id: 'm' }], agents: [agent('x')], retries: [{ name: 'r', attempts: 1 }, { name: 'r', attempts: 2 }] });
    expect(found(ast, 'duplicate-name').map((d) => [d.pointer, d.message])).toEqual([['/retries/1/name', 'retry policy "r" is already declared']]);
  });

  it('reports two lets of one name in one block, including a value statement\'s let', () => {
    const ast = workflow({
      main: [
        { kind: 'let', name: 'x', value: 1 },
        { kind: 'read', path: '/a', let: 'x' },
      ],
    });
    expect(found(ast, 'duplicate-name')).toEqual([
      expect.objectContaining({ pointer: '/main/body/1/let', message: 'variable "x" is already declared in this block', hints: [{ message: 'the first one is here', pointer: '/main/body/0/name' }] }),
    ]);
  });

  it('allows a let in a nested block to shadow an outer one', () => {
    const ast = workflow({ main: [{ kind: 'let', name: 'x', value: 1 }, { kind: 'if', cond: true, then: [{ kind: 'let', name: 'x', value: 2 }] }] });
    expect(found(ast, 'duplicate-name')).toEqual([]);
  });

  it('reports two params of one tool and two arguments of one name', () => {
    const ast = workflow({
      tools: [{ name: 't', argv: ['run'], params: [{ name: 'p', type: 'int' }, { name: 'p', type: 'string' }] }],
      main: [{ kind: 'exec', tool: 't', args: [{ name: 'p', value: 1 }, { name: 'p', value: 2 }] }],
    });
    expect(found(ast, 'duplicate-name').map((d) => [d.pointer, d.message])).toEqual([
      ['/tools/0/params/1/name', 'tool "t" declares param "p" twice'],
      ['/main/body/0/args/1/name', 'argument "p" is given twice'],
    ]);
  });

  it('reports nothing when every name is distinct', () => {
    const ast = workflow({ agents: [agent('a'), agent('b')], main: [{ kind: 'let', name: 'x', value: 1 }, { kind: 'let', name: 'y', value: 2 }] });
    expect(found(ast, 'duplicate-name')).toEqual([]);
  });
});
