// Generates src/generated/*.ts from schemas/*.schema.json (json-schema-to-typescript).
// `npm run gen` writes them; `--check` exits 1 when a generated file is stale.
import { compile } from 'json-schema-to-typescript';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BANNER = '/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */';

export async function generate() {
  const out = new Map();
  const files = readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.schema.json')).sort();
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
    const ts = await compile(schema, schema.title ?? file, {
      bannerComment: BANNER,
      additionalProperties: false,
      unreachableDefinitions: true,
      strictIndexSignatures: true,
      format: true,
      cwd: join(root, 'schemas'),
    });
    out.set(file.replace('.schema.json', '.ts'), ts);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const generated = await generate();
  let stale = 0;
  for (const [name, text] of generated) {
    const path = join(root, 'src', 'generated', name);
    if (check) {
      let current;
      try { current = readFileSync(path, 'utf8'); } catch { current = ''; }
      if (current !== text) { console.error(`stale: src/generated/${name} (run npm run gen)`); stale++; }
    } else {
      writeFileSync(path, text);
      console.log(`wrote src/generated/${name}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
