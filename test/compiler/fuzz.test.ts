// The compiler never throws and never hangs, whatever it is given: random workflows, mutated
// valid texts (DSL and JSON), junk, and hostile inputs. Every input either compiles or gets at
// least one error, and every diagnostic points inside the text it was given.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSource, type CompileHost, type CompileResult } from '../../src/compiler/index.js';
import { parseDsl } from '../../src/compiler/dsl/index.js';
import type { Diagnostic, Position } from '../../src/compiler/diagnostics.js';
import { LineIndex } from '../../src/compiler/source-map.js';
import { printDsl } from '../../src/compiler/print.js';
import { applyMutations, mutationsArb } from '../arbitraries/mutations.js';
import { wellFormedWorkflowArb, workflowArb } from '../arbitraries/workflow.js';
import { RESERVED } from '../arbitraries/primitives.js';

const host: CompileHost = { readFile: () => '{ "type": "object" }' };

/** No single compile of a fuzz case may take this long: far above the few milliseconds one takes. */
const CASE_TIME_LIMIT_MS = 3000;

function expectPositionIn(p: Position, text: string, lines: LineIndex, what: string): void {
  expect(p.line, what).toBeGreaterThanOrEqual(1);
  expect(p.col, what).toBeGreaterThanOrEqual(1);
  expect(p.offset, what).toBeGreaterThanOrEqual(0);
  expect(p.offset, what).toBeLessThanOrEqual(text.length);
  expect(lines.position(p.offset), what).toEqual({ line: p.line, col: p.col, offset: p.offset });
}

function expectLocated(d: Diagnostic, text: string, lines: LineIndex): void {
  const what = `${d.rule}: ${d.message}`;
  expect(d.span, `${what} has no position`).toBeDefined();
  if (!d.span) return;
  expectPositionIn(d.span.start, text, lines, `start of ${what}`);
  expect(d.span.end.offset, `end of ${what}`).toBeGreaterThanOrEqual(d.span.start.offset);
  expect(d.span.end.line, `end of ${what}`).toBeGreaterThanOrEqual(d.span.start.line);
}

/** Compiles without throwing, in bounded time; compiled xor an error; every diagnostic located. */
function compileChecked(source: string | Uint8Array, file: string, timeLimitMs = CASE_TIME_LIMIT_MS): CompileResult {
  const start = performance.now();
  const result = compileSource(source, file, host);
  expect(performance.now() - start).toBeLessThan(timeLimitMs);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(result.bytecode === undefined, result.diagnostics.map((d) => d.rule).join(', ')).toBe(errors.length > 0);
  const lines = new LineIndex(result.text);
  for (const d of result.diagnostics) expectLocated(d, result.text, lines);
  return result;
}

const formArb = fc.constantFrom('dsl' as const, 'json' as const, 'json-pretty' as const);

function render(ast: Parameters<typeof printDsl>[0], form: 'dsl' | 'json' | 'json-pretty'): { text: string; file: string } {
  if (form === 'dsl') return { text: printDsl(ast), file: 'fuzz.aos' };
  return { text: JSON.stringify(ast, null, form === 'json' ? undefined : 2), file: 'fuzz.json' };
}

const TOKENS = [...RESERVED, '{', '}', '[', ']', '(', ')', ',', ':', '.', '$', '=', '==', '<', '"x"', '"""a"""', '1', '-2', '1.5', '30s', '1mb', 'a', 'b-c', '//c\n', '/*c*/', '\n'];

const junkArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(' ')),
  fc.array(fc.constantFrom('{', '}', '[', ']', '"', ':', ',', 'null', '"kind"', '"body"', '1', 'true'), { maxLength: 60 }).map((t) => t.join('')),
);

/** The shipped workflows, each in both forms. */
function shippedTexts(): { text: string; file: string }[] {
  const dir = new URL('../../workflows/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.aos'))
    .flatMap((f) => {
      const text = readFileSync(new URL(f, dir), 'utf8');
      return [
        { text, file: f },
        { text: JSON.stringify(parseDsl(text, f).ast, null, 2), file: f.replace(/\.aos$/, '.json') },
      ];
    });
}

describe('fuzzing compileSource', () => {
  // 550 + 150 + 150 + 250 = 1,100 cases per run.
  it('mutated valid workflows, in both forms', () => {
    fc.assert(
      fc.property(wellFormedWorkflowArb, formArb, mutationsArb, (ast, form, mutations) => {
        const { text, file } = render(ast, form);
        compileChecked(applyMutations(text, mutations), file);
      }),
      { numRuns: 550 },
    );
  });

  it('mutated shipped workflows, in both forms', () => {
    const shipped = shippedTexts();
    fc.assert(
      fc.property(fc.constantFrom(...shipped), mutationsArb, ({ text, file }, mutations) => {
        compileChecked(applyMutations(text, mutations), file);
      }),
      { numRuns: 150 },
    );
  });

  it('random workflows, in both forms', () => {
    fc.assert(
      fc.property(workflowArb, formArb, (ast, form) => {
        const { text, file } = render(ast, form);
        compileChecked(text, file);
      }),
      { numRuns: 150 },
    );
  });

  it('junk: random text, random bytes and token soup, read as either form', () => {
    fc.assert(
      fc.property(junkArb, fc.constantFrom('junk.aos', 'junk.json'), (source, file) => {
        const result = compileChecked(source, file);
        expect(result.bytecode).toBeUndefined();
      }),
      { numRuns: 250 },
    );
  });
});

const DSL_HEAD = 'workflow w version "1"\n';
const JSON_HEAD = '{"workflow": "w", "version": "1", ';

function rulesOf(result: CompileResult): string[] {
  return result.diagnostics.map((d) => d.rule);
}

describe('hostile JSON keys', () => {
  const base = (main: string) => `${JSON_HEAD}"main": ${main}}`;
  const cases: [string, string][] = [
    ['at the root', `${JSON_HEAD}"__proto__": {"polluted": true}, "main": {"body": []}}`],
    ['constructor at the root', `${JSON_HEAD}"constructor": {"prototype": {"polluted": true}}, "main": {"body": []}}`],
    ['in main', base('{"body": [], "__proto__": {"supervisor": "x"}}')],
    ['in a statement', base('{"body": [{"kind": "exit", "__proto__": {"value": 1}}]}')],
    ['in an expression', base('{"body": [{"kind": "exit", "value": {"kind": "ref", "path": ["a"], "prototype": {}}}]}')],
    ['in an agent', `${JSON_HEAD}"agents": [{"name": "a", "__proto__": {"role": "worker"}}], "main": {"body": []}}`],
    ['in a budget', `${JSON_HEAD}"agents": [{"name": "a", "budget": {"__proto__": {"turns": 1}}}], "main": {"body": []}}`],
  ];

  it.each(cases)('an unknown key %s is a schema error and pollutes nothing', (_where, text) => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const result = compileChecked(text, 'hostile.json');
    expect(rulesOf(result)).toContain('schema');
    expect(result.bytecode).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an artifact schema with a __proto__ key compiles or is reported, and pollutes nothing', () => {
    const text = `${JSON_HEAD}"artifacts": [{"name": "x", "schema": {"type": "object", "__proto__": {"polluted": true}}}], "main": {"body": []}}`;
    compileChecked(text, 'hostile.json');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('names that are Object.prototype properties', () => {
  const names = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(names)('an undeclared agent named %s is unknown, in both forms', (name) => {
    const ast = { workflow: 'w', version: '1', main: { body: [{ kind: 'call', agent: name, timeout: 1000, let: 'r' }] } };
    for (const [text, file] of [
      [printDsl(ast as never), 'w.aos'],
      [JSON.stringify(ast), 'w.json'],
    ] as const) {
      expect(rulesOf(compileChecked(text, file))).toContain('unknown-agent');
    }
  });

  it.each(names)('declarations, variables and object keys named %s compile, keys kept in the constants', (name) => {
    const text = `${DSL_HEAD}
agent ${name} { role worker model m prompt "p" budget { turns 1 tokens 10 time 1s } }
model m { id "x" }
main {
  let ${name} = call ${name} with { ${name}: 1 } timeout 1s
  exit { ${name}: ${name}.output }
}
`;
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const result = compileChecked(text, 'names.aos');
    expect(result.bytecode, rulesOf(result).join(', ')).toBeDefined();
    expect(JSON.stringify(result.bytecode?.code)).toContain(`"${name}"`);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe('hostile depth', () => {
  const deep = 10_000;
  it.each<[string, string, string]>([
    ['DSL blocks', `${DSL_HEAD}main {\n${'if true {\n'.repeat(deep)}${'}\n'.repeat(deep)}}\n`, 'deep.aos'],
    ['DSL parentheses', `${DSL_HEAD}main { exit ${'('.repeat(deep)}1${')'.repeat(deep)} }\n`, 'deep.aos'],
    ['DSL lists', `${DSL_HEAD}main { exit ${'['.repeat(deep)}${']'.repeat(deep)} }\n`, 'deep.aos'],
    ['DSL not', `${DSL_HEAD}main { exit ${'not '.repeat(deep)}true }\n`, 'deep.aos'],
    ['DSL else-if chain', `${DSL_HEAD}main {\n  if true {}${' else if true {}'.repeat(deep)}\n}\n`, 'deep.aos'],
    ['DSL unclosed', `${DSL_HEAD}main {\n${'loop max 1 {\n'.repeat(deep)}`, 'deep.aos'],
    ['JSON arrays', `${JSON_HEAD}"main": {"body": [{"kind": "exit", "value": ${'['.repeat(deep)}${']'.repeat(deep)}}]}}`, 'deep.json'],
    ['JSON objects', `${JSON_HEAD}"main": {"body": [{"kind": "exit", "value": ${'{"a": '.repeat(deep)}1${'}'.repeat(deep)}}]}}`, 'deep.json'],
    ['JSON statements', `${JSON_HEAD}"main": {"body": ${'[{"kind": "loop", "max": 1, "body": '.repeat(deep)}[]${'}]'.repeat(deep)}}}`, 'deep.json'],
    ['JSON unclosed', `${JSON_HEAD}"main": {"body": ${'[{"kind": "loop", "max": 1, "body": '.repeat(deep)}`, 'deep.json'],
  ])('%s nested 10,000 deep: nesting-too-deep, no stack overflow', (_name, text, file) => {
    expect(rulesOf(compileChecked(text, file))).toContain('nesting-too-deep');
  });

  it.each(['dsl', 'json'] as const)('statements nested 100 deep (within the JSON depth bound) in the %s form: nesting-too-deep', (form) => {
    let body: unknown[] = [{ kind: 'exit' }];
    for (let i = 0; i < 100; i++) body = [{ kind: 'loop', max: 1, body }];
    const { text, file } = render({ workflow: 'w', version: '1', main: { body } } as never, form);
    expect(rulesOf(compileChecked(text, file))).toContain('nesting-too-deep');
  });
});

/** A deterministic byte stream (xorshift32), so the junk files are the same on every run. */
function pseudoRandomBytes(length: number, seed: number, map: (byte: number) => number = (b) => b): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = map(x & 0xff);
  }
  return out;
}

describe('one-megabyte files', () => {
  const MB = 1 << 20;
  // Generous for a loaded machine, yet far below what a cost quadratic in the size would take.
  const BIG_TIME_LIMIT_MS = 20_000;

  function bigWorkflow(): string {
    const lines = [DSL_HEAD, 'main {'];
    let size = DSL_HEAD.length;
    for (let i = 0; size < MB; i++) {
      const line = `  let v${i} = { n: ${i}, s: "value ${i}" }`;
      lines.push(line);
      size += line.length + 1;
    }
    lines.push('  exit v0', '}', '');
    return lines.join('\n');
  }

  it('a valid 1 MB workflow compiles in both forms to the same code', () => {
    const text = bigWorkflow();
    expect(text.length).toBeGreaterThanOrEqual(MB);
    const dsl = compileChecked(text, 'big.aos', BIG_TIME_LIMIT_MS);
    expect(dsl.bytecode, rulesOf(dsl).slice(0, 5).join(', ')).toBeDefined();
    const json = compileChecked(JSON.stringify(dsl.ast), 'big.json', BIG_TIME_LIMIT_MS);
    expect(json.bytecode?.codeHash).toBe(dsl.bytecode?.codeHash);
  });

  it.each(['junk.aos', 'junk.json'])('1 MB of random bytes as %s: diagnostics, no throw', (file) => {
    const result = compileChecked(pseudoRandomBytes(MB, 7), file, BIG_TIME_LIMIT_MS);
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });

  it.each(['junk.aos', 'junk.json'])('1 MB of printable ASCII junk as %s: diagnostics, no throw', (file) => {
    const text = new TextDecoder().decode(pseudoRandomBytes(MB, 11, (b) => 32 + (b % 95)));
    const result = compileChecked(text, file, BIG_TIME_LIMIT_MS);
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('encodings', () => {
  const valid = `${DSL_HEAD}main { exit 1 }\n`;
  const broken = `${DSL_HEAD}main {\n  exit )\n}\n`;
  const bytes = (text: string) => new TextEncoder().encode(text);
  const withBom = (b: Uint8Array) => new Uint8Array([0xef, 0xbb, 0xbf, ...b]);

  it('a byte-order mark is skipped, as text and as bytes', () => {
    expect(compileChecked(`\uFEFF${valid}`, 'bom.aos').bytecode).toBeDefined();
    expect(compileChecked(withBom(bytes(valid)), 'bom.aos').bytecode).toBeDefined();
    expect(compileChecked(withBom(bytes(JSON.stringify({ workflow: 'w', version: '1', main: { body: [] } }))), 'bom.json').bytecode).toBeDefined();
  });

  it('positions after a byte-order mark are not shifted by it', () => {
    const plain = compileChecked(broken, 'x.aos').diagnostics[0]?.span?.start;
    expect(plain).toMatchObject({ line: 3, col: 8 });
    expect(compileChecked(`\uFEFF${broken}`, 'x.aos').diagnostics[0]?.span?.start).toEqual(plain);
    expect(compileChecked(withBom(bytes(broken)), 'x.aos').diagnostics[0]?.span?.start).toEqual(plain);
  });

  function invalidAt(prefix: string, bad: number[], suffix = ' }\n'): Position | undefined {
    const source = new Uint8Array([...bytes(prefix), ...bad, ...bytes(suffix)]);
    const result = compileChecked(source, 'enc.aos');
    expect(rulesOf(result)).toEqual(['invalid-encoding']);
    return result.diagnostics[0]?.span?.start;
  }

  it.each<[string, number[]]>([
    ['a 0xFF byte', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a surrogate encoded in UTF-8', [0xed, 0xa0, 0x80]],
    ['a lead byte without its continuation', [0xc3, 0x41]],
  ])('%s is invalid-encoding at its line and column', (_name, bad) => {
    // Line 3 holds `  exit "é` before the bad byte: nine UTF-16 code units, so the byte is column 10.
    expect(invalidAt(`${DSL_HEAD}main {\n  exit "é`, bad)).toMatchObject({ line: 3, col: 10 });
  });

  it('a sequence cut off by the end of the file is invalid-encoding where it starts', () => {
    const source = new Uint8Array([...bytes(`${DSL_HEAD}main {}\n// x`), 0xe2, 0x82]);
    const result = compileChecked(source, 'enc.aos');
    expect(rulesOf(result)).toEqual(['invalid-encoding']);
    expect(result.diagnostics[0]?.span?.start).toMatchObject({ line: 3, col: 5 });
  });
});

describe('numbers that are not safe integers', () => {
  const agentWith = (budget: string) => `${DSL_HEAD}model m { id "x" }\nagent a { role worker model m prompt "p" budget { ${budget} } }\nmain { call a timeout 1s }\n`;
  const jsonAgentWith = (budget: string) =>
    `${JSON_HEAD}"models": [{"name": "m", "id": "x"}], "agents": [{"name": "a", "role": "worker", "model": "m", "prompt": "p", "budget": {${budget}}}], "main": {"body": [{"kind": "call", "agent": "a", "timeout": 1000}]}}`;

  it.each<[string, string, string, string]>([
    ['2^53+1 turns', agentWith('turns 9007199254740993 tokens 1 time 1s'), 'x.aos', 'unsafe-integer'],
    ['2^53+1 ms', agentWith('turns 1 tokens 1 time 9007199254740993ms'), 'x.aos', 'unsafe-integer'],
    ['hours past 2^53 ms', agentWith('turns 1 tokens 1 time 2501999792984h'), 'x.aos', 'unsafe-integer'],
    ['a huge timeout', `${DSL_HEAD}main { sleep 99999999999999999999s }\n`, 'x.aos', 'unsafe-integer'],
    ['-2^53-1', `${DSL_HEAD}main { exit -9007199254740993 }\n`, 'x.aos', 'unsafe-integer'],
    ['NaN turns', agentWith('turns NaN tokens 1 time 1s'), 'x.aos', 'syntax-error'],
    ['Infinity turns', agentWith('turns Infinity tokens 1 time 1s'), 'x.aos', 'syntax-error'],
    ['2^53+1 turns (JSON)', jsonAgentWith('"turns": 9007199254740993, "tokens": 1, "time": 1000'), 'x.json', 'unsafe-integer'],
    ['2^53+1 timeout (JSON)', `${JSON_HEAD}"main": {"body": [{"kind": "sleep", "duration": 9007199254740993}]}}`, 'x.json', 'unsafe-integer'],
    ['NaN turns (JSON)', jsonAgentWith('"turns": NaN, "tokens": 1, "time": 1000'), 'x.json', 'syntax-error'],
    ['Infinity time (JSON)', jsonAgentWith('"turns": 1, "tokens": 1, "time": Infinity'), 'x.json', 'syntax-error'],
  ])('%s: %s', (_name, text, file, rule) => {
    const result = compileChecked(text, file);
    expect(rulesOf(result)).toContain(rule);
  });

  it.each<[string, string, string]>([
    ['a decimal that overflows to Infinity', `${DSL_HEAD}main { exit 1.0e999 }\n`, 'x.aos'],
    ['a temperature that overflows', `${DSL_HEAD}model m { id "x" temperature 1.0e999 }\nmain {}\n`, 'x.aos'],
    ['a JSON number that overflows', `${JSON_HEAD}"main": {"body": [{"kind": "exit", "value": 1e999}]}}`, 'x.json'],
    ['a JSON duration written with an exponent past 2^53', `${JSON_HEAD}"main": {"body": [{"kind": "sleep", "duration": 1e300}]}}`, 'x.json'],
  ])('%s is an error, never Infinity or a rounded number in the bytecode', (_name, text, file) => {
    const result = compileChecked(text, file);
    expect(result.bytecode).toBeUndefined();
  });
});

describe('degenerate files', () => {
  it.each<[string, string]>([
    ['', 'empty.aos'],
    ['', 'empty.json'],
    ['   \n\t\n', 'blank.aos'],
    ['// only a comment\n/* and a block\n comment */\n', 'comments.aos'],
    ['// only a comment\n', 'comments.json'],
    ['/* unterminated', 'open.aos'],
    ['"""unterminated', 'open.aos'],
  ])('%j as %s: an error at a valid position', (text, file) => {
    const result = compileChecked(text, file);
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.bytecode).toBeUndefined();
  });
});
