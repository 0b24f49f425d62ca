import { describe, expect, it } from 'vitest';
import type { AgentDecl } from '../../../src/generated/workflow.js';
import { agent, call, found, workflow } from './helpers.js';

const tools = [
  { name: 't', argv: ['t'] as [string] },
  { name: 'u', argv: ['u'] as [string] },
];

/** A structured boss that calls worker; worker is declared second. */
function bossAndWorker(boss: Partial<AgentDecl>, worker: Partial<AgentDecl>) {
  return workflow({
    tools,
    agents: [agent('boss', { caps: { spawn: ['worker'] }, program: [call('worker')], ...boss }), agent('worker', worker)],
    main: [call('boss')],
  });
}

describe('capability-escalation', () => {
  it('reports a child granted a tool its spawner lacks, with a hint at the grant', () => {
    const ast = bossAndWorker({ caps: { spawn: ['worker'], tools: ['t'] } }, { caps: { tools: ['t', 'u'] } });
    expect(found(ast, 'capability-escalation')).toEqual([
      {
        severity: 'error',
        pointer: '/agents/0/program/0/agent',
        message: 'agent "worker" would get more than its spawner "boss" holds: caps.tools "u"',
        hints: [{ message: '"worker" is granted this here', pointer: '/agents/1/caps/tools' }],
      },
    ]);
  });

  it('compares topics by pattern, signal, leases and each budget figure', () => {
    const ast = bossAndWorker(
      { caps: { spawn: ['worker'], topics: ['news.*'], leases: ['db'] }, budget: { turns: 5, tokens: 100, time: 1000 } },
      { caps: { topics: ['news.sport.*', 'news.x', 'chat'], leases: ['db', 'disk'], signal: 'any' }, budget: { turns: 5, tokens: 200, time: 2000 } },
    );
    expect(found(ast, 'capability-escalation').map((d) => d.message.replace(/^.*holds: /, ''))).toEqual([
      'caps.topics "chat"',
      'caps.leases "disk"',
      'caps.signal any',
      'budget tokens 200 (spawner has 100)',
      'budget time 2000ms (spawner has 1000ms)',
    ]);
  });

  it('checks a free agent\'s caps.spawn grants as spawn edges', () => {
    const ast = workflow({ agents: [agent('lead', { caps: { spawn: ['worker'] } }), agent('worker', { caps: { spawn: ['helper'] } }), agent('helper')], main: [call('lead')] });
    expect(found(ast, 'capability-escalation').map((d) => [d.pointer, d.message])).toEqual([
      ['/agents/0/caps/spawn/0', 'agent "worker" would get more than its spawner "lead" holds: caps.spawn "helper"'],
    ]);
  });

  it('lets main, the root, spawn anything', () => {
    const ast = workflow({ tools, agents: [agent('w', { caps: { tools: ['t', 'u'], signal: 'any' }, budget: { turns: 1e6, tokens: 1e9, time: 1e9 } })], main: [call('w')] });
    expect(found(ast, 'capability-escalation')).toEqual([]);
  });

  it('reports nothing when the child holds a subset', () => {
    const ast = bossAndWorker(
      { caps: { spawn: ['worker'], tools: ['t', 'u'], topics: ['*'], signal: 'any' } },
      { caps: { tools: ['u'], topics: ['a.*', 'b'], signal: 'any' }, budget: { turns: 1, tokens: 1, time: 1 } },
    );
    expect(found(ast, 'capability-escalation')).toEqual([]);
  });
});
