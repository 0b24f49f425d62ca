// The shipped workflows are clean: each compiles with no diagnostic at all, and the JSON form of
// fact-sheet is the same workflow as its DSL form, down to the bytes of the compiled code.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { collectWorkflowFiles } from '../../src/cli/files.js';
import { compileSource, parseSource, type CompileHost, type CompileResult } from '../../src/compiler/index.js';
import { canonicalJson } from '../../src/bytecode/canonical.js';

const workflowsDir = resolve(import.meta.dirname, '../../workflows');

const host: CompileHost = {
  readFile(relativePath) {
    try {
      return readFileSync(join(workflowsDir, relativePath), 'utf8');
    } catch {
      return undefined;
    }
  },
};

function compile(name: string): CompileResult {
  return compileSource(readFileSync(join(workflowsDir, name)), name, host);
}

function describeDiagnostics(result: CompileResult): string[] {
  return result.diagnostics.map((d) => `${result.file}:${d.span ? `${d.span.start.line}:${d.span.start.col}` : d.pointer}: ${d.severity}: ${d.message} [${d.rule}]`);
}

/** The workflows as `aosc check` finds them (scripts and artifact schemas are not workflows). */
const shipped = collectWorkflowFiles([workflowsDir]).map((f) => relative(workflowsDir, f));

describe('shipped workflows', () => {
  it('include the four workflows and a JSON form', () => {
    expect(shipped).toEqual(expect.arrayContaining(['docs-merge.aos', 'fact-sheet.aos', 'fact-sheet.json', 'rasterizer.aos', 'reviewed-merge.aos']));
  });

  it.each(shipped)('%s compiles with no diagnostics', (name) => {
    const result = compile(name);
    expect(describeDiagnostics(result)).toEqual([]);
    expect(result.bytecode?.workflow.name).toBe(name.replace(/\.(aos|json)$/, ''));
  });
});

describe('fact-sheet in both forms', () => {
  it('fact-sheet.json is the AST of fact-sheet.aos', () => {
    const dsl = parseSource(readFileSync(join(workflowsDir, 'fact-sheet.aos'), 'utf8'), 'fact-sheet.aos');
    expect(JSON.parse(readFileSync(join(workflowsDir, 'fact-sheet.json'), 'utf8'))).toEqual(dsl.ast);
  });

  it('both forms compile to byte-identical code with equal code hashes', () => {
    const fromDsl = compile('fact-sheet.aos').bytecode;
    const fromJson = compile('fact-sheet.json').bytecode;
    expect(fromDsl).toBeDefined();
    expect(fromJson?.codeHash).toBe(fromDsl?.codeHash);
    expect(canonicalJson(fromJson?.code)).toBe(canonicalJson(fromDsl?.code));
  });
});
