// The README's main job, until the rasterizer workflow runs: check every shipped workflow,
// compile each to .aos/build/ with a disassembly summary, then run docs-merge end to end, offline,
// on its scripted default — ending with its run summary and `run: <run-id>`.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { collectWorkflowFiles } from '../dist/cli/files.js';

const aosc = join('dist', 'cli', 'aosc.js');
const aos = join('dist', 'cli', 'aos.js');
const outDir = join('.aos', 'build');
mkdirSync(outDir, { recursive: true });

// The workflows as `aosc check` finds them: .aos files, and JSON files holding a workflow (not scripts).
const sources = collectWorkflowFiles(['workflows']);

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
console.log('');
execFileSync(process.execPath, [aos, 'run', join('workflows', 'docs-merge.aos')], { stdio: 'inherit' });
