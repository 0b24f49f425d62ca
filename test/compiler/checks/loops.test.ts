import { describe, expect, it } from 'vitest';
import { found, workflow } from './helpers.js';

describe('unbounded-loop', () => {
  it('reports a loop without max at the loop', () => {
    expect(found(workflow({ main: [{ kind: 'loop', body: [] }] }), 'unbounded-loop')).toEqual([
      expect.objectContaining({ severity: 'error', pointer: '/main/body/0', message: expect.stringContaining('no `max`') }),
    ]);
  });

  it('reports a max below 1 at the max', () => {
    const ds = found(workflow({ main: [{ kind: 'loop', max: 0, body: [] }, { kind: 'loop', max: -3, body: [] }] }), 'unbounded-loop');
    expect(ds.map((d) => [d.pointer, d.message])).toEqual([
      ['/main/body/0/max', 'loop bound `max 0` is below 1'],
      ['/main/body/1/max', 'loop bound `max -3` is below 1'],
    ]);
  });

  it('accepts a max of 1 or more, in agent programs too', () => {
    const ast = workflow({ agents: [{ name: 'a', program: [{ kind: 'loop', max: 1, body: [] }] }], main: [{ kind: 'loop', max: 5, body: [] }] });
    expect(found(ast, 'unbounded-loop')).toEqual([]);
  });
});
