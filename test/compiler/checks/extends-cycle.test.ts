import { describe, expect, it } from 'vitest';
import { agent, found, workflow } from './helpers.js';

describe('extends-cycle', () => {
  it('reports a cycle once, at the extends of its first-declared member', () => {
    const ast = workflow({ agents: [agent('free'), agent('b', { extends: 'c' }), agent('c', { extends: 'd' }), agent('d', { extends: 'b' })] });
    expect(found(ast, 'extends-cycle')).toEqual([
      { severity: 'error', pointer: '/agents/1/extends', message: 'agents extend each other in a cycle: "b" → "c" → "d" → "b"', hints: [] },
    ]);
  });

  it('reports an agent extending itself', () => {
    const ast = workflow({ agents: [agent('me', { extends: 'me' })] });
    expect(found(ast, 'extends-cycle').map((d) => [d.pointer, d.message])).toEqual([['/agents/0/extends', 'agent "me" extends itself']]);
  });

  it('reports nothing for a chain', () => {
    const ast = workflow({ agents: [agent('a'), agent('b', { extends: 'a' }), agent('c', { extends: 'b' })] });
    expect(found(ast, 'extends-cycle')).toEqual([]);
  });
});
