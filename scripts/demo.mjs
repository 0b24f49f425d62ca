// The README's main job until workflows run: check every shipped workflow, compile each to
// .aos/build/, and print a disassembly summary of each.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const aosc = join('dist', 'cli', 'aosc.js');
const outDir = join('.aos', 'build');
mkdirSync(outDir, { recursive: true });

const sources = readdirSync('workflows')
  .filter((f) => f.endsWith('.aos') || f.endsWith('.json'))
  .sort()
  .map((f) => join('workflows', f));

for (const src of sources) {
  const out = join(outDir, basename(src).replace(/\.(aos|json)$/, src.endsWith('.json') ? '.json-form.aosb.json' : '.aosb.json'));
  execFileSync(process.execPath, [aosc, 'compile', src, '-o', out], { stdio: 'inherit' });
}
console.log('');
for (const src of sources) {
  execFileSync(process.execPath, [aosc, 'disasm', '--summary', src], { stdio: 'inherit' });
  console.log('');
}
console.log(`bytecode written to ${outDir}/; full listing: node dist/cli/aosc.js disasm workflows/rasterizer.aos`);
