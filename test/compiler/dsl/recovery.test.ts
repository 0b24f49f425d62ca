// Syntax errors: several per file, each at its token, each saying what was expected; no input
// makes the front end throw.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseDsl } from '../../../src/compiler/dsl/index.js';
import { diagnosticsOf, located, withMain } from './helpers.js';

describe('recovery', () => {
  test('three separate syntax errors give three diagnostics at their lines', () => {
    const text = `workflow w version "1"
agent a {
  role boss
  model m
}
task t { owner a verify by agent }
main {
  let x = call a timeout soon
  exit x
}
`;
    const diagnostics = diagnosticsOf(text);
    expect(diagnostics.map((d) => `${d.rule} ${d.span?.start.line}:${d.span?.start.col} ${d.message}`)).toEqual([
      "syntax-error 3:8 expected a role (planner, worker, evaluator, reviewer or custom), found 'boss'",
      "syntax-error 6:34 expected a name, found '}'",
      "syntax-error 8:26 expected a duration such as 30s, found 'soon'",
    ]);
  });

  test('what follows an error still parses into the AST', () => {
    const result = parseDsl(withMain('let x = \nexit 1'), 'test.aos');
    expect(result.diagnostics.length).toBeGreaterThan(0);
    const body = (result.ast as { main: { body: { kind: string }[] } }).main.body;
    expect(body.map((s) => s.kind)).toContain('exit');
  });

  test('junk between declarations is reported once and parsing resumes', () => {
    const text = 'workflow w version "1"\nfoo bar\nmodel m { id "x" }\nmain {}';
    const result = parseDsl(text, 'test.aos');
    expect(result.diagnostics.map((d) => `${d.span?.start.line}:${d.span?.start.col} ${d.message}`)).toEqual([
      "2:1 expected a declaration (model, tool, artifact, agent, task, supervisor, retry or main), found 'foo'",
    ]);
    expect((result.ast as { models: unknown[] }).models).toEqual([{ name: 'm', id: 'x' }]);
  });
});

describe('messages', () => {
  function messages(text: string): string[] {
    return diagnosticsOf(text).map((d) => d.message);
  }

  test('a missing closing brace names what the block may hold', () => {
    expect(messages('workflow w version "1"\nagent a { colour red }\nmain {}')).toEqual([
      "expected an agent property (role, model, prompt, tools, mount, caps, budget, restart, retry, supervisor or run) or '}', found 'colour'",
    ]);
    expect(messages(withMain('banana'))).toEqual(["expected a statement or '}', found 'banana'"]);
  });

  test('an unclosed list or object names what it may hold', () => {
    expect(messages(withMain('let x = [1 2 let y = 3'))[0]).toBe("expected an expression or ']', found 'let'");
    expect(messages(withMain('let x = { a: 1, 2 }'))[0]).toBe("expected a field (name: value) or '}', found '2'");
  });

  test('a reserved word where a name goes says so', () => {
    expect(messages(withMain('let loop = 1'))[0]).toBe("expected a name, found 'loop', which is a reserved word");
  });

  test('an empty file and a truncated file say what is missing at the end', () => {
    expect(located('')).toEqual(['syntax-error 1:1']);
    expect(messages('')).toEqual(["expected 'workflow', found the end of the file"]);
    expect(messages('workflow w version "1"\nmain {')).toEqual(["expected a statement or '}', found the end of the file"]);
  });

  test('a schema that is not a constant JSON object', () => {
    expect(messages('workflow w version "1"\nartifact a schema x\nmain {}')).toEqual([
      'a schema must be a constant JSON object or file "path", found \'x\'',
    ]);
    expect(messages('workflow w version "1"\nartifact a schema { "type": x }\nmain {}')).toEqual([
      "a schema must be a constant JSON object: expected a string, number, true, false, null, object or array, found 'x'",
    ]);
  });

  test('malformed tokens are reported once each, with what is wrong with them', () => {
    expect(located(withMain('sleep 10sec\nlet s = "a\\qb"\nlet t = 1 #'))).toEqual(['syntax-error 6:11', 'syntax-error 4:7', 'syntax-error 5:9']);
    expect(messages(withMain('sleep 10sec\nlet s = "a\\qb"\nlet t = 1 #'))).toEqual([
      'unexpected character "#"',
      '"10sec" is not a number: durations are whole numbers with ms, s, m or h (30s), sizes with b, kb, mb or gb (1mb), and a decimal has digits on both sides of its point',
      'invalid string: a string ends on the line it starts and uses only JSON escapes (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX); use """...""" for multi-line text',
    ]);
  });
});

describe('robustness', () => {
  const sample = readFileSync(new URL('../../../workflows/reviewed-merge.aos', import.meta.url), 'utf8');

  test('deleting, duplicating or inserting text anywhere never throws and always reports', () => {
    fc.assert(
      fc.property(fc.nat(sample.length), fc.nat(40), fc.constantFrom('', '{', '}', '(', 'let', '"', '"""', ',', 'not', '9'), (at, length, insert) => {
        const text = sample.slice(0, at) + insert + sample.slice(at + length);
        const result = parseDsl(text, 'mutated.aos');
        for (const d of result.diagnostics) expect(d.span?.start.line).toBeGreaterThan(0);
        return true;
      }),
      { numRuns: 300, seed: 1 },
    );
  });
});
