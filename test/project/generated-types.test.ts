// src/generated/ must be exactly what `npm run gen` makes from schemas/.
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

it('generated types are up to date with schemas/', async () => {
  const { generate } = (await import(join(root, 'scripts/gen-types.mjs'))) as { generate: () => Promise<Map<string, string>> };
  const generated = await generate();
  expect([...generated.keys()].sort()).toContain('workflow.ts');
  for (const [name, text] of generated) {
    const current = readFileSync(join(root, 'src/generated', name), 'utf8');
    expect(current, `src/generated/${name} is stale: run npm run gen`).toBe(text);
  }
});
