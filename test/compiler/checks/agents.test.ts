import { describe, expect, it } from 'vitest';
import { buildAgentGraph } from '../../../src/compiler/checks/agents.js';
import { buildSymbolIndex } from '../../../src/compiler/checks/symbols.js';
import type { Workflow } from '../../../src/generated/workflow.js';
import { workflow } from './helpers.js';

function graph(ast: Workflow) {
  return buildAgentGraph(ast, buildSymbolIndex(ast));
}

describe('agents after extends', () => {
  const ast = workflow({
    agents: [
      { name: 'base', model: 'm', tools: ['t'], caps: { spawn: ['x'], topics: ['a.*'] }, budget: { turns: 3, tokens: 100, time: 1000 }, promptFile: 'p.md' },
      { name: 'mid', extends: 'base', caps: { spawn: ['y'] }, budget: { time: 50 } },
      { name: 'leaf', extends: 'mid', prompt: 'inline', tools: ['u'] },
    ],
  });
  const { effective, parent, cycles } = graph(ast);

  it('inherits undeclared properties from the whole chain', () => {
    const leaf = effective[2];
    expect(leaf?.config.model).toBe('m');
    expect(leaf?.config.tools).toEqual(['u']);
    expect(parent).toEqual([-1, 0, 1]);
    expect(cycles).toEqual([]);
  });

  it('merges caps and budget key by key', () => {
    expect(effective[2]?.caps).toEqual({ spawn: ['y'], topics: ['a.*'] });
    expect(effective[2]?.budget).toEqual({ turns: 3, tokens: 100, time: 50 });
  });

  it('treats prompt and promptFile as one property', () => {
    expect(effective[2]?.config.prompt).toBe('inline');
    expect(effective[2]?.config.promptFile).toBeUndefined();
    expect(effective[1]?.config.promptFile).toBe('p.md');
  });

  it('records where each inherited value is declared', () => {
    expect(effective[2]?.origin.get('caps/topics')).toBe('/agents/0/caps/topics');
    expect(effective[2]?.origin.get('caps/spawn')).toBe('/agents/1/caps/spawn');
    expect(effective[2]?.origin.get('budget/time')).toBe('/agents/1/budget/time');
    expect(effective[2]?.origin.get('prompt')).toBe('/agents/2/prompt');
  });

  it('gives every agent of a chain the root as lineage', () => {
    expect(effective.map((a) => a.lineage)).toEqual([0, 0, 0]);
  });
});

describe('extends cycles', () => {
  it('finds each cycle once, starting at its smallest member, and still resolves every agent', () => {
    const ast = workflow({
      agents: [
        { name: 'free' },
        { name: 'b', extends: 'c' },
        { name: 'c', extends: 'b', model: 'mc' },
        { name: 'd', extends: 'c' },
        { name: 'self', extends: 'self' },
      ],
    });
    const { cycles, effective } = graph(ast);
    expect(cycles).toEqual([[1, 2], [4]]);
    expect(effective.map((a) => a.name)).toEqual(['free', 'b', 'c', 'd', 'self']);
    // The edge closing the cycle (into its smallest member, b) is dropped: c becomes the root.
    expect(effective[1]?.config.model).toBe('mc');
    expect(effective[3]?.config.model).toBe('mc');
    expect(effective.map((a) => a.lineage)).toEqual([0, 2, 2, 2, 4]);
  });

  it('ignores an extends of an undeclared agent', () => {
    const { parent, effective } = graph(workflow({ agents: [{ name: 'a', extends: 'ghost' }] }));
    expect(parent).toEqual([-1]);
    expect(effective[0]?.lineage).toBe(0);
  });
});
