import { describe, expect, it } from 'vitest';
import { agent, found, workflow } from './helpers.js';

const artifacts = [{ name: 'report' }];

describe('self-verification', () => {
  it('reports a task verified by its owner', () => {
    const ast = workflow({ artifacts, agents: [agent('writer')], tasks: [{ name: 't', owner: 'writer', produces: ['report'], verify: { agent: 'writer' } }] });
    expect(found(ast, 'self-verification')).toEqual([
      { severity: 'error', pointer: '/tasks/0/verify/agent', message: 'task "t" is verified by its own owner "writer"', hints: [] },
    ]);
  });

  it('reports a verifier of the owner\'s lineage, with a hint at the lineage root', () => {
    const ast = workflow({
      artifacts,
      agents: [agent('base'), agent('writer', { extends: 'base' }), agent('critic', { extends: 'base' })],
      tasks: [{ name: 't', owner: 'writer', produces: ['report'], verify: { agent: 'critic' } }],
    });
    expect(found(ast, 'self-verification')).toEqual([
      {
        severity: 'error',
        pointer: '/tasks/0/verify/agent',
        message: 'task "t" is verified by "critic", of the same lineage as its owner "writer" (both derive from "base")',
        hints: [{ message: 'the lineage starts here', pointer: '/agents/0/name' }],
      },
    ]);
  });

  it('accepts a verifier of another lineage', () => {
    const ast = workflow({ artifacts, agents: [agent('writer'), agent('critic')], tasks: [{ name: 't', owner: 'writer', produces: ['report'], verify: { agent: 'critic' } }] });
    expect(found(ast, 'self-verification')).toEqual([]);
  });
});

describe('missing-verification', () => {
  it('warns about a task that produces artifacts without a verification', () => {
    const ast = workflow({ artifacts, agents: [agent('writer')], tasks: [{ name: 't', owner: 'writer', produces: ['report'] }] });
    expect(found(ast, 'missing-verification')).toEqual([expect.objectContaining({ severity: 'warning', pointer: '/tasks/0/name', message: expect.stringContaining('task "t" produces artifacts but declares no verification') })]);
  });

  it('is quiet for a verified task or one that produces nothing', () => {
    const ast = workflow({
      artifacts,
      tools: [{ name: 'check', argv: ['check'] }],
      agents: [agent('writer')],
      tasks: [{ name: 'a', owner: 'writer', produces: ['report'], verify: { tool: 'check' } }, { name: 'b', owner: 'writer' }],
    });
    expect(found(ast, 'missing-verification')).toEqual([]);
  });
});
