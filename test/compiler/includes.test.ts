// Prompt and schema files are read once each through the host, and every bad reference is
// reported at its own place without stopping the compile.
import { describe, expect, it } from 'vitest';
import { compileSource, type CompileHost } from '../../src/compiler/index.js';

function countingHost(files: Record<string, string>): CompileHost & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(path: string) {
      reads.push(path);
      return files[path];
    },
  };
}

const source = (schemaFile: string) => `workflow w version "1"
model m { id "x" }
artifact notes schema file "${schemaFile}"
agent a { model m prompt file "shared.md" budget { turns 1 tokens 1 time 1s } }
agent b { model m prompt file "shared.md" budget { turns 1 tokens 1 time 1s } }
main { let r = call a timeout 1m let s = call b timeout 1m exit r }
`;

describe('includes', () => {
  it('reads a file named by several references once', () => {
    const host = countingHost({ 'shared.md': 'Be brief.', 's.json': '{"type": "object"}' });
    const result = compileSource(source('s.json'), 'w.aos', host);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(host.reads.sort()).toEqual(['s.json', 'shared.md']);
  });

  it('reports a prompt file reused as a schema that is not JSON at the schema reference, without throwing', () => {
    const host = countingHost({ 'shared.md': 'Be brief.' });
    const result = compileSource(source('shared.md'), 'w.aos', host);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.rule, d.pointer])).toEqual([['include-missing', '/artifacts/0/schemaFile']]);
    expect(errors[0]?.message).toContain('schema file "shared.md" is not valid JSON');
    expect(result.bytecode).toBeUndefined();
  });
});
