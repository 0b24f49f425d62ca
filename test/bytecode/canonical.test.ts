// Canonical JSON is RFC 8785 (sorted keys, no whitespace, ES number form), byte for byte what
// the canonicalize package writes; the event log's fast writer (eventJson) writes the same bytes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalizeModule from 'canonicalize';
import { canonicalJson } from '../../src/bytecode/canonical.js';
import { sha256Hex } from '../../src/bytecode/hash.js';
import { eventJson } from '../../src/log/event-json.js';
import { deepFreeze } from '../../src/vm/frozen.js';
import { compile, workflow } from '../compiler/emit-helpers.js';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every level and drops whitespace', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: 2 }], a: 'x', B: null, é: 1 })).toBe('{"B":null,"a":"x","b":[3,{"a":2,"z":1}],"é":1}');
  });

  it('writes numbers in their shortest ES form', () => {
    expect(canonicalJson([1.0, 1e21, 0.000001, -0])).toBe('[1,1e+21,0.000001,0]');
  });

  it('refuses a value with no JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('sha256Hex', () => {
  it('is the hex sha256 of the UTF-8 text', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('é')).toBe(sha256Hex(Buffer.from([0xc3, 0xa9]).toString('utf8')));
  });
});

describe('canonicalJson agrees with the canonicalize package', () => {
  const reference = canonicalizeModule as unknown as (value: unknown) => string | undefined;
  // Strings of the characters JSON escapes (quote, backslash, controls, lone surrogates) among
  // plain ones: binary strings alone almost never hold them.
  const escaped = fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\ud800', '\udfff', '\u2028', 'a', 'é', '😀', '/', '\u007f'), maxLength: 6 });
  const text = fc.oneof(fc.string({ unit: 'binary' }), escaped);
  const key = fc.oneof(text, fc.nat({ max: 20 }).map(String), fc.constantFrom('__proto__', 'a', 'B', 'é', '10', '9'));

  const json = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
    ),
  })).value;

  it('on arbitrary JSON, including integer-like and unusual keys, by both writers', () => {
    fc.assert(fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
        expect(eventJson(value)).toBe(reference(value));
      }), { numRuns: 2000 });
  });

  it('on objects holding deeply frozen values, which eventJson writes around their kept text, at any depth and in any key order', () => {
    // Some members of an object (and of objects inside it) are frozen values, as the kernel's
    // capability sets and budgets are in proc.spawned.
    const withFrozen = fc.array(fc.tuple(key, json, fc.boolean()), { maxLength: 5 }).map((members) => Object.fromEntries(members.map(([k, value, freeze]) => [k, freeze ? deepFreeze(value) : value])));
    fc.assert(fc.property(withFrozen, fc.array(key, { maxLength: 3 }), (object, outer) => {
        const nested = outer.reduce<unknown>((inner, k) => ({ [k]: inner, z: deepFreeze({ b: [1], a: 'x' }) }), object);
        expect(eventJson(object)).toBe(reference(object));
        expect(eventJson(nested)).toBe(reference(nested));
        expect(canonicalJson(nested)).toBe(reference(nested));
      }), { numRuns: 2000 });
  });

  it('keeps a deeply frozen value\'s text, and the value cannot change under it', () => {
    const caps = deepFreeze({ send: ['b', 'a'], signal: 'descendants', leases: [] as string[] });
    expect(Object.isFrozen(caps) && Object.isFrozen(caps.send)).toBe(true);
    expect(() => (caps.leases as string[]).push('x')).toThrow(TypeError);
    expect(eventJson({ spec: 'worker', caps, budget: null })).toBe('{"budget":null,"caps":{"leases":[],"send":["b","a"],"signal":"descendants"},"spec":"worker"}');
  });

  it('keeps no text for a value frozen only at the top: what it holds can still change', () => {
    const shallow = Object.freeze({ list: ['a'] });
    expect(eventJson({ x: shallow })).toBe('{"x":{"list":["a"]}}');
    shallow.list.push('b');
    expect(eventJson({ x: shallow })).toBe('{"x":{"list":["a","b"]}}');
  });

  it('on emitted bytecode', () => {
    const bytecode = compile(workflow([{ kind: 'loop', max: 2, as: 'i', body: [{ kind: 'publish', topic: 't', value: { kind: 'object', fields: [{ key: '2', value: 1 }, { key: '10', value: 2 }] } }] }]));
    expect(canonicalJson(bytecode)).toBe(reference(bytecode));
  });

  it('refuses numbers JSON cannot hold', () => {
    expect(() => canonicalJson([1, NaN])).toThrow(TypeError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(TypeError);
  });
});
