import { describe, expect, it } from 'vitest';
import type { AgentDecl, Statement } from '../../../src/generated/workflow.js';
import { agent, call, found, workflow } from './helpers.js';

function structured(caps: AgentDecl['caps'], program: Statement[], extra: Partial<AgentDecl> = {}) {
  return workflow({
    tools: [{ name: 'grep', argv: ['grep'] }],
    agents: [agent('boss', { caps, program, ...extra }), agent('helper')],
    main: [call('boss')],
  });
}

describe('capability-not-granted', () => {
  it('reports a spawn of an agent missing from caps.spawn', () => {
    expect(found(structured({}, [call('helper')]), 'capability-not-granted')).toEqual([
      { severity: 'error', pointer: '/agents/0/program/0/agent', message: 'agent "boss" calls "helper", but its caps.spawn does not grant it', hints: [] },
    ]);
  });

  it('reports each denied operation at its field', () => {
    const program: Statement[] = [
      { kind: 'send', to: 'helper', value: 1 },
      { kind: 'publish', topic: 'news.x', value: 1 },
      { kind: 'subscribe', topic: 'chat.*' },
      { kind: 'exec', tool: 'grep' },
      { kind: 'acquire', resource: 'db', timeout: 5 },
      { kind: 'signal', target: 'parent', op: 'kill' },
    ];
    expect(found(structured({ topics: ['chat.room'] }, program), 'capability-not-granted').map((d) => [d.pointer, d.message])).toEqual([
      ['/agents/0/program/1/topic', 'agent "boss" publishes to topic "news.x", but its caps.topics does not grant it'],
      ['/agents/0/program/2/topic', 'agent "boss" subscribes to topic "chat.*", but its caps.topics does not grant it'],
      ['/agents/0/program/3/tool', 'agent "boss" execs tool "grep", but its tools or caps.tools does not grant it'],
      ['/agents/0/program/4/resource', 'agent "boss" acquires "db", but its caps.leases does not grant it'],
      ['/agents/0/program/0/to', 'agent "boss" sends to "helper", but its caps.send does not grant it'],
      ['/agents/0/program/5/target', 'agent "boss" signals "parent", which is not its descendant, but its caps.signal does not grant it'],
    ]);
  });

  it('checks an inherited program against the inheriting agent\'s own caps', () => {
    const ast = workflow({
      agents: [agent('boss', { caps: { spawn: ['helper'] }, program: [call('helper')] }), agent('clone', { extends: 'boss', caps: { spawn: [] } }), agent('helper')],
      main: [call('boss'), call('clone')],
    });
    expect(found(ast, 'capability-not-granted').map((d) => d.message)).toEqual(['agent "clone" (which inherits this program) calls "helper", but its caps.spawn does not grant it']);
  });

  it('allows parent, children, granted operations and anything in main', () => {
    const program: Statement[] = [
      { kind: 'spawn', agent: 'helper', let: 'h' },
      { kind: 'send', to: 'h', value: 1 },
      { kind: 'send', to: 'helper', value: 1 },
      { kind: 'send', to: 'parent', value: 1 },
      { kind: 'publish', topic: 'news.x', value: 1 },
      { kind: 'subscribe', topic: 'news.*' },
      { kind: 'exec', tool: 'grep' },
      { kind: 'acquire', resource: 'db', timeout: 5 },
      { kind: 'signal', target: 'helper', op: 'kill' },
    ];
    const ast = structured({ spawn: ['helper'], topics: ['news.*'], leases: ['db'] }, program, { tools: ['grep'] });
    ast.main.body.push({ kind: 'publish', topic: 'anything', value: 1 }, { kind: 'exec', tool: 'grep' });
    expect(found(ast, 'capability-not-granted')).toEqual([]);
  });
});
