import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseDsl } from '../../src/compiler/dsl/index.js';
it('ast', () => {
  const f = process.env['AST'] as string;
  const r = parseDsl(readFileSync(f, 'utf8'), f);
  process.stdout.write(JSON.stringify(r.ast).slice(0, 600) + '\n' + JSON.stringify(r.diagnostics.map((d) => d.message)) + '\n');
});
