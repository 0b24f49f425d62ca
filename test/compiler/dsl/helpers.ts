// Shared helpers for the DSL front-end tests.
import { expect } from 'vitest';
import type { Diagnostic } from '../../../src/compiler/diagnostics.js';
import { parseDsl } from '../../../src/compiler/dsl/index.js';

/** Parses source and returns the AST, failing the test on any diagnostic. */
export function parseClean(text: string): Record<string, unknown> {
  const result = parseDsl(text, 'test.aos');
  expect(result.diagnostics.map((d) => `${d.rule}: ${d.message}`)).toEqual([]);
  return result.ast as Record<string, unknown>;
}

/** A workflow whose main block is body. */
export function withMain(body: string, declarations = ''): string {
  return `workflow w version "1"\n${declarations}\nmain {\n${body}\n}\n`;
}

/** The AST of a main block's statements. */
export function mainBody(body: string, declarations = ''): unknown[] {
  return (parseClean(withMain(body, declarations)).main as { body: unknown[] }).body;
}

/** The value of `let x = <expr>` in a main block. */
export function expr(source: string): unknown {
  const [stmt] = mainBody(`let x = ${source}`) as { value: unknown }[];
  return stmt?.value;
}

/** Asserts equal JSON text, so key order counts too. */
export function expectJson(actual: unknown, expected: unknown): void {
  expect(JSON.stringify(actual, null, 2)).toBe(JSON.stringify(expected, null, 2));
}

export function diagnosticsOf(text: string): Diagnostic[] {
  return parseDsl(text, 'test.aos').diagnostics;
}

/** Diagnostics as `rule line:col` strings. */
export function located(text: string): string[] {
  return diagnosticsOf(text).map((d) => `${d.rule} ${d.span?.start.line}:${d.span?.start.col}`);
}
