// A property given twice in one declaration, a key given twice in an inline schema, a second main.
import { describe, expect, test } from 'vitest';
import { parseDsl } from '../../../src/compiler/dsl/index.js';

function diagnostics(text: string): string[] {
  return parseDsl(text, 'd.aos').diagnostics.map((d) => `${d.rule} ${d.pointer} ${d.span?.start.line}:${d.span?.start.col} ${d.message}`);
}

describe('duplicates', () => {
  test('a property given twice is duplicate-key at the second; the first is kept', () => {
    const text = 'workflow w version "1"\nagent a {\n  role worker\n  role planner\n}\nmain {}';
    const result = parseDsl(text, 'd.aos');
    expect(diagnostics(text)).toEqual(['duplicate-key /agents/0/role 4:3 "role" is given twice in one declaration']);
    expect((result.ast as { agents: unknown[] }).agents).toEqual([{ name: 'a', role: 'worker' }]);
    expect(result.diagnostics[0]?.hints.map((h) => result.map.locate(h.pointer ?? '')?.start.line)).toEqual([3]);
  });

  test('inside blocks and in every declaration kind', () => {
    const text = `workflow w version "1"
model m { id "a" id "b" }
tool t { argv ["x"] argv ["y"] }
agent a { budget { turns 1 turns 2 } caps { spawn [] spawn [] } prompt "x" prompt "y" budget {} }
task k { owner a verify by agent b verify by tool c }
supervisor s { strategy one_for_one strategy one_for_all }
retry r { attempts 1 attempts 2 }
main {}`;
    expect(parseDsl(text, 'd.aos').diagnostics.map((d) => `${d.rule} ${d.pointer}`)).toEqual([
      'duplicate-key /models/0/id',
      'duplicate-key /tools/0/argv',
      'duplicate-key /agents/0/budget/turns',
      'duplicate-key /agents/0/caps/spawn',
      'duplicate-key /agents/0/prompt',
      'duplicate-key /agents/0/budget',
      'duplicate-key /tasks/0/verify',
      'duplicate-key /supervisors/0/strategy',
      'duplicate-key /retries/0/attempts',
    ]);
  });

  test('repeatable properties (mount, param) are not duplicates', () => {
    const text = 'workflow w version "1"\ntool t { argv ["x"] param a int param b int }\nagent a { mount shared "/a" mount shared "/b" prompt "p" prompt file "f" }\nmain {}';
    expect(diagnostics(text)).toEqual([]);
  });

  test('a key given twice in an inline schema', () => {
    const text = 'workflow w version "1"\nartifact a schema { "type": "object", "type": "string" }\nmain {}';
    expect(diagnostics(text)).toEqual(['duplicate-key /artifacts/0/schema/type 2:39 key "type" is given twice in one object']);
  });

  test('a second main is duplicate-name at its keyword', () => {
    expect(diagnostics('workflow w version "1"\nmain { exit 1 }\nmain { exit 2 }')).toEqual([
      'duplicate-name /main 3:1 a workflow has one main block; this is a second',
    ]);
  });
});
