// Expressions of bounded depth: every literal and every node kind (ref, list, object, cmp,
// and, or, not), nested up to the depth asked for.
import fc from 'fast-check';
import type { Expr } from '../../src/generated/workflow.js';
import { decimalArb, intArb, nameArb, plain, textArb } from './primitives.js';

const refArb: fc.Arbitrary<Expr> = fc.record({ kind: fc.constant('ref' as const), path: fc.array(nameArb, { minLength: 1, maxLength: 3 }) }, plain) as fc.Arbitrary<Expr>;

export const literalArb: fc.Arbitrary<Expr> = fc.oneof(textArb, intArb, decimalArb, fc.boolean(), fc.constant(null));

const leafArb: fc.Arbitrary<Expr> = fc.oneof({ weight: 3, arbitrary: literalArb }, { weight: 2, arbitrary: refArb });

const cmpOps = ['==', '!=', '<', '<=', '>', '>='] as const;

function nodeArbs(inner: fc.Arbitrary<Expr>): fc.Arbitrary<Expr>[] {
  return [
    fc.record({ kind: fc.constant('list' as const), items: fc.array(inner, { maxLength: 3 }) }, plain),
    fc.record(
      { kind: fc.constant('object' as const), fields: fc.array(fc.record({ key: fc.oneof(nameArb, textArb), value: inner }, plain), { maxLength: 3 }) },
      plain,
    ),
    fc.record({ kind: fc.constant('cmp' as const), op: fc.constantFrom(...cmpOps), left: inner, right: inner }, plain),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), args: fc.array(inner, { minLength: 2, maxLength: 3 }) }, plain),
    fc.record({ kind: fc.constant('not' as const), arg: inner }, plain),
  ] as fc.Arbitrary<Expr>[];
}

/** Expressions nested at most `depth` node levels deep (0: literals and refs only). */
export function exprArb(depth: number): fc.Arbitrary<Expr> {
  let arb = leafArb;
  for (let d = 1; d <= depth; d++) arb = fc.oneof({ weight: 2, arbitrary: leafArb }, ...nodeArbs(arb).map((a) => ({ weight: 1, arbitrary: a })));
  return arb;
}
