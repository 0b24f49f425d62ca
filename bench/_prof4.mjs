import { generateWorkload, WORKLOAD_SEED, workloadHost } from './workload.mjs';
const c = await import('../dist/compiler/index.js');
const { checkArtifactSchemas } = await import('../dist/compiler/checks/artifact-schemas.js');
const text = generateWorkload({ lines: 100000, seed: WORKLOAD_SEED });
const r = c.checkSource(text, 'b.aos', workloadHost);
for (let w = 0; w < 5; w++) { const a = performance.now(); checkArtifactSchemas({ ast: r.ast, includes: r.includes }); console.log('artifact schemas', (performance.now()-a).toFixed(0)); }
const m = text.match(/^artifact .*$/gm).slice(0,3); console.log(m);
