// Expressions to AST: literals, references, lists, objects, comparisons, and, or, not.
import { describe, expect, test } from 'vitest';
import { expectJson, expr } from './helpers.js';

const ref = (...path: string[]) => ({ kind: 'ref', path });

describe('primaries', () => {
  test('literals are bare JSON scalars', () => {
    expect([expr('"s"'), expr('42'), expr('-7'), expr('2.5'), expr('1.0e-7'), expr('true'), expr('false'), expr('null')]).toEqual([
      's', 42, -7, 2.5, 1e-7, true, false, null,
    ]);
  });

  test('-0 is 0', () => {
    expect(Object.is(expr('-0'), 0)).toBe(true);
  });

  test('a dotted reference; fields after the first name may be keywords', () => {
    expectJson(expr('r.output.time'), ref('r', 'output', 'time'));
  });

  test('lists, with or without commas', () => {
    expectJson(expr('[1, "a", [], x,]'), { kind: 'list', items: [1, 'a', { kind: 'list', items: [] }, ref('x')] });
    expectJson(expr('[1 2]'), { kind: 'list', items: [1, 2] });
  });

  test('objects with name, keyword or string keys', () => {
    expectJson(expr('{ a: 1, "b c": x, path: "/p", time: 2 }'), {
      kind: 'object',
      fields: [
        { key: 'a', value: 1 },
        { key: 'b c', value: ref('x') },
        { key: 'path', value: '/p' },
        { key: 'time', value: 2 },
      ],
    });
    expectJson(expr('{}'), { kind: 'object', fields: [] });
  });

  test('parentheses group without a node of their own', () => {
    expectJson(expr('(((x)))'), ref('x'));
  });
});

describe('operators', () => {
  test('every comparison operator', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
      expectJson(expr(`a ${op} 1`), { kind: 'cmp', op, left: ref('a'), right: 1 });
    }
  });

  test('and and or flatten; and binds tighter than or', () => {
    expectJson(expr('a and b and c'), { kind: 'and', args: [ref('a'), ref('b'), ref('c')] });
    expectJson(expr('a or b or c'), { kind: 'or', args: [ref('a'), ref('b'), ref('c')] });
    expectJson(expr('a or b and c or d'), { kind: 'or', args: [ref('a'), { kind: 'and', args: [ref('b'), ref('c')] }, ref('d')] });
    expectJson(expr('a and b or c and d'), {
      kind: 'or',
      args: [
        { kind: 'and', args: [ref('a'), ref('b')] },
        { kind: 'and', args: [ref('c'), ref('d')] },
      ],
    });
  });

  test('not binds looser than a comparison and tighter than and', () => {
    expectJson(expr('not a == 1 and b'), {
      kind: 'and',
      args: [{ kind: 'not', arg: { kind: 'cmp', op: '==', left: ref('a'), right: 1 } }, ref('b')],
    });
    expectJson(expr('not not x'), { kind: 'not', arg: { kind: 'not', arg: ref('x') } });
  });

  test('parentheses override precedence', () => {
    expectJson(expr('(a or b) and not (c)'), {
      kind: 'and',
      args: [{ kind: 'or', args: [ref('a'), ref('b')] }, { kind: 'not', arg: ref('c') }],
    });
  });

  test('comparisons of compound operands', () => {
    expectJson(expr('r.status != "ok" or [1] == (x)'), {
      kind: 'or',
      args: [
        { kind: 'cmp', op: '!=', left: ref('r', 'status'), right: 'ok' },
        { kind: 'cmp', op: '==', left: { kind: 'list', items: [1] }, right: ref('x') },
      ],
    });
  });
});
