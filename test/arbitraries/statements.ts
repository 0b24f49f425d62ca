// Statements of every kind, and blocks nesting them to a bounded depth. Keys come in schema
// property order, as both front ends produce them.
import fc from 'fast-check';
import type { Expr, NamedArg, Statement } from '../../src/generated/workflow.js';
import { exprArb } from './expressions.js';
import { durationArb, countArb, nameArb, nonEmptyTextArb, plain, textArb } from './primitives.js';

/** How deep expressions inside statements nest. */
const EXPR_DEPTH = 2;

type Rec = Record<string, fc.Arbitrary<unknown>>;

/** A record whose keys beyond `required` are sometimes absent. */
function rec(model: Rec, required: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(model, { requiredKeys: required, ...plain });
}

/** A value statement whose result is sometimes bound with `let` or `set` (those keys come last in the schema). */
function bound(arb: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const binding = fc.oneof(fc.constant({}), fc.record({ let: nameArb }, plain), fc.record({ set: nameArb }, plain));
  return fc.tuple(arb, binding).map(([s, b]) => ({ ...s, ...b }));
}

const k = <K extends string>(kind: K) => fc.constant(kind);

export const namedArgsArb = (value: fc.Arbitrary<Expr>): fc.Arbitrary<NamedArg[]> =>
  fc.array(fc.record({ name: nameArb, value }, plain), { maxLength: 3 });

function simpleStatementArbs(e: fc.Arbitrary<Expr>): fc.Arbitrary<Record<string, unknown>>[] {
  return [
    rec({ kind: k('let'), name: nameArb, value: e }, ['kind', 'name', 'value']),
    rec({ kind: k('set'), name: nameArb, value: e }, ['kind', 'name', 'value']),
    bound(rec({ kind: k('spawn'), agent: nameArb, task: nameArb, input: e }, ['kind', 'agent'])),
    bound(rec({ kind: k('call'), agent: nameArb, task: nameArb, input: e, timeout: durationArb }, ['kind', 'agent'])),
    bound(rec({ kind: k('ask'), prompt: textArb, input: e, returns: nameArb }, ['kind', 'prompt'])),
    bound(rec({ kind: k('exec'), tool: nameArb, args: namedArgsArb(e) }, ['kind', 'tool'])),
    rec({ kind: k('send'), to: nameArb, value: e }, ['kind', 'to', 'value']),
    bound(rec({ kind: k('recv'), from: nameArb, timeout: durationArb }, ['kind'])),
    rec({ kind: k('publish'), topic: nonEmptyTextArb, value: e }, ['kind', 'topic', 'value']),
    rec({ kind: k('subscribe'), topic: nonEmptyTextArb }, ['kind', 'topic']),
    bound(rec({ kind: k('await'), target: nameArb, timeout: durationArb }, ['kind', 'target'])),
    rec({ kind: k('signal'), target: nameArb, op: fc.constantFrom('kill', 'pause', 'resume', 'cancel') }, ['kind', 'target', 'op']),
    bound(rec({ kind: k('acquire'), resource: nonEmptyTextArb, ttl: durationArb, timeout: durationArb }, ['kind', 'resource'])),
    rec({ kind: k('renew'), lease: nameArb, ttl: durationArb }, ['kind', 'lease']),
    rec({ kind: k('release'), lease: nameArb }, ['kind', 'lease']),
    rec({ kind: k('sleep'), duration: durationArb }, ['kind', 'duration']),
    rec({ kind: k('checkpoint'), value: e }, ['kind']),
    bound(rec({ kind: k('attach'), artifact: nameArb, value: e }, ['kind', 'artifact', 'value'])),
    bound(rec({ kind: k('read'), path: nonEmptyTextArb }, ['kind', 'path'])),
    rec({ kind: k('write'), path: nonEmptyTextArb, value: e, lease: nameArb }, ['kind', 'path', 'value']),
    bound(rec({ kind: k('verify'), task: nameArb, value: e }, ['kind', 'task'])),
    rec({ kind: k('exit'), value: e }, ['kind']),
    rec({ kind: k('fail'), reason: e }, ['kind', 'reason']),
  ];
}

function compoundStatementArbs(e: fc.Arbitrary<Expr>, inner: fc.Arbitrary<Statement[]>): fc.Arbitrary<Record<string, unknown>>[] {
  return [
    rec({ kind: k('if'), cond: e, then: inner, else: inner }, ['kind', 'cond', 'then']),
    rec({ kind: k('parallel'), branches: fc.array(fc.record({ body: inner }, plain), { minLength: 1, maxLength: 3 }) }, ['kind', 'branches']),
    rec({ kind: k('loop'), max: countArb, as: nameArb, until: e, body: inner }, ['kind', 'body']),
  ];
}

/** Blocks whose compound statements nest at most `depth` blocks deep (0: no compound statements). */
export function blockArb(depth: number, maxLength = 4): fc.Arbitrary<Statement[]> {
  const e = exprArb(EXPR_DEPTH);
  let block = fc.array(fc.oneof(...simpleStatementArbs(e)), { maxLength }) as unknown as fc.Arbitrary<Statement[]>;
  for (let d = 1; d <= depth; d++) {
    const simple = simpleStatementArbs(e).map((arbitrary) => ({ weight: 1, arbitrary }));
    const compound = compoundStatementArbs(e, block).map((arbitrary) => ({ weight: 3, arbitrary }));
    block = fc.array(fc.oneof(...simple, ...compound), { maxLength: Math.max(2, maxLength - d) }) as unknown as fc.Arbitrary<Statement[]>;
  }
  return block;
}
