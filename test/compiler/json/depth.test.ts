import { describe, expect, it } from 'vitest';
import { parseJsonWorkflow } from '../../../src/compiler/json/index.js';
import { findTooDeep } from '../../../src/compiler/json/depth.js';
import { MAX_JSON_DEPTH } from '../../../src/compiler/limits.js';

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('nesting pre-scan', () => {
  it('reports 10,000 levels as nesting-too-deep, without parsing', () => {
    const result = parseJsonWorkflow(nested(10_000), 'deep.json');
    expect(result.ast).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(d?.rule).toBe('nesting-too-deep');
    expect(d?.message).toContain(String(MAX_JSON_DEPTH));
    expect(d?.span?.start.col).toBe(MAX_JSON_DEPTH + 1);
  });

  it('accepts nesting exactly at the bound and rejects one level more', () => {
    expect(parseJsonWorkflow(nested(MAX_JSON_DEPTH), 'ok.json').diagnostics).toEqual([]);
    expect(parseJsonWorkflow(nested(MAX_JSON_DEPTH + 1), 'deep.json').diagnostics.map((d) => d.rule)).toEqual(['nesting-too-deep']);
  });

  it('counts objects and arrays alike', () => {
    const objects = '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1);
    expect(parseJsonWorkflow(objects, 'deep.json').diagnostics.map((d) => d.rule)).toEqual(['nesting-too-deep']);
  });

  it('ignores brackets inside strings, escaped quotes and comments', () => {
    const brackets = '['.repeat(MAX_JSON_DEPTH + 1);
    expect(findTooDeep(`["${brackets}"]`, MAX_JSON_DEPTH)).toBeUndefined();
    expect(findTooDeep(`["\\"${brackets}"]`, MAX_JSON_DEPTH)).toBeUndefined();
    expect(findTooDeep(`// ${brackets}\n/* ${brackets} */[]`, MAX_JSON_DEPTH)).toBeUndefined();
  });

  it('ends a string at a line break, as the parser does', () => {
    expect(findTooDeep(`["open\n${'['.repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH)).toBeDefined();
  });

  it('does not let mismatched closers hide depth the parser would reach in error recovery', () => {
    // jsonc-parser skips "}" inside an array and nests each "[" after the comma: unbounded recursion.
    const result = parseJsonWorkflow('[' + '[},'.repeat(10_000), 'garbage.json');
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['nesting-too-deep']);
  });
});
