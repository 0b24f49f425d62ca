import { describe, expect, it } from 'vitest';
import { agent, found, workflow } from './helpers.js';

describe('ask-outside-agent', () => {
  it('reports ask in main', () => {
    expect(found(workflow({ main: [{ kind: 'ask', prompt: 'hi' }] }), 'ask-outside-agent')).toEqual([
      expect.objectContaining({ severity: 'error', pointer: '/main/body/0', message: expect.stringContaining('`ask` in main') }),
    ]);
  });

  it('reports ask in a parallel branch of main', () => {
    const ast = workflow({ main: [{ kind: 'parallel', branches: [{ body: [{ kind: 'ask', prompt: 'hi', let: 'x' }] }] }] });
    expect(found(ast, 'ask-outside-agent').map((d) => [d.pointer, d.message.slice(0, 36)])).toEqual([['/main/body/0/branches/0/body/0', '`ask` in a parallel branch of main: ']]);
  });

  it('accepts ask in an agent program, parallel branches included', () => {
    const ast = workflow({ agents: [agent('a', { program: [{ kind: 'ask', prompt: 'hi' }, { kind: 'parallel', branches: [{ body: [{ kind: 'ask', prompt: 'x' }] }] }] })] });
    expect(found(ast, 'ask-outside-agent')).toEqual([]);
  });
});
