// Any schema-valid AST, checked or not, emits without throwing, emits the same bytes twice,
// and gives bytecode the reader accepts: operands in range, one stack depth per instruction,
// no path off the end of a procedure.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Expr, Statement, Workflow } from '../../src/generated/workflow.js';
import { emit } from '../../src/compiler/emit.js';
import { SourceMap } from '../../src/compiler/source-map.js';
import { checkBytecode } from '../../src/bytecode/reader.js';
import { DECLS } from './emit-helpers.js';

const name = fc.constantFrom('a', 'b', 'c', 'writer', 'parent', 'draft', 'grep', 'nope');
const ms = fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined });

const scalar: fc.Arbitrary<Expr> = fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(null));

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.tuple(name, fc.array(name, { maxLength: 2 })).map(([head, fields]): Expr => ({ kind: 'ref', path: [head, ...fields] })),
    fc.array(tie('expr'), { maxLength: 3 }).map((items): Expr => ({ kind: 'list', items })),
    fc.array(fc.record({ key: name, value: tie('expr') }), { maxLength: 3 }).map((fields): Expr => ({ kind: 'object', fields })),
    fc.record({ op: fc.constantFrom('==', '!=', '<', '<=', '>', '>=' as const), left: tie('expr'), right: tie('expr') }).map((c): Expr => ({ kind: 'cmp', ...c })),
    fc.record({ kind: fc.constantFrom('and', 'or' as const), args: fc.tuple(tie('expr'), tie('expr'), fc.array(tie('expr'), { maxLength: 1 })) }).map(
      ({ kind, args: [first, second, rest] }): Expr => ({ kind, args: [first, second, ...rest] }),
    ),
    tie('expr').map((arg): Expr => ({ kind: 'not', arg })),
  ),
}));

const binding = fc.oneof(fc.constant({}), name.map((n) => ({ let: n })), name.map((n) => ({ set: n })));
const optionalExpr = fc.option(expr, { nil: undefined });

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const simple: fc.Arbitrary<Statement> = fc.oneof(
  fc.record({ name, value: expr }).map((s): Statement => ({ kind: 'let', ...s })),
  fc.record({ name, value: expr }).map((s): Statement => ({ kind: 'set', ...s })),
  fc.record({ agent: name, task: fc.option(name, { nil: undefined }), input: optionalExpr, b: binding }).map(({ b, ...s }) => defined({ kind: 'spawn', ...s, ...b }) as Statement),
  fc.record({ agent: name, input: optionalExpr, timeout: ms, b: binding }).map(({ b, ...s }) => defined({ kind: 'call', ...s, ...b }) as Statement),
  fc.record({ prompt: fc.string(), input: optionalExpr, b: binding }).map(({ b, ...s }) => defined({ kind: 'ask', ...s, ...b }) as Statement),
  fc.record({ tool: name, args: fc.array(fc.record({ name, value: expr }), { maxLength: 2 }), b: binding }).map(({ b, ...s }) => ({ kind: 'exec', ...s, ...b }) as Statement),
  fc.record({ to: name, value: expr }).map((s): Statement => ({ kind: 'send', ...s })),
  fc.record({ from: fc.option(name, { nil: undefined }), timeout: ms, b: binding }).map(({ b, ...s }) => defined({ kind: 'recv', ...s, ...b }) as Statement),
  fc.record({ target: name, timeout: ms, b: binding }).map(({ b, ...s }) => defined({ kind: 'await', ...s, ...b }) as Statement),
  fc.record({ target: name, op: fc.constantFrom('kill', 'pause', 'resume', 'cancel' as const) }).map((s): Statement => ({ kind: 'signal', ...s })),
  fc.record({ lease: name, ttl: ms }).map((s) => defined({ kind: 'renew', ...s }) as Statement),
  name.map((lease): Statement => ({ kind: 'release', lease })),
  optionalExpr.map((value) => defined({ kind: 'checkpoint', value }) as Statement),
  fc.record({ value: expr, lease: fc.option(name, { nil: undefined }) }).map((s) => defined({ kind: 'write', path: '/out/x', ...s }) as Statement),
  fc.record({ value: optionalExpr, b: binding }).map(({ b, value }) => defined({ kind: 'verify', task: 'draft', value, ...b }) as Statement),
  optionalExpr.map((value) => defined({ kind: 'exit', value }) as Statement),
  expr.map((reason): Statement => ({ kind: 'fail', reason })),
);

const { block } = fc.letrec<{ block: Statement[]; statement: Statement }>((tie) => ({
  block: fc.array(tie('statement'), { maxLength: 4 }),
  statement: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    simple,
    fc.record({ cond: expr, then: tie('block'), else: fc.option(tie('block'), { nil: undefined }) }).map((s) => defined({ kind: 'if', ...s }) as Statement),
    fc.record({ max: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }), as: fc.option(name, { nil: undefined }), until: optionalExpr, body: tie('block') }).map(
      (s) => defined({ kind: 'loop', ...s }) as Statement,
    ),
    fc.array(tie('block'), { minLength: 1, maxLength: 3 }).map((bodies): Statement => ({ kind: 'parallel', branches: bodies.map((body) => ({ body })) })),
  ),
}));

const workflowArb: fc.Arbitrary<Workflow> = fc.record({ main: block, program: block }).map(({ main, program }) => ({
  workflow: 'random',
  version: '1',
  ...DECLS,
  agents: [...(DECLS.agents ?? []), { name: 'structured', extends: 'writer', program }],
  main: { body: main },
}));

describe('emit on arbitrary ASTs', () => {
  it('produces bytecode the reader accepts, identically every time', () => {
    fc.assert(
      fc.property(workflowArb, (ast) => {
        const first = emit(ast, { includes: new Map(), map: new SourceMap('random.aos', '') });
        const again = emit(ast, { includes: new Map(), map: new SourceMap('random.aos', '') });
        expect(JSON.stringify(again)).toBe(JSON.stringify(first));
        checkBytecode(JSON.parse(JSON.stringify(first)));
      }),
      { numRuns: 300 },
    );
  });
});
