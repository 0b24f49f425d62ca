import { generateWorkload, WORKLOAD_SEED } from './workload.mjs';
const { parseDsl } = await import('../dist/compiler/dsl/index.js');
const text = generateWorkload({ lines: 100000, seed: WORKLOAD_SEED });
for (let w = 0; w < 8; w++) { const a = performance.now(); parseDsl(text, 'b.aos'); console.log((performance.now()-a).toFixed(0)); }
