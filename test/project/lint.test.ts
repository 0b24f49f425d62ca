// ESLint runs over the whole project, and its determinism rules really do reject clocks,
// randomness, environment reads and async in the deterministic layers.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

describe('lint', () => {
  it('the project has no lint errors', async () => {
    const results = await eslint.lintFiles(['src', 'test', 'bench', 'scripts']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line}:${m.column} ${m.message} [${m.ruleId}]`));
    expect(errors).toEqual([]);
  });

  const forbidden: [string, string][] = [
    ['export const now = Date.now();', 'no-restricted-globals'],
    ['export const r = Math.random();', 'no-restricted-properties'],
    ['export const home = process.env.HOME;', 'no-restricted-globals'],
    ['export async function f(): Promise<void> {}', 'no-restricted-syntax'],
    ['export const t = setTimeout(() => undefined, 1);', 'no-restricted-globals'],
    ["export const c = 'a'.localeCompare('b');", 'no-restricted-properties'],
    ["import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", 'no-restricted-syntax'],
    ["import { randomBytes } from 'node:crypto';\nexport const f = randomBytes;", 'no-restricted-imports'],
  ];

  for (const layer of ['vm', 'compiler', 'bytecode']) {
    it.each(forbidden)(`src/${layer} rejects: %s`, async (code, rule) => {
      expect(await ruleIdsFor(code, `src/${layer}/probe.ts`)).toContain(rule);
    });
  }

  it('hashing stays allowed in deterministic code', async () => {
    const code = "import { createHash } from 'node:crypto';\nexport const h = createHash('sha256').update('x').digest('hex');";
    expect(await ruleIdsFor(code, 'src/bytecode/probe.ts')).toEqual([]);
  });

  it('the host layers may use the clock', async () => {
    expect(await ruleIdsFor('export const now = Date.now();', 'src/runtime/probe.ts')).toEqual([]);
  });
});
