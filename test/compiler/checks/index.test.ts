import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/compiler/checks/index.js';
import { MAX_NESTING } from '../../../src/compiler/limits.js';
import type { Statement, Workflow } from '../../../src/generated/workflow.js';
import { generatedWorkflow } from './generated.js';
import { agent, call, workflow } from './helpers.js';

/** CPU milliseconds of the fastest of three runs: the machine is shared, and CPU time is steadier than wall time. */
function fastestRun(ast: Workflow): number {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const start = process.cpuUsage().user;
    runChecks(ast, new Map());
    best = Math.min(best, (process.cpuUsage().user - start) / 1000);
  }
  return best;
}

function statementCount(ast: Workflow): number {
  let n = 0;
  const count = (body: readonly Statement[]): void => {
    for (const s of body) {
      n++;
      if (s.kind === 'if') [s.then, s.else ?? []].forEach(count);
      if (s.kind === 'loop') count(s.body);
      if (s.kind === 'parallel') s.branches.forEach((b) => count(b.body));
    }
  };
  for (const a of ast.agents ?? []) count(a.program ?? []);
  count(ast.main.body);
  return n;
}

describe('runChecks', () => {
  it('reports nothing for a large well-formed workflow', () => {
    expect(runChecks(generatedWorkflow(5, 200), new Map())).toEqual([]);
  });

  it('gives the same diagnostics, in the same order, on every run', () => {
    const ast = workflow({
      agents: [agent('a', { extends: 'b' }), agent('b', { extends: 'a' }), agent('c', { mounts: [{ kind: 'scratch', path: 'rel' }] })],
      main: [call('ghost'), { kind: 'exit' }, { kind: 'publish', topic: 't', value: { kind: 'ref', path: ['nope'] } }],
    });
    const first = runChecks(ast, new Map());
    expect(first.length).toBeGreaterThan(4);
    expect(runChecks(structuredClone(ast), new Map())).toEqual(first);
  });

  it('runs nesting-too-deep first', () => {
    let deep: Statement = { kind: 'exit' };
    for (let k = 0; k <= MAX_NESTING; k++) deep = { kind: 'if', cond: true, then: [deep] };
    const rules = runChecks(workflow({ agents: [agent('dup'), agent('dup')], main: [deep] }), new Map()).map((d) => d.rule);
    expect(rules[0]).toBe('nesting-too-deep');
    expect(rules).toContain('duplicate-name');
  });

  it.each([
    ['many statements in few agents', 10, 3000],
    ['many agents with short programs', 3000, 10],
  ])('checks %s in linear time (at least 150k statements per CPU second)', (_what, agents, statements) => {
    const ast = generatedWorkflow(agents, statements);
    runChecks(ast, new Map());
    const perSecond = (statementCount(ast) / fastestRun(ast)) * 1000;
    expect(perSecond).toBeGreaterThan(150_000);
  });
});
