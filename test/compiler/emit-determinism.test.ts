// The same AST always gives the same bytes: the constant pool is deduplicated by canonical
// JSON in first-use order, tables have a fixed key order, and the code hash covers `code` only.
import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/generated/workflow.js';
import { emit } from '../../src/compiler/emit.js';
import { SourceMap } from '../../src/compiler/source-map.js';
import { canonicalJson } from '../../src/bytecode/canonical.js';
import { codeHash, sha256Hex } from '../../src/bytecode/hash.js';
import { compile, DECLS, ref, workflow, sourceMapAt } from './emit-helpers.js';

const RICH: Workflow = workflow([
  { kind: 'let', name: 'r', value: null },
  { kind: 'call', agent: 'writer', task: 'draft', input: { kind: 'object', fields: [{ key: 'topic', value: 'AOS' }] }, timeout: 600000, set: 'r' },
  {
    kind: 'loop',
    as: 'i',
    max: 3,
    until: { kind: 'cmp', op: '==', left: ref('r', 'status'), right: 'ok' },
    body: [
      {
        kind: 'parallel',
        branches: [{ body: [{ kind: 'exec', tool: 'grep', args: [{ name: 'pattern', value: ref('i') }], set: 'r' }] }, { body: [{ kind: 'publish', topic: 'ok', value: 'ok' }] }],
      },
    ],
  },
  { kind: 'if', cond: { kind: 'or', args: [ref('r', 'ok'), ref('r', 'status')] }, then: [{ kind: 'write', path: '/out/r.json', value: ref('r') }], else: [{ kind: 'fail', reason: 'ok' }] },
]);

/** A deep copy with every object's keys in reverse order, as another front end might build it. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

const map = () => new SourceMap('rich.aos', '');

describe('determinism', () => {
  it('emitting the same AST twice gives identical bytes', () => {
    const first = JSON.stringify(emit(RICH, { includes: new Map(), map: map() }));
    const second = JSON.stringify(emit(structuredClone(RICH), { includes: new Map(), map: map() }));
    expect(second).toBe(first);
  });

  it("the AST's key order does not reach the code", () => {
    const forward = emit(RICH, { includes: new Map(), map: map() });
    const reversed = emit(reverseKeys(RICH) as Workflow, { includes: new Map(), map: map() });
    expect(JSON.stringify(reversed.code)).toBe(JSON.stringify(forward.code));
  });

  it('each distinct constant is stored once, in order of first use', () => {
    const { code } = compile(RICH);
    const distinct = new Set(code.constants.map((c) => canonicalJson(c)));
    expect(distinct.size).toBe(code.constants.length);
    expect(code.constants.filter((c) => c === 'ok')).toHaveLength(1);
    expect(code.constants.slice(0, 4)).toEqual([code.constants[0], null, { topic: 'AOS' }, 0]);
  });

  it('objects equal but for key order share one constant: the first one written', () => {
    const { code } = compile(
      workflow([
        { kind: 'publish', topic: 't', value: { kind: 'object', fields: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }] } },
        { kind: 'publish', topic: 't', value: { kind: 'object', fields: [{ key: 'b', value: 2 }, { key: 'a', value: 1 }] } },
      ], {}),
    );
    expect(code.constants).toEqual([{ a: 1, b: 2 }, 't']);
    expect(JSON.stringify(code.constants[0])).toBe('{"a":1,"b":2}');
  });

  it('keeps strings and numbers that print alike apart', () => {
    const { code } = compile(workflow([{ kind: 'publish', topic: '1', value: 1 }, { kind: 'publish', topic: 'true', value: true }], {}));
    expect(code.constants).toEqual([1, '1', true, 'true']);
  });
});

describe('code hash', () => {
  it('is the sha256 of the canonical JSON of code', () => {
    const bytecode = compile(RICH);
    expect(bytecode.codeHash).toBe(sha256Hex(canonicalJson(bytecode.code)));
    expect(bytecode.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not cover the debug section: other source positions, same hash', () => {
    const located = sourceMapAt('other.json', { '/main/body/0': [7, 3] }, RICH);
    const plain = emit(RICH, { includes: new Map(), map: map() });
    const moved = emit(RICH, { includes: new Map(), map: located });
    expect(moved.debug).not.toEqual(plain.debug);
    expect(moved.codeHash).toBe(plain.codeHash);
  });

  it('changes when the code changes', () => {
    const other = workflow([{ kind: 'sleep', duration: 2 }], DECLS);
    const base = workflow([{ kind: 'sleep', duration: 1 }], DECLS);
    expect(compile(other).codeHash).not.toBe(compile(base).codeHash);
  });

  it('does not depend on key order', () => {
    const bytecode = compile(RICH);
    expect(codeHash(reverseKeys(bytecode.code) as typeof bytecode.code)).toBe(bytecode.codeHash);
  });
});
