// Nesting limits: deep input is a nesting-too-deep diagnostic, never a stack overflow.
import { describe, expect, test } from 'vitest';
import { parseDsl } from '../../../src/compiler/dsl/index.js';
import { MAX_NESTING } from '../../../src/compiler/limits.js';
import { located, withMain } from './helpers.js';

/** `let x = ((...(1)...))` with depth levels in total, main's braces included. */
function parens(depth: number): string {
  const n = depth - 1;
  return withMain(`let x = ${'('.repeat(n)}1${')'.repeat(n)}`);
}

/** Blocks nested `depth` deep in total, main's braces included. */
function blocks(depth: number): string {
  const n = depth - 1;
  return withMain(`${'if c {'.repeat(n)}${'}'.repeat(n)}`);
}

describe(`brackets (limit ${MAX_NESTING})`, () => {
  test('exactly at the limit parses', () => {
    expect(located(parens(MAX_NESTING))).toEqual([]);
    expect(located(blocks(MAX_NESTING))).toEqual([]);
    expect(located(withMain(`let x = ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}`))).toEqual([]);
  });

  test('one past the limit is reported at the first bracket past it, and nothing is parsed', () => {
    const result = parseDsl(parens(MAX_NESTING + 1), 'deep.aos');
    expect(result.ast).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.rule} ${d.span?.start.line}:${d.span?.start.col}`)).toEqual([
      `nesting-too-deep 4:${8 + MAX_NESTING}`,
    ]);
    expect(located(blocks(MAX_NESTING + 1))).toEqual([`nesting-too-deep 4:${6 * MAX_NESTING}`]);
  });

  test('10,000 levels of ( and of { give the diagnostic, not a stack overflow', () => {
    expect(located(parens(10_000))).toEqual([`nesting-too-deep 4:${8 + MAX_NESTING}`]);
    expect(located(withMain(`${'{'.repeat(10_000)}`))).toEqual([`nesting-too-deep 4:${MAX_NESTING}`]);
    expect(located(`workflow w version "1" artifact a schema ${'['.repeat(10_000)}`)[0]).toMatch(/^nesting-too-deep/);
  });

  test('a closing bracket too many does not hide deeper nesting later', () => {
    const text = `${withMain('}}}')}${'('.repeat(MAX_NESTING + 1)}`;
    expect(located(text)).toContain(`nesting-too-deep 6:${MAX_NESTING + 1}`);
  });
});

describe('nesting without brackets', () => {
  test('each `not` is a level: a chain of 10,000 is reported, not overflowed', () => {
    expect(located(withMain(`let x = ${'not '.repeat(MAX_NESTING - 1)}y`))).toEqual([]);
    expect(located(withMain(`let x = ${'not '.repeat(MAX_NESTING)}y`))).toEqual([`nesting-too-deep 4:${9 + 4 * (MAX_NESTING - 1)}`]);
    expect(located(withMain(`let x = ${'not '.repeat(10_000)}y`))[0]).toMatch(/^nesting-too-deep 4:/);
  });

  test('each `else if` is a level: a chain of 10,000 is reported, not overflowed', () => {
    const chain = (n: number) => withMain(`if a {}${' else if a {}'.repeat(n)}`);
    expect(located(chain(MAX_NESTING - 2))).toEqual([]);
    expect(located(chain(MAX_NESTING - 1))[0]).toMatch(/^nesting-too-deep 4:/);
    expect(located(chain(10_000))[0]).toMatch(/^nesting-too-deep 4:/);
  });
});
