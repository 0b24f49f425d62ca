// Mutations of valid workflow texts for fuzzing the front ends: token deletion, duplication
// and swaps, character and byte flips, truncation and insertion of keywords and brackets.
// Positions are drawn as plain numbers and taken modulo the text's length, so one mutation
// list applies to any text and shrinks well.
import fc from 'fast-check';

export type Mutation =
  | { op: 'delete-token' | 'duplicate-token'; at: number }
  | { op: 'swap-tokens'; at: number; with: number }
  | { op: 'replace-char'; at: number; char: string }
  | { op: 'insert'; at: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'flip-byte'; at: number; bit: number };

/** Words and fragments that make for interesting breakage in both forms. */
const INSERTIONS = [
  '{', '}', '[', ']', '(', ')', ',', ':', '.', '$', '-', '"', '"""', '/*', '*/', '//', '\n', '\r', '\t', '\u0000', '\uFEFF',
  'let', 'set', 'if', 'else', 'loop', 'max', 'parallel', 'branch', 'main', 'agent', 'task', 'workflow', 'run', 'not', 'and',
  '==', 'true', 'null', '0', '-1', '1.5', '1.5s', '10sec', '9007199254740993', '1e999', '99999999999999999999h', 'NaN',
  '"kind": "loop"', '"__proto__": {}', '"body": [', 'é', '😀', '\\u0000', '\\',
];

/** Tokens roughly as both lexers see them: strings, words, numbers, punctuation, whitespace. */
const TOKEN = /"(?:[^"\\\n]|\\.)*"?|[A-Za-z_][A-Za-z0-9_-]*|-?[0-9][A-Za-z0-9_.]*|\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|[\s\S]/g;

function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function at(n: number, length: number): number {
  return length === 0 ? 0 : n % length;
}

function applyToTokens(text: string, m: Mutation): string {
  const tokens = tokenize(text);
  if (tokens.length === 0) return text;
  const i = at(m.at, tokens.length);
  if (m.op === 'delete-token') tokens.splice(i, 1);
  else if (m.op === 'duplicate-token') tokens.splice(i, 0, tokens[i] as string);
  else if (m.op === 'swap-tokens') {
    const j = at(m.with, tokens.length);
    [tokens[i], tokens[j]] = [tokens[j] as string, tokens[i] as string];
  }
  return tokens.join('');
}

/** Applies one text-level mutation ('flip-byte' is byte-level: see mutateBytes). */
export function mutateText(text: string, m: Mutation): string {
  switch (m.op) {
    case 'delete-token':
    case 'duplicate-token':
    case 'swap-tokens':
      return applyToTokens(text, m);
    case 'replace-char': {
      const i = at(m.at, text.length);
      return text.slice(0, i) + m.char + text.slice(i + 1);
    }
    case 'insert': {
      const i = at(m.at, text.length + 1);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case 'truncate':
      return text.slice(0, at(m.at, text.length + 1));
    case 'flip-byte':
      return text;
  }
}

/** Applies the mutations in order; byte flips turn the result into UTF-8 bytes (maybe invalid). */
export function applyMutations(text: string, mutations: readonly Mutation[]): string | Uint8Array {
  let out: string | Uint8Array = text;
  for (const m of mutations) {
    if (m.op === 'flip-byte') {
      const bytes: Uint8Array = typeof out === 'string' ? new TextEncoder().encode(out) : out;
      if (bytes.length > 0) bytes[at(m.at, bytes.length)] = (bytes[at(m.at, bytes.length)] as number) ^ (1 << (m.bit % 8));
      out = bytes;
    } else out = typeof out === 'string' ? mutateText(out, m) : out;
  }
  return out;
}

const position = fc.nat();

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete-token' as const, 'duplicate-token' as const), at: position }),
  fc.record({ op: fc.constant('swap-tokens' as const), at: position, with: position }),
  fc.record({ op: fc.constant('replace-char' as const), at: position, char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }),
  fc.record({ op: fc.constant('insert' as const), at: position, text: fc.oneof(fc.constantFrom(...INSERTIONS), fc.string({ maxLength: 4 })) }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({ op: fc.constant('flip-byte' as const), at: position, bit: fc.nat(7) }),
);

export const mutationsArb: fc.Arbitrary<Mutation[]> = fc.array(mutationArb, { minLength: 1, maxLength: 4 });
