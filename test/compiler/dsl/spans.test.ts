// The source map: each AST pointer locates the tokens it came from.
import { describe, expect, test } from 'vitest';
import { parseDsl } from '../../../src/compiler/dsl/index.js';
import { LineIndex } from '../../../src/compiler/source-map.js';

const source = `workflow fact-sheet version "1.0.0"

agent researcher {
  role worker
  budget { turns 8 time 5m }
  mount shared "/shared"
}
task gather { owner researcher verify by tool check { strict: true } }

main {
  let r = call researcher task gather with { topic: "AOS" } timeout 10m
  if r.status == "ok" and not done { write "/out/f.json" r.output } else { fail "no" }
}
`;

const { map, diagnostics } = parseDsl(source, 'fact-sheet.aos');

/** `line:col-line:col` of a pointer's value, or of its key. */
function at(pointer: string, atKey = false): string {
  const span = map.locate(pointer, atKey);
  return span ? `${span.start.line}:${span.start.col}-${span.end.line}:${span.end.col}` : 'none';
}

/** The source text a pointer's value spans. */
function text(pointer: string): string {
  const span = map.locate(pointer);
  return span ? source.slice(span.start.offset, span.end.offset) : '';
}

test('the sample parses cleanly', () => {
  expect(diagnostics).toEqual([]);
});

describe('declarations', () => {
  test('the root is the header; workflow and version are their tokens', () => {
    expect(text('')).toBe('workflow fact-sheet version "1.0.0"');
    expect(at('/workflow')).toBe('1:10-1:20');
    expect(at('/workflow', true)).toBe('1:1-1:9');
    expect(text('/version')).toBe('"1.0.0"');
  });

  test("a declaration spans its braces; its name maps to the name token", () => {
    expect(at('/agents/0')).toBe('3:1-7:2');
    expect(at('/agents/0/name')).toBe('3:7-3:17');
  });

  test('a property maps its value to the value tokens and its key to the keyword', () => {
    expect(at('/agents/0/role')).toBe('4:8-4:14');
    expect(at('/agents/0/role', true)).toBe('4:3-4:7');
    expect(text('/agents/0/budget')).toBe('{ turns 8 time 5m }');
    expect(text('/agents/0/budget/time')).toBe('5m');
    expect(at('/agents/0/budget/time', true)).toBe('5:20-5:24');
    expect(text('/agents/0/mounts/0')).toBe('mount shared "/shared"');
    expect(text('/agents/0/mounts/0/path')).toBe('"/shared"');
  });

  test('a verification spans from its keyword; its arguments are located one by one', () => {
    expect(text('/tasks/0/verify')).toBe('verify by tool check { strict: true }');
    expect(text('/tasks/0/verify/tool')).toBe('check');
    expect(text('/tasks/0/verify/args/0')).toBe('strict: true');
    expect(text('/tasks/0/verify/args/0/value')).toBe('true');
  });
});

describe('statements and expressions', () => {
  test('a statement spans its tokens, `let x =` included', () => {
    expect(text('/main/body/0')).toBe('let r = call researcher task gather with { topic: "AOS" } timeout 10m');
    expect(at('/main/body/0')).toBe('11:3-11:72');
  });

  test('clauses map to their values, keyed by their keywords', () => {
    expect(text('/main/body/0/let')).toBe('r');
    expect(at('/main/body/0/let', true)).toBe('11:3-11:6');
    expect(text('/main/body/0/agent')).toBe('researcher');
    expect(text('/main/body/0/input')).toBe('{ topic: "AOS" }');
    expect(at('/main/body/0/input', true)).toBe('11:39-11:43');
    expect(text('/main/body/0/input/fields/0')).toBe('topic: "AOS"');
    expect(text('/main/body/0/timeout')).toBe('10m');
  });

  test('expression nodes span their operands', () => {
    expect(text('/main/body/1/cond')).toBe('r.status == "ok" and not done');
    expect(text('/main/body/1/cond/args/0')).toBe('r.status == "ok"');
    expect(text('/main/body/1/cond/args/0/left')).toBe('r.status');
    expect(text('/main/body/1/cond/args/1')).toBe('not done');
    expect(text('/main/body/1/cond/args/1/arg')).toBe('done');
  });

  test('blocks span their braces; nested statements locate inside them', () => {
    expect(text('/main/body/1/then')).toBe('{ write "/out/f.json" r.output }');
    expect(at('/main/body/1/then/0/path')).toBe('12:44-12:57');
    expect(text('/main/body/1/else/0/reason')).toBe('"no"');
  });

  test('a pointer with no span of its own falls back to its nearest ancestor', () => {
    expect(text('/main/body/0/input/fields/0/value')).toBe('"AOS"');
    expect(text('/main/body/1/cond/args/0/left/path/1')).toBe('r.status');
  });
});

test('token spans agree with the line index, whatever the line ends and characters', () => {
  const tricky = 'workflow w version "1"\r\nmain {\r  let x = "é😀"\n  let y = """\r\n a\r\n """ let z = 1 }';
  const result = parseDsl(tricky, 'tricky.aos');
  expect(result.diagnostics).toEqual([]);
  const index = new LineIndex(tricky);
  for (const pointer of ['/main/body/0/value', '/main/body/1/value', '/main/body/2/value', '/main/body/2/name']) {
    const span = result.map.locate(pointer);
    expect(span).toBeDefined();
    expect(span).toEqual(index.span(span?.start.offset ?? -1, span?.end.offset ?? -1));
  }
});
