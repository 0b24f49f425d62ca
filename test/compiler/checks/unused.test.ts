import { describe, expect, it } from 'vitest';
import { agent, call, found, workflow } from './helpers.js';

describe('unused declarations', () => {
  it('warns about an agent, a tool and a task nothing refers to', () => {
    const ast = workflow({ tools: [{ name: 'grep', argv: ['grep'] }], agents: [agent('idle')], tasks: [{ name: 'chore', owner: 'idle' }] });
    expect([...found(ast, 'unused-agent'), ...found(ast, 'unused-tool'), ...found(ast, 'unused-task')]).toEqual([
      { severity: 'warning', pointer: '/agents/0/name', message: 'agent "idle" is never spawned, called, extended or used to verify', hints: [] },
      { severity: 'warning', pointer: '/tools/0/name', message: 'tool "grep" is never granted to an agent, executed or used to verify', hints: [] },
      { severity: 'warning', pointer: '/tasks/0/name', message: 'task "chore" is never assigned by spawn or call, nor verified', hints: [] },
    ]);
  });

  it('counts every kind of use', () => {
    const tools = ['a', 'b', 'c', 'd'].map((name) => ({ name, argv: [name] as [string] }));
    const ast = workflow({
      tools,
      agents: [
        agent('spawned', { tools: ['a'] }),
        agent('called', { caps: { tools: ['b'] } }),
        agent('base'),
        agent('derived', { extends: 'base' }),
        agent('verifier'),
        agent('granted'),
        agent('lead', { caps: { spawn: ['granted'] } }),
      ],
      tasks: [
        { name: 'assigned', owner: 'spawned', verify: { agent: 'verifier' } },
        { name: 'checked', owner: 'called', verify: { tool: 'c' } },
      ],
      main: [{ kind: 'spawn', agent: 'spawned', task: 'assigned' }, call('called'), call('derived'), call('lead'), { kind: 'exec', tool: 'd' }, { kind: 'verify', task: 'checked' }],
    });
    expect([...found(ast, 'unused-agent'), ...found(ast, 'unused-tool'), ...found(ast, 'unused-task')]).toEqual([]);
  });
});
