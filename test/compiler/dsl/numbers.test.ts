// Numbers are checked on their raw text: a value that is not a safe integer is unsafe-integer at
// its token, before JSON-style rounding could hide it.
import { describe, expect, test } from 'vitest';
import { parseDsl } from '../../../src/compiler/dsl/index.js';
import { expr, withMain } from './helpers.js';

function unsafe(body: string): string[] {
  return parseDsl(withMain(body), 'n.aos').diagnostics.map((d) => `${d.rule} ${d.pointer} ${d.span?.start.line}:${d.span?.start.col}`);
}

describe('unsafe integers', () => {
  test('2^53 + 1 as an integer', () => {
    expect(unsafe('let x = 9007199254740993')).toEqual(['unsafe-integer /main/body/0/value 4:9']);
  });

  test('2^53 + 1 as a duration', () => {
    expect(unsafe('sleep 9007199254740993s')).toEqual(['unsafe-integer /main/body/0/duration 4:7']);
  });

  test('a duration that is safe as written but not once in milliseconds', () => {
    expect(unsafe('sleep 9007199254740s')).toEqual([]);
    expect(unsafe('sleep 9007199254741s')).toEqual(['unsafe-integer /main/body/0/duration 4:7']);
  });

  test('inside an inline schema and a declaration', () => {
    const text = 'workflow w version "1"\nmodel m { id "x" max_tokens 99999999999999999 }\nartifact a schema { "maximum": -9007199254740992 }\nmain {}';
    expect(parseDsl(text, 'n.aos').diagnostics.map((d) => `${d.rule} ${d.pointer}`)).toEqual([
      'unsafe-integer /models/0/maxTokens',
      'unsafe-integer /artifacts/0/schema/maximum',
    ]);
  });

  test('the largest safe integers are fine', () => {
    expect(expr('9007199254740991')).toBe(9007199254740991);
    expect(expr('-9007199254740991')).toBe(-9007199254740991);
  });

  test('a decimal too large for a double is an error, not Infinity', () => {
    expect(parseDsl(withMain('let x = 1.0e999'), 'n.aos').diagnostics.map((d) => d.rule)).toEqual(['syntax-error']);
  });
});
