import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/generated/workflow.js';
import type { RuleId } from '../../../src/compiler/rules.js';
import { agent, call, found, workflow } from './helpers.js';

const declared = {
  models: [{ name: 'default', id: 'm' }],
  tools: [{ name: 'grep', argv: ['grep'] as [string] }],
  artifacts: [{ name: 'facts' }],
  supervisors: [{ name: 'sup', strategy: 'one_for_one' as const }],
  retries: [{ name: 'twice', attempts: 2 }],
};

const cases: [string, Workflow, RuleId, string][] = [
  ['a called agent', workflow({ agents: [agent('researcher')], main: [call('reseacher')] }), 'unknown-agent', '/main/body/0/agent'],
  ['a spawned task', workflow({ agents: [agent('w')], tasks: [{ name: 'gather', owner: 'w' }], main: [{ kind: 'spawn', agent: 'w', task: 'gathr' }] }), 'unknown-task', '/main/body/0/task'],
  ['a task owner', workflow({ agents: [agent('writer')], tasks: [{ name: 't', owner: 'writr' }] }), 'unknown-agent', '/tasks/0/owner'],
  ['a task input', workflow({ ...declared, agents: [agent('w')], tasks: [{ name: 't', owner: 'w', inputs: ['fact'] }] }), 'unknown-artifact', '/tasks/0/inputs/0'],
  ['a produced artifact', workflow({ ...declared, agents: [agent('w')], tasks: [{ name: 't', owner: 'w', produces: ['facts', 'fcts'] }] }), 'unknown-artifact', '/tasks/0/produces/1'],
  ['a verifying agent', workflow({ agents: [agent('w'), agent('checker')], tasks: [{ name: 't', owner: 'w', verify: { agent: 'cheker' } }] }), 'unknown-agent', '/tasks/0/verify/agent'],
  ['a verifying tool', workflow({ ...declared, agents: [agent('w')], tasks: [{ name: 't', owner: 'w', verify: { tool: 'grp' } }] }), 'unknown-tool', '/tasks/0/verify/tool'],
  ['a task retry', workflow({ ...declared, agents: [agent('w')], tasks: [{ name: 't', owner: 'w', retry: 'twic' }] }), 'unknown-retry', '/tasks/0/retry'],
  ['an agent model', workflow({ ...declared, agents: [agent('w', { model: 'defualt' })] }), 'unknown-model', '/agents/0/model'],
  ['an agent tool', workflow({ ...declared, agents: [agent('w', { tools: ['gerp'] })] }), 'unknown-tool', '/agents/0/tools/0'],
  ['an agent retry', workflow({ ...declared, agents: [agent('w', { retry: 'twce' })] }), 'unknown-retry', '/agents/0/retry'],
  ['an agent supervisor', workflow({ ...declared, agents: [agent('w', { supervisor: 'supp' })] }), 'unknown-supervisor', '/agents/0/supervisor'],
  ['an extended agent', workflow({ agents: [agent('base'), agent('w', { extends: 'bse' })] }), 'unknown-agent', '/agents/1/extends'],
  ['a caps spawn grant', workflow({ agents: [agent('w'), agent('boss', { caps: { spawn: ['ww'] } })] }), 'unknown-agent', '/agents/1/caps/spawn/0'],
  ['a caps send grant', workflow({ agents: [agent('w'), agent('boss', { caps: { send: ['x'] } })] }), 'unknown-agent', '/agents/1/caps/send/0'],
  ['a caps tools grant', workflow({ ...declared, agents: [agent('boss', { caps: { tools: ['grep', 'sed'] } })] }), 'unknown-tool', '/agents/0/caps/tools/1'],
  ['the main supervisor', workflow({ ...declared, supervisor: 'sup2' }), 'unknown-supervisor', '/main/supervisor'],
  ['an ask returns', workflow({ ...declared, agents: [agent('w', { program: [{ kind: 'ask', prompt: 'p', returns: 'fatcs' }] })] }), 'unknown-artifact', '/agents/0/program/0/returns'],
  ['an attached artifact', workflow({ ...declared, main: [{ kind: 'attach', artifact: 'fact', value: 1 }] }), 'unknown-artifact', '/main/body/0/artifact'],
  ['an executed tool', workflow({ ...declared, main: [{ kind: 'exec', tool: 'grap' }] }), 'unknown-tool', '/main/body/0/tool'],
  ['a verified task', workflow({ agents: [agent('w')], tasks: [{ name: 'gather', owner: 'w' }], main: [{ kind: 'verify', task: 'gathe' }] }), 'unknown-task', '/main/body/0/task'],
];

describe('unknown-* references', () => {
  it.each(cases)('reports %s that is not declared', (_what, ast, rule, pointer) => {
    const ds = found(ast, rule);
    expect(ds.map((d) => [d.severity, d.pointer])).toEqual([['error', pointer]]);
    expect(ds[0]?.message).toMatch(/" is not declared$/);
  });

  it('hints at the closest declared name and points at its declaration', () => {
    const ast = workflow({ agents: [agent('writer'), agent('summarizer')], main: [call('sumarizer')] });
    expect(found(ast, 'unknown-agent')).toEqual([
      {
        severity: 'error',
        pointer: '/main/body/0/agent',
        message: 'agent "sumarizer" is not declared',
        hints: [{ message: 'did you mean "summarizer"?', pointer: '/agents/1/name' }],
      },
    ]);
  });

  it('gives no hint when no declared name is close', () => {
    const ast = workflow({ agents: [agent('writer')], main: [call('researcher')] });
    expect(found(ast, 'unknown-agent')[0]?.hints).toEqual([]);
  });

  it('reports nothing when every reference is declared', () => {
    const ast = workflow({
      ...declared,
      agents: [agent('w', { model: 'default', tools: ['grep'], retry: 'twice', supervisor: 'sup', program: [{ kind: 'ask', prompt: 'p', returns: 'facts' }] })],
      tasks: [{ name: 't', owner: 'w', inputs: ['facts'], verify: { tool: 'grep' }, retry: 'twice' }],
      supervisor: 'sup',
      main: [call('w', { task: 't' }), { kind: 'exec', tool: 'grep' }, { kind: 'verify', task: 't' }],
    });
    const rules: RuleId[] = ['unknown-agent', 'unknown-task', 'unknown-tool', 'unknown-model', 'unknown-artifact', 'unknown-supervisor', 'unknown-retry'];
    expect(rules.flatMap((r) => found(ast, r))).toEqual([]);
  });
});
