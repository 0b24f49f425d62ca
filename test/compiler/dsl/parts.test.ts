// A large file is parsed in parts of whole declarations (this one, of 400 agents, in several);
// the result must not depend on where the parts fall: the same AST as the JSON form, errors at
// their lines, later parts still read.
import { describe, expect, it } from 'vitest';
import { parseDsl } from '../../../src/compiler/dsl/index.js';
import { parseJsonWorkflow } from '../../../src/compiler/json/index.js';
import { printDsl } from '../../../src/compiler/print.js';
import type { Workflow } from '../../../src/generated/workflow.js';

function agent(i: number): string {
  return `agent worker_${i} {
  role worker
  model default
  prompt "Do step ${i}."
  mount shared "/shared"
  budget { turns 4 tokens 1000 time 1m }
  run {
    let x = { step: ${i}, tags: ["a", "b"], ok: true }
    if x.step > 3 and not x.ok { fail "step ${i}" } else { exit x }
  }
}
`;
}

/** A workflow of n agents: about 40 tokens a line, several thousand tokens every hundred agents. */
function large(n: number, broken?: number): string {
  const agents = Array.from({ length: n }, (_, i) => (i === broken ? agent(i).replace('role worker', 'role') : agent(i)));
  return `workflow big version "1"\nmodel default { id "m" }\n${agents.join('')}main {\n  call worker_0 timeout 1m\n}\n`;
}

describe('parsing a large file in parts', () => {
  const text = large(400);
  const parsed = parseDsl(text, 'big.aos');

  it('gives the AST the JSON form of the same workflow gives, every declaration kept in order', () => {
    expect(parsed.diagnostics).toEqual([]);
    const ast = parsed.ast as Workflow;
    expect(ast.agents?.map((a) => a.name)).toEqual(Array.from({ length: 400 }, (_, i) => `worker_${i}`));
    const fromJson = parseJsonWorkflow(JSON.stringify(ast), 'big.json');
    expect(fromJson.ast).toEqual(ast);
    expect(printDsl(ast)).toBe(printDsl(parseDsl(printDsl(ast), 'again.aos').ast as Workflow));
  });

  it('locates nodes in later parts at their own lines', () => {
    const line = text.split('\n').findIndex((l) => l.startsWith('agent worker_350 ')) + 1;
    expect(parsed.map.locate('/agents/350/name')?.start.line).toBe(line);
  });

  it('reports an error deep in the file at its line, and still reads the declarations after it', () => {
    const broken = large(400, 300);
    const result = parseDsl(broken, 'big.aos');
    const line = broken.split('\n').findIndex((l) => l.startsWith('agent worker_300 ')) + 3;
    expect(result.diagnostics.map((d) => [d.rule, d.span?.start.line])).toEqual([['syntax-error', line]]);
    expect(result.diagnostics[0]?.message).toContain("found 'model'");
    expect((result.ast as Workflow).agents?.at(-1)?.name).toBe('worker_399');
  });
});
