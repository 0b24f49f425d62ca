import { describe, expect, it } from 'vitest';
import { buildContext } from '../../../src/compiler/checks/index.js';
import type { Expr, Statement } from '../../../src/generated/workflow.js';
import { agent, workflow } from './helpers.js';

const ref = (name: string): Expr => ({ kind: 'ref', path: [name] });

function walk(main: Statement[], extra: Parameters<typeof workflow>[0] = {}) {
  return buildContext(workflow({ ...extra, main }), new Map()).walk;
}

describe('the shared walk', () => {
  it('records an expression past the bound by its pointer', () => {
    let deep: Expr = true;
    for (let k = 0; k < 70; k++) deep = { kind: 'list', items: [1, deep] };
    const w = walk([{ kind: 'exit', value: deep }]);
    expect(w.tooDeep).toEqual(['/main/body/0/value' + '/items/1'.repeat(63)]);
  });

  it('visits statements in pre-order with their pointers', () => {
    const w = walk([{ kind: 'if', cond: true, then: [{ kind: 'exit' }], else: [{ kind: 'sleep', duration: 1 }] }, { kind: 'exit' }]);
    expect(w.statements.map((v) => v.pointer)).toEqual(['/main/body/0', '/main/body/0/then/0', '/main/body/0/else/0', '/main/body/1']);
    expect(w.statements.map((v) => v.block.pointer)).toEqual(['/main/body', '/main/body/0/then', '/main/body/0/else', '/main/body']);
    expect(w.byKind.get('exit')?.map((v) => v.pointer)).toEqual(['/main/body/0/then/0', '/main/body/1']);
  });

  it('resolves a read against the declarations before it, not after, recording only failures', () => {
    const w = walk([{ kind: 'exit', value: ref('x') }, { kind: 'let', name: 'x', value: 1 }, { kind: 'exit', value: ref('x') }]);
    expect(w.uses.map((u) => [u.pointer, u.resolution])).toEqual([['/main/body/0/value/path/0', undefined]]);
  });

  it('evaluates a let value before binding the name', () => {
    const w = walk([{ kind: 'let', name: 'x', value: ref('x') }]);
    expect(w.uses[0]?.resolution).toBeUndefined();
  });

  it('scopes lets to their block and gives `until` the loop variable but not the body', () => {
    const w = walk([
      { kind: 'loop', as: 'i', max: 2, until: { kind: 'and', args: [ref('i'), ref('inner')] }, body: [{ kind: 'let', name: 'inner', value: ref('i') }] },
      { kind: 'exit', value: ref('inner') },
    ]);
    expect(w.uses.map((u) => u.pointer)).toEqual(['/main/body/0/until/args/1/path/0', '/main/body/1/value/path/0']);
  });

  it('resolves targets to variables, then `parent` in agents, then agents', () => {
    const w = walk([{ kind: 'send', to: 'worker', value: 1 }, { kind: 'send', to: 'parent', value: 1 }], {
      agents: [agent('worker', { program: [{ kind: 'send', to: 'parent', value: 1 }] })],
    });
    expect(w.uses.map((u) => [u.pointer, u.resolution])).toEqual([
      ['/agents/0/program/0/to', 'parent'],
      ['/main/body/0/to', 'agent'],
      ['/main/body/1/to', undefined],
    ]);
  });

  it('records the parallel branches around each statement', () => {
    const w = walk([{ kind: 'parallel', branches: [{ body: [{ kind: 'sleep', duration: 1 }] }, { body: [{ kind: 'sleep', duration: 2 }] }] }]);
    expect(w.statements.map((v) => v.branches.map((b) => `${b.parallel.pointer}#${b.branch}`))).toEqual([[], ['/main/body/0#0'], ['/main/body/0#1']]);
  });

  it('starts every program with the implicit `input` variable', () => {
    const w = walk([{ kind: 'exit', value: ref('input') }, { kind: 'set', name: 'input', value: 1 }]);
    expect(w.uses.map((u) => u.resolution)).toEqual([{ name: 'input', seq: -1 }]);
  });

  it('lists every agent that runs an inherited program', () => {
    const ctx = buildContext(
      workflow({ agents: [agent('a', { program: [{ kind: 'exit' }] }), agent('b', { extends: 'a' }), agent('c', { extends: 'b', program: [] })] }),
      new Map(),
    );
    expect(ctx.walk.statements[0]?.proc.runners).toEqual([0, 1]);
  });
});
