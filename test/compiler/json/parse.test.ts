import { describe, expect, it } from 'vitest';
import { parseJsonWorkflow } from '../../../src/compiler/json/index.js';
import type { Diagnostic, Span } from '../../../src/compiler/diagnostics.js';

function at(span: Span | undefined): string {
  return span ? `${span.start.line}:${span.start.col}-${span.end.line}:${span.end.col}` : 'none';
}

function summary(d: Diagnostic): string {
  return `${d.rule} ${at(d.span)}`;
}

describe('values and keys are mapped to their spans', () => {
  const text = ['{', '  "workflow": "w",', '  "main": {"body": [', '    {"kind": "exit", "value": 1.5}', '  ]}', '}'].join('\n');
  const { ast, map, diagnostics } = parseJsonWorkflow(text, 'w.json');

  it('builds the plain JSON value', () => {
    expect(diagnostics).toEqual([]);
    expect(ast).toEqual({ workflow: 'w', main: { body: [{ kind: 'exit', value: 1.5 }] } });
  });

  it('maps scalar values, including quotes, on their line', () => {
    expect(at(map.locate('/workflow'))).toBe('2:15-2:18');
    expect(at(map.locate('/main/body/0/value'))).toBe('4:31-4:34');
  });

  it('maps objects and arrays from their opening to past their closing bracket', () => {
    expect(at(map.locate(''))).toBe('1:1-6:2');
    expect(at(map.locate('/main/body'))).toBe('3:20-5:4');
    expect(at(map.locate('/main/body/0'))).toBe('4:5-4:35');
  });

  it('maps property keys separately from their values', () => {
    expect(at(map.locate('/main/body/0/kind', true))).toBe('4:6-4:12');
    expect(at(map.locate('/main/body/0/kind'))).toBe('4:14-4:20');
  });

  it('offsets agree with line and column', () => {
    const span = map.locate('/main/body/0/kind') as Span;
    expect(text.slice(span.start.offset, span.end.offset)).toBe('"exit"');
  });
});

it('escapes "~" and "/" in the pointers of keys', () => {
  const { map } = parseJsonWorkflow('{"a/b": {"c~d": 1}}', 'w.json');
  expect(at(map.locate('/a~1b/c~0d'))).toBe('1:17-1:18');
  expect(at(map.locate('/a~1b/c~0d', true))).toBe('1:10-1:15');
});

it('counts columns in UTF-16 code units after CRLF line ends', () => {
  const { map } = parseJsonWorkflow('{\r\n"é😀": "x",\r\n"b": 2}', 'w.json');
  expect(at(map.locate('/é😀'))).toBe('2:8-2:11');
  expect(at(map.locate('/b'))).toBe('3:6-3:7');
});

describe('syntax errors', () => {
  it('locates a missing comma and names what was found', () => {
    const { diagnostics } = parseJsonWorkflow('{\n  "a": 1\n  "b": 2\n}', 'w.json');
    expect(diagnostics.map(summary)).toEqual(['syntax-error 3:3-3:6']);
    expect(diagnostics[0]?.message).toBe('expected a comma, found "\\"b\\""');
  });

  it('reports several errors in one file', () => {
    const { diagnostics } = parseJsonWorkflow('{"a" 1, "b": 2 "c": 3, "d": }', 'w.json');
    expect(diagnostics.map((d) => d.message)).toEqual([
      'expected ":" after the property name, found "1"',
      'expected a comma, found "\\"c\\""',
      'expected a value, found "}"',
    ]);
    expect(diagnostics.every((d) => d.rule === 'syntax-error' && d.pointer === '')).toBe(true);
  });

  it('rejects comments and trailing commas: the JSON form is strict JSON', () => {
    const comment = parseJsonWorkflow('// note\n{}', 'w.json').diagnostics;
    expect(comment.map((d) => `${summary(d)} ${d.message}`)).toEqual(['syntax-error 1:1-1:8 comments are not allowed in JSON']);
    const trailing = parseJsonWorkflow('{"a": [1, 2,\n], "b": 1,}', 'w.json').diagnostics;
    expect(trailing.map((d) => `${summary(d)} ${d.message}`)).toEqual([
      'syntax-error 1:12-1:13 trailing commas are not allowed in JSON',
      'syntax-error 2:10-2:11 trailing commas are not allowed in JSON',
    ]);
  });

  it('places the end of the file after an unterminated block comment on its own line', () => {
    // The comment swallows the last line break; the end of the file is still line 3, column 1.
    const { diagnostics } = parseJsonWorkflow('{"a": 1,\n /* open\n', 'w.json');
    const eof = diagnostics.find((d) => d.message.includes('the end of the file'));
    expect(eof?.span?.start).toEqual({ line: 3, col: 1, offset: 18 });
  });

  it('rejects NaN and Infinity', () => {
    const { diagnostics } = parseJsonWorkflow('[NaN, Infinity]', 'w.json');
    expect(diagnostics.map(summary)).toContain('syntax-error 1:2-1:5');
    expect(diagnostics.map(summary)).toContain('syntax-error 1:7-1:15');
    expect(diagnostics[0]?.message).toMatch(/^"NaN" is not a JSON value/);
  });

  it('reports an unterminated string and an empty document', () => {
    expect(parseJsonWorkflow('{"a": "open\n}', 'w.json').diagnostics[0]?.message).toMatch(/^unterminated string/);
    const empty = parseJsonWorkflow('', 'w.json');
    expect(empty.ast).toBeUndefined();
    expect(empty.diagnostics.map((d) => `${summary(d)} ${d.message}`)).toEqual(['syntax-error 1:1-1:1 expected a value, found the end of the file']);
  });

  it('reports text after the document', () => {
    expect(parseJsonWorkflow('{} {}', 'w.json').diagnostics.map((d) => d.message)).toEqual([
      'expected the end of the document after its value, found "{"',
    ]);
  });
});

describe('duplicate keys', () => {
  it('are reported at the second key, with the first one in a hint', () => {
    const { ast, diagnostics } = parseJsonWorkflow('{\n  "name": "a",\n  "name": "b"\n}', 'w.json');
    expect(diagnostics.map(summary)).toEqual(['duplicate-key 3:3-3:9']);
    const [d] = diagnostics;
    expect(d?.pointer).toBe('/name');
    expect(d?.atKey).toBe(true);
    expect(d?.message).toBe('duplicate key "name"');
    expect(d?.hints[0]?.message).toBe('first defined at 2:3');
    expect(at(d?.hints[0]?.span)).toBe('2:3-2:9');
    expect(ast).toEqual({ name: 'b' });
  });

  it('are told apart per object', () => {
    expect(parseJsonWorkflow('[{"a": 1}, {"a": 2}]', 'w.json').diagnostics).toEqual([]);
  });
});

describe('numbers are checked on their raw text', () => {
  it('reports 2^53 + 1, which JSON.parse would round', () => {
    expect(JSON.parse('9007199254740993')).toBe(9007199254740992);
    const { diagnostics } = parseJsonWorkflow('{"turns": 9007199254740993}', 'w.json');
    expect(diagnostics.map(summary)).toEqual(['unsafe-integer 1:11-1:27']);
    expect(diagnostics[0]?.pointer).toBe('/turns');
    expect(diagnostics[0]?.message).toContain('9007199254740993');
  });

  it('accepts the largest safe integers and decimals', () => {
    expect(parseJsonWorkflow('[9007199254740991, -9007199254740991, 1.5, 1e20, -0]', 'w.json').diagnostics).toEqual([]);
  });

  it('reports negative unsafe integers and numbers too large for a double', () => {
    const { diagnostics } = parseJsonWorkflow('[-9007199254740993, 1e400]', 'w.json');
    expect(diagnostics.map((d) => `${d.rule} ${d.pointer}`)).toEqual(['unsafe-integer /0', 'unsafe-integer /1']);
    expect(diagnostics[1]?.message).toBe('number 1e400 is too large to represent');
  });
});

describe('objects are built without touching prototypes', () => {
  it('keeps "__proto__" and "constructor" as own data properties', () => {
    const { ast, diagnostics } = parseJsonWorkflow('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}', 'w.json');
    expect(diagnostics).toEqual([]);
    const object = ast as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(object, '__proto__')?.value).toEqual({ polluted: true });
    expect((object as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reports a repeated "__proto__" as a duplicate key', () => {
    expect(parseJsonWorkflow('{"__proto__": 1, "__proto__": 2}', 'w.json').diagnostics.map((d) => d.rule)).toEqual(['duplicate-key']);
  });
});

describe('byte-order mark', () => {
  it('parses BOM-free text with columns from the first character', () => {
    const { map, diagnostics } = parseJsonWorkflow('{"a": 1}', 'w.json');
    expect(diagnostics).toEqual([]);
    expect(at(map.locate(''))).toBe('1:1-1:9');
  });

  it('reads a leading BOM as whitespace, keeping offsets into the text it was given', () => {
    const { ast, map, diagnostics } = parseJsonWorkflow('\uFEFF{"a": 1}', 'w.json');
    expect(diagnostics).toEqual([]);
    expect(ast).toEqual({ a: 1 });
    expect(map.locate('')?.start.offset).toBe(1);
  });
});
