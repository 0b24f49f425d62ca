import { describe, expect, test } from 'vitest';
import { lex } from '../../../src/compiler/dsl/lexer.js';
import { tripleQuoted } from '../../../src/compiler/dsl/literals.js';
import { expr, located } from './helpers.js';

/** `Type:image` for each token. */
function tokens(text: string): string[] {
  const { tokens: out, errors } = lex(text);
  expect(errors).toEqual([]);
  return out.map((t) => `${t.tokenType.name}:${t.image}`);
}

describe('numbers, durations and sizes', () => {
  test('a unit right after the digits makes a duration or size', () => {
    expect(tokens('500ms 30s 10m 2h 7b 4kb 1mb 2gb 42 -3 1.5 -0.25e-3')).toEqual([
      'Duration:500ms', 'Duration:30s', 'Duration:10m', 'Duration:2h',
      'Size:7b', 'Size:4kb', 'Size:1mb', 'Size:2gb',
      'Integer:42', 'Integer:-3', 'Decimal:1.5', 'Decimal:-0.25e-3',
    ]);
  });

  test('a number with a word stuck to it is one malformed token, not two', () => {
    expect(tokens('10sec 1.5s 3x 1e3')).toEqual(['BadNumber:10sec', 'BadNumber:1.5s', 'BadNumber:3x', 'BadNumber:1e3']);
  });

  test('durations and sizes convert to milliseconds and bytes', () => {
    const text = 'workflow w version "1"\ntool t { argv ["x"] timeout 2m output_cap 3kb }\nmain { sleep 1h sleep 250 }';
    expect(tokens(text)).toContain('Duration:2m');
    expect(located(text)).toEqual([]);
  });
});

describe('strings', () => {
  test('double-quoted strings take JSON escapes', () => {
    expect(expr('"tab\\there \\u00e9 \\"q\\" \\\\ \\/"')).toBe('tab\there é "q" \\ /');
  });

  test('an invalid escape or a line break inside quotes is one malformed token', () => {
    expect(tokens('"a\\q" "open')).toEqual(['BadString:"a\\q"', 'BadString:"open']);
  });

  test('a triple-quoted string drops the newline after its quotes and the common indentation', () => {
    expect(tripleQuoted('"""\n    Check every fact.\n      Indented more.\n\n    Last line.\n    """')).toBe(
      'Check every fact.\n  Indented more.\n\nLast line.\n',
    );
  });

  test('a triple-quoted string is raw: no escapes, quotes allowed', () => {
    expect(tripleQuoted('"""a \\n "quoted" b"""')).toBe('a \\n "quoted" b');
  });

  test('a triple-quoted string has the same value with CRLF line ends', () => {
    expect(tripleQuoted('"""\r\n  one\r\n  two\r\n  """')).toBe('one\ntwo\n');
  });

  test('triple-quoted strings are strings wherever a string goes', () => {
    expect(expr('"""\n  hello\n  """')).toBe('hello\n');
  });
});

describe('comments and whitespace', () => {
  test('line and block comments are skipped', () => {
    expect(tokens('a // to the end of the line\n/* a block\n over lines */ b /**/c')).toEqual([
      'Identifier:a', 'Identifier:b', 'Identifier:c',
    ]);
  });

  test('an unterminated block comment is one malformed token, reported once', () => {
    expect(tokens('a /* never closed\n b c')).toEqual(['Identifier:a', 'BadComment:/* never closed\n b c']);
  });
});

describe('keywords and names', () => {
  test('names may contain hyphens and digits; a keyword inside a longer word is a name', () => {
    expect(tokens('docs-merge run-tests run in inputs int inter main_loop loop2')).toEqual([
      'Identifier:docs-merge', 'Identifier:run-tests', 'Run:run', 'In:in', 'Inputs:inputs', 'Int:int',
      'Identifier:inter', 'Identifier:main_loop', 'Identifier:loop2',
    ]);
  });

  test('enum values and property keywords are names outside their place; reserved words are not', () => {
    const text = `workflow w version "1"
artifact strategy
agent reviewer { role reviewer }
agent run { run { let time = ask "next?" returns strategy\nexit time } }
main { let worker = shared\nlet in = 1\nexit worker }`;
    expect(located(text)).toEqual([]);
    expect(located('workflow w version "1"\nagent loop {}\nmain {}')).toEqual(['syntax-error 2:7']);
  });

  test('operators and punctuation', () => {
    expect(tokens('== != <= >= < > = { } ( ) [ ] , : . $')).toEqual([
      'EqualEqual:==', 'NotEqual:!=', 'LessEqual:<=', 'GreaterEqual:>=', 'Less:<', 'Greater:>', 'Equals:=',
      'LCurly:{', 'RCurly:}', 'LParen:(', 'RParen:)', 'LSquare:[', 'RSquare:]', 'Comma:,', 'Colon::', 'Dot:.', 'Dollar:$',
    ]);
  });

  test('a character outside the language is reported where it is', () => {
    expect(lex('a # b').errors.map((e) => e.offset)).toEqual([2]);
  });
});
