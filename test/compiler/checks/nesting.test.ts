import { describe, expect, it } from 'vitest';
import { MAX_NESTING } from '../../../src/compiler/limits.js';
import type { Expr, Statement } from '../../../src/generated/workflow.js';
import { found, workflow } from './helpers.js';

/** `levels` ifs, each inside the previous one's then, around innermost. */
function nestedIfs(levels: number, innermost: Statement): Statement {
  let stmt = innermost;
  for (let k = 0; k < levels; k++) stmt = { kind: 'if', cond: true, then: [stmt] };
  return stmt;
}

function nestedNots(levels: number, innermost: Expr): Expr {
  let e = innermost;
  for (let k = 0; k < levels; k++) e = { kind: 'not', arg: e };
  return e;
}

const ghost: Expr = { kind: 'ref', path: ['ghost'] };

describe('nesting-too-deep', () => {
  it('reports the first statement past the bound, once', () => {
    const ast = workflow({ main: [nestedIfs(MAX_NESTING + 5, { kind: 'exit' })] });
    expect(found(ast, 'nesting-too-deep')).toEqual([
      expect.objectContaining({ severity: 'error', pointer: '/main/body/0' + '/then/0'.repeat(MAX_NESTING), message: expect.stringContaining(`${MAX_NESTING} levels`) }),
    ]);
  });

  it('counts expression nesting on top of statement nesting', () => {
    const ast = workflow({ main: [{ kind: 'exit', value: nestedNots(MAX_NESTING + 3, true) }] });
    // The exit is level 1 and its value level 2, so the node at level MAX_NESTING + 1 is MAX_NESTING - 1 args down.
    expect(found(ast, 'nesting-too-deep').map((d) => d.pointer)).toEqual(['/main/body/0/value' + '/arg'.repeat(MAX_NESTING - 1)]);
  });

  it('hides the deep subtree from every other pass', () => {
    const ast = workflow({ main: [nestedIfs(MAX_NESTING + 2, { kind: 'exit', value: ghost })] });
    expect(found(ast, 'unknown-variable')).toEqual([]);
    expect(found(ast, 'nesting-too-deep')).toHaveLength(1);
  });

  it('accepts nesting up to the bound', () => {
    const ast = workflow({ main: [nestedIfs(MAX_NESTING - 2, { kind: 'exit', value: nestedNots(1, true) })] });
    expect(found(ast, 'nesting-too-deep')).toEqual([]);
  });
});
