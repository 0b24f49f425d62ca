import { describe, expect, it } from 'vitest';
import type { Statement } from '../../../src/generated/workflow.js';
import { found, workflow } from './helpers.js';

const parallel = (...bodies: Statement[][]): Statement => ({ kind: 'parallel', branches: bodies.map((body) => ({ body })) });
const set = (name: string): Statement => ({ kind: 'set', name, value: 1 });
const letX: Statement = { kind: 'let', name: 'x', value: 0 };

describe('parallel-write-conflict', () => {
  it('reports two branches setting one outer variable, with a hint at the first', () => {
    expect(found(workflow({ main: [letX, parallel([set('x')], [set('x')])] }), 'parallel-write-conflict')).toEqual([
      {
        severity: 'error',
        pointer: '/main/body/1/branches/1/body/0/name',
        message: 'branches 1 and 2 of one parallel both set "x"; they run concurrently',
        hints: [{ message: 'branch 1 does it here', pointer: '/main/body/1/branches/0/body/0/name' }],
      },
    ]);
  });

  it('counts a value statement\'s set, writes of one literal path, and each later branch once', () => {
    const write: Statement = { kind: 'write', path: '/out/r.json', value: 1 };
    const ast = workflow({ main: [letX, parallel([write], [{ kind: 'read', path: '/in', set: 'x' }, write, write], [set('x'), write])] });
    expect(found(ast, 'parallel-write-conflict').map((d) => [d.pointer, d.message])).toEqual([
      ['/main/body/1/branches/2/body/0/name', 'branches 2 and 3 of one parallel both set "x"; they run concurrently'],
      ['/main/body/1/branches/1/body/1/path', 'branches 1 and 2 of one parallel both write "/out/r.json"; they run concurrently'],
      ['/main/body/1/branches/2/body/1/path', 'branches 1 and 3 of one parallel both write "/out/r.json"; they run concurrently'],
    ]);
  });

  it('sees writes inside a nested parallel as writes of the enclosing branch', () => {
    const ast = workflow({ main: [letX, parallel([parallel([set('x')])], [set('x')])] });
    expect(found(ast, 'parallel-write-conflict').map((d) => d.pointer)).toEqual(['/main/body/1/branches/1/body/0/name']);
  });

  it('allows branch-local variables, one branch writing twice, and different paths', () => {
    const local: Statement[] = [{ kind: 'let', name: 'x', value: 0 }, set('x')];
    const ast = workflow({
      main: [letX, parallel(local, local), parallel([set('x'), set('x')], [{ kind: 'write', path: '/a', value: 1 }], [{ kind: 'write', path: '/b', value: 1 }])],
    });
    expect(found(ast, 'parallel-write-conflict')).toEqual([]);
  });
});
