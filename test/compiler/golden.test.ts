// Golden tests of the checker: each test/compiler/golden/<rule>/<case>.aos (or a JSON-form twin
// <case>.json) is checked with checkSource and rendered with renderText; the text must equal
// <case>.out (<case>.json.out for a JSON case). Files a case includes live in <rule>/files/.
//
// A case must assert something: its output may be empty only when the case file has a line
// `// expect: clean`, and a case under a rule's folder must report that rule. A .aos case and
// its .json twin must report the same rules at the same JSON pointers.
//
// To accept new output after a deliberate change, run `UPDATE_GOLDEN=1 npx vitest run
// test/compiler/golden.test.ts`, which rewrites the .out files; review their diff before committing.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSource, type CheckResult } from '../../src/compiler/index.js';
import { renderText } from '../../src/compiler/render.js';
import { isRuleId, RULES } from '../../src/compiler/rules.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** Rules the front ends and the schema pass report; every other rule needs a golden folder. */
const FRONT_END_RULES = new Set(['syntax-error', 'invalid-encoding', 'unsafe-integer', 'duplicate-key', 'schema', 'include-path']);

interface Case {
  folder: string;
  file: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const folder of readdirSync(GOLDEN).sort()) {
    if (!statSync(join(GOLDEN, folder)).isDirectory()) continue;
    for (const file of readdirSync(join(GOLDEN, folder)).sort()) {
      if (file.endsWith('.aos') || file.endsWith('.json')) out.push({ folder, file });
    }
  }
  return out;
}

function outPath(c: Case): string {
  const path = join(GOLDEN, c.folder, c.file);
  return c.file.endsWith('.aos') ? path.replace(/\.aos$/, '.out') : `${path}.out`;
}

function check(c: Case): CheckResult {
  const dir = join(GOLDEN, c.folder);
  const host = { readFile: (rel: string) => (existsSync(join(dir, rel)) ? readFileSync(join(dir, rel), 'utf8') : undefined) };
  return checkSource(readFileSync(join(dir, c.file)), `${c.folder}/${c.file}`, host);
}

function rendered(result: CheckResult): string {
  const text = renderText(result.diagnostics, result.text);
  return text === '' ? '' : `${text}\n`;
}

const all = cases();

describe('golden checker output', () => {
  it.each(all.map((c) => [`${c.folder}/${c.file}`, c] as const))('%s', (_name, c) => {
    const source = readFileSync(join(GOLDEN, c.folder, c.file), 'utf8');
    const clean = /^\s*\/\/ expect: clean\s*$/m.test(source);
    const actual = rendered(check(c));
    if (clean) {
      expect(actual).toBe('');
      return;
    }
    expect(actual, 'a case without `// expect: clean` must report something').not.toBe('');
    if (isRuleId(c.folder)) expect(actual).toContain(`[${c.folder}]`);
    if (UPDATE) writeFileSync(outPath(c), actual);
    expect(existsSync(outPath(c)), `missing ${outPath(c)}: run with UPDATE_GOLDEN=1 to write it`).toBe(true);
    expect(actual).toBe(readFileSync(outPath(c), 'utf8'));
  });

  const twins = all.filter((c) => c.file.endsWith('.json') && existsSync(join(GOLDEN, c.folder, c.file.replace(/\.json$/, '.aos'))));

  it.each(twins.map((c) => [`${c.folder}/${c.file}`, c] as const))('%s reports what its .aos twin does, at the same pointers', (_name, c) => {
    const places = (r: CheckResult) => r.diagnostics.map((d) => `${d.severity} ${d.rule} ${d.pointer}`).sort();
    const dsl = check({ folder: c.folder, file: c.file.replace(/\.json$/, '.aos') });
    expect(places(check(c))).toEqual(places(dsl));
  });

  it('has a case for every rule the checks report', () => {
    const folders = new Set(all.map((c) => c.folder));
    const missing = Object.keys(RULES).filter((rule) => !FRONT_END_RULES.has(rule) && !folders.has(rule));
    expect(missing).toEqual([]);
    expect(twins.length).toBeGreaterThanOrEqual(5);
  });
});
