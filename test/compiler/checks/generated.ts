// A generated workflow of a chosen size, shaped like a real one: agents with programs that
// declare, branch, loop, talk to each other and run tools, and a main that calls them all.
import type { AgentDecl, Statement, Workflow } from '../../../src/generated/workflow.js';

function program(i: number, statements: number): Statement[] {
  const body: Statement[] = [{ kind: 'let', name: 'acc', value: 0 }];
  for (let k = 0; body.length < statements; k++) {
    const v = `v${k}`;
    body.push(
      { kind: 'let', name: v, value: { kind: 'object', fields: [{ key: 'n', value: k }, { key: 'prev', value: { kind: 'ref', path: ['acc'] } }] } },
      {
        kind: 'if',
        cond: { kind: 'and', args: [{ kind: 'cmp', op: '>', left: { kind: 'ref', path: [v, 'n'] }, right: 1 }, { kind: 'not', arg: false }] },
        then: [{ kind: 'set', name: 'acc', value: { kind: 'ref', path: [v] } }, { kind: 'write', path: `/work/out${k}.json`, value: { kind: 'ref', path: ['acc'] } }],
        else: [{ kind: 'exec', tool: 'lint', args: [{ name: 'source', value: `/work/f${k}.txt` }, { name: 'level', value: 2 }], let: `r${k}` }],
      },
      { kind: 'loop', as: `i${k}`, max: 3, body: [{ kind: 'publish', topic: `agent${i}.progress`, value: { kind: 'ref', path: [`i${k}`] } }] },
    );
  }
  return body;
}

export function generatedWorkflow(agents: number, statementsPerAgent: number): Workflow {
  const decls: AgentDecl[] = [];
  for (let i = 0; i < agents; i++) {
    decls.push({
      name: `agent${i}`,
      role: 'worker',
      model: 'default',
      tools: ['lint'],
      mounts: [{ kind: 'scratch', path: '/work' }],
      caps: { topics: [`agent${i}.*`] },
      budget: { turns: 10, tokens: 10000, time: 60000 },
      program: program(i, statementsPerAgent),
    });
  }
  const main: Statement[] = [{ kind: 'subscribe', topic: 'agent*' }];
  for (let i = 0; i < agents; i++) main.push({ kind: 'call', agent: `agent${i}`, timeout: 1000, let: `r${i}` });
  return {
    workflow: 'generated',
    version: '1',
    models: [{ name: 'default', id: 'm' }],
    tools: [{ name: 'lint', argv: ['lint', '--level', { param: 'level' }, '--', { param: 'source' }], params: [{ name: 'source', type: 'path', mount: '/work' }, { name: 'level', type: 'int' }], cwd: '/work' }],
    agents: decls,
    main: { body: main },
  };
}
