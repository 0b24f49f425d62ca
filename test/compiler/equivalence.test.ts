// The two forms of a workflow are one workflow: the printed DSL of any AST parses back to that
// AST, and the DSL and JSON texts of one AST compile to the same diagnostics and, when they
// compile, to byte-identical code with equal code hashes (only the debug section may differ).
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/bytecode/canonical.js';
import { compileSource, type CompileHost, type CompileResult } from '../../src/compiler/index.js';
import { parseDsl } from '../../src/compiler/dsl/index.js';
import { printDsl } from '../../src/compiler/print.js';
import type { Workflow } from '../../src/generated/workflow.js';
import { wellFormedWorkflowArb, workflowArb } from '../arbitraries/workflow.js';

/** Every include reads as the same text: valid JSON, so it serves as a prompt and as a schema. */
const host: CompileHost = { readFile: () => '{ "type": "object" }' };

/** What must agree between the forms: each diagnostic's rule, severity and AST pointer. */
function findings(result: CompileResult): string[] {
  return result.diagnostics.map((d) => `${d.rule} ${d.severity} ${d.pointer}`).sort();
}

function expectSameCompile(ast: Workflow): void {
  const dsl = compileSource(printDsl(ast), 'workflow.aos', host);
  const json = compileSource(JSON.stringify(ast), 'workflow.json', host);
  expect(findings(dsl)).toEqual(findings(json));
  expect(dsl.bytecode === undefined).toBe(json.bytecode === undefined);
  if (dsl.bytecode && json.bytecode) {
    expect(canonicalJson(dsl.bytecode.code)).toBe(canonicalJson(json.bytecode.code));
    expect(dsl.bytecode.codeHash).toBe(json.bytecode.codeHash);
  }
}

describe('printDsl round trip', () => {
  it('the printed DSL of any workflow parses back to the same AST, keys in the same order', () => {
    fc.assert(
      fc.property(workflowArb, (ast) => {
        const parsed = parseDsl(printDsl(ast), 'workflow.aos');
        expect(parsed.diagnostics).toEqual([]);
        expect(JSON.stringify(parsed.ast)).toBe(JSON.stringify(ast));
      }),
      { numRuns: 300 },
    );
  });

  it('printing is a fixed point: print(parse(print(ast))) is print(ast)', () => {
    fc.assert(
      fc.property(wellFormedWorkflowArb, (ast) => {
        const text = printDsl(ast);
        expect(printDsl(parseDsl(text, 'workflow.aos').ast as Workflow)).toBe(text);
      }),
      { numRuns: 100 },
    );
  });
});

describe('DSL and JSON forms compile alike', () => {
  it('well-formed workflows: same diagnostics, same code and code hash', () => {
    let compiled = 0;
    fc.assert(
      fc.property(wellFormedWorkflowArb, (ast) => {
        expectSameCompile(ast);
        if (compileSource(JSON.stringify(ast), 'workflow.json', host).bytecode) compiled++;
      }),
      { numRuns: 150 },
    );
    // The property says little unless most of these workflows really compile.
    expect(compiled).toBeGreaterThan(100);
  });

  it('random workflows: same diagnostics', () => {
    fc.assert(fc.property(workflowArb, expectSameCompile), { numRuns: 100 });
  });

  const shipped = readdirSync(new URL('../../workflows/', import.meta.url)).filter((f) => f.endsWith('.aos'));

  it.each(shipped)('shipped workflow %s: its JSON form compiles to the same code, and it prints back to itself', (file) => {
    const text = readFileSync(new URL(`../../workflows/${file}`, import.meta.url), 'utf8');
    const { ast, diagnostics } = parseDsl(text, file);
    expect(diagnostics).toEqual([]);
    const workflow = ast as Workflow;
    expect(parseDsl(printDsl(workflow), file).ast).toEqual(workflow);
    const dsl = compileSource(text, file, host);
    const json = compileSource(JSON.stringify(workflow, null, 2), file.replace(/\.aos$/, '.json'), host);
    expect(dsl.bytecode).toBeDefined();
    expect(findings(json)).toEqual(findings(dsl));
    expect(canonicalJson(json.bytecode?.code)).toBe(canonicalJson(dsl.bytecode?.code));
    expect(json.bytecode?.codeHash).toBe(dsl.bytecode?.codeHash);
  });
});
