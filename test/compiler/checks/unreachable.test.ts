import { describe, expect, it } from 'vitest';
import type { Statement } from '../../../src/generated/workflow.js';
import { found, workflow } from './helpers.js';

const sleep: Statement = { kind: 'sleep', duration: 1 };

describe('unreachable-code', () => {
  it('reports the statement after an exit, with a hint at the exit', () => {
    expect(found(workflow({ main: [{ kind: 'exit' }, sleep] }), 'unreachable-code')).toEqual([
      {
        severity: 'error',
        pointer: '/main/body/1',
        message: 'this statement can never run: the "exit" before it always ends the process',
        hints: [{ message: 'the process ends here', pointer: '/main/body/0' }],
      },
    ]);
  });

  it('reports only the first unreachable statement of a block', () => {
    const ds = found(workflow({ main: [{ kind: 'fail', reason: 'x' }, sleep, sleep] }), 'unreachable-code');
    expect(ds.map((d) => d.pointer)).toEqual(['/main/body/1']);
  });

  it('reports the statement after an if/else (and else-if chain) whose branches all end', () => {
    const chain: Statement = {
      kind: 'if',
      cond: true,
      then: [{ kind: 'exit' }],
      else: [{ kind: 'if', cond: false, then: [sleep, { kind: 'fail', reason: 'a' }], else: [{ kind: 'exit' }] }],
    };
    const ds = found(workflow({ main: [chain, sleep] }), 'unreachable-code');
    expect(ds.map((d) => [d.pointer, d.message])).toEqual([['/main/body/1', 'this statement can never run: the if/else before it ends the process on every path']]);
  });

  it('reports inside nested blocks and after a loop whose body always ends', () => {
    const ast = workflow({ main: [{ kind: 'if', cond: true, then: [{ kind: 'exit' }, sleep] }, { kind: 'loop', max: 2, body: [{ kind: 'exit' }] }, sleep] });
    expect(found(ast, 'unreachable-code').map((d) => d.pointer)).toEqual(['/main/body/0/then/1', '/main/body/2']);
  });

  it('reports nothing when some path falls through', () => {
    const ast = workflow({ main: [{ kind: 'if', cond: true, then: [{ kind: 'exit' }] }, { kind: 'if', cond: true, then: [{ kind: 'exit' }], else: [sleep] }, sleep, { kind: 'exit' }] });
    expect(found(ast, 'unreachable-code')).toEqual([]);
  });
});
