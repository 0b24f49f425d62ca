import { generateWorkload, WORKLOAD_SEED, workloadHost } from './workload.mjs';
const c = await import('../dist/compiler/index.js');
const text = generateWorkload({ lines: 100000, seed: WORKLOAD_SEED });
for (let w = 0; w < 8; w++) { const a = performance.now(); c.compileSource(text, 'b.aos', workloadHost); console.log((performance.now()-a).toFixed(0)); }
