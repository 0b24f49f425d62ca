// CST nodes keep their children in ordinary objects (see ExpressionGrammar): that is safe only
// while no child key — a label or a token name — is an Object.prototype member.
import { expect, test } from 'vitest';
import { lex } from '../../../src/compiler/dsl/lexer.js';
import { grammarProductions, parseTokens } from '../../../src/compiler/dsl/parser.js';

interface Production {
  label?: string;
  terminalType?: { name: string };
  nonTerminalName?: string;
  definition?: Production[];
}

function childKeys(productions: readonly Production[], out: Set<string>): Set<string> {
  for (const p of productions) {
    if (p.terminalType) out.add(p.label ?? p.terminalType.name);
    // A rule reference's definition is the referenced rule's: it is walked as a rule of its own.
    else if (p.nonTerminalName) out.add(p.label ?? p.nonTerminalName);
    else if (p.definition) childKeys(p.definition, out);
  }
  return out;
}

test('no CST child key is an Object.prototype member', () => {
  const rules = Object.values(grammarProductions()) as unknown as Production[];
  const keys = childKeys(rules, new Set());
  expect(keys.size).toBeGreaterThan(50);
  const inherited = Object.getOwnPropertyNames(Object.prototype);
  expect([...keys].filter((k) => inherited.includes(k))).toEqual([]);
});

test('CST children are ordinary objects', () => {
  const { cst } = parseTokens(lex('workflow w version "1" main { let x = [1, {a: b.c}] }').tokens);
  expect(Object.getPrototypeOf(cst.children)).toBe(Object.prototype);
});
