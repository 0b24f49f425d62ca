import { it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource } from '../../src/compiler/index.js';
import { renderText } from '../../src/compiler/render.js';
it('show', () => {
  const G = 'test/compiler/golden';
  const only = (process.env['SHOW'] ?? '').split(',');
  for (const f of only) {
    const dir = join(G, f.split('/')[0] as string);
    const host = { readFile: (rel: string) => (existsSync(join(dir, rel)) ? readFileSync(join(dir, rel), 'utf8') : undefined) };
    const r = checkSource(readFileSync(join(G, f)), f, host);
    process.stdout.write('=== ' + f + '\n' + renderText(r.diagnostics, r.text) + '\n');
  }
});
