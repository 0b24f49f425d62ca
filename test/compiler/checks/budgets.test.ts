import { describe, expect, it } from 'vitest';
import { agent, found, workflow } from './helpers.js';

describe('budget-missing', () => {
  it('reports an agent without a budget at its name', () => {
    expect(found(workflow({ agents: [{ name: 'a' }] }), 'budget-missing')).toEqual([
      { severity: 'error', pointer: '/agents/0/name', message: 'agent "a" has no budget; give it `budget { turns … tokens … time … }`', hints: [] },
    ]);
  });

  it('reports the figures a declared budget lacks, at the budget', () => {
    const ast = workflow({ agents: [{ name: 'a', budget: { turns: 1, time: 5 } }, { name: 'b', budget: { turns: 1 } }] });
    expect(found(ast, 'budget-missing').map((d) => [d.pointer, d.message])).toEqual([
      ['/agents/0/budget', 'agent "a"\'s budget has no tokens'],
      ['/agents/1/budget', 'agent "b"\'s budget has no tokens and time'],
    ]);
  });

  it('counts what an agent inherits through extends, figure by figure', () => {
    const ast = workflow({ agents: [agent('base'), { name: 'a', extends: 'base' }, { name: 'b', extends: 'base', budget: { time: 5 } }, { name: 'c', extends: 'half' }, { name: 'half', budget: { turns: 1 } }] });
    expect(found(ast, 'budget-missing').map((d) => [d.pointer, d.message])).toEqual([
      ['/agents/3/name', 'agent "c"\'s budget has no tokens and time'],
      ['/agents/4/budget', 'agent "half"\'s budget has no tokens and time'],
    ]);
  });

  it('skips agents whose extends chain runs into a cycle', () => {
    const ast = workflow({ agents: [agent('a', { extends: 'b' }), { name: 'b', extends: 'a' }, { name: 'c', extends: 'b' }, { name: 'd' }] });
    expect(found(ast, 'budget-missing').map((d) => d.pointer)).toEqual(['/agents/3/name']);
  });
});
