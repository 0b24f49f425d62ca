// Keys from the source become own properties of plain objects; nothing reaches a prototype.
import { afterEach, expect, test } from 'vitest';
import { parseDsl } from '../../../src/compiler/dsl/index.js';

function schemaOf(json: string): Record<string, unknown> {
  const result = parseDsl(`workflow w version "1"\nartifact a schema ${json}\nmain {}`, 's.aos');
  expect(result.diagnostics).toEqual([]);
  return (result.ast as { artifacts: { schema: Record<string, unknown> }[] }).artifacts[0]?.schema as Record<string, unknown>;
}

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

test('__proto__ in an inline schema is an own property, and Object.prototype is untouched', () => {
  const schema = schemaOf('{ "__proto__": { "polluted": true }, "type": "object" }');
  expect(Object.getPrototypeOf(schema)).toBe(Object.prototype);
  expect(Object.hasOwn(schema, '__proto__')).toBe(true);
  expect(Object.getOwnPropertyDescriptor(schema, '__proto__')?.value).toEqual({ polluted: true });
  expect(Object.keys(schema)).toEqual(['__proto__', 'type']);
  expect(JSON.stringify(schema)).toBe('{"__proto__":{"polluted":true},"type":"object"}');
});

test('constructor and prototype keys are plain data too', () => {
  const schema = schemaOf('{ "constructor": { "prototype": { "polluted": 1 } }, "properties": { "__proto__": {} } }');
  expect(Object.keys(schema)).toEqual(['constructor', 'properties']);
  expect(schema['constructor']).toEqual({ prototype: { polluted: 1 } });
  expect(Object.hasOwn(schema['properties'] as object, '__proto__')).toBe(true);
});

test('a second __proto__ is a duplicate key, not a prototype swap', () => {
  const result = parseDsl('workflow w version "1"\nartifact a schema { "__proto__": 1, "__proto__": 2 }\nmain {}', 's.aos');
  expect(result.diagnostics.map((d) => d.rule)).toEqual(['duplicate-key']);
});
