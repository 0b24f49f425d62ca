import { generateWorkload, WORKLOAD_SEED, workloadHost } from '/work/main/bench/workload.mjs';
const c = await import('/work/main/dist/compiler/index.js');
const { parseSource } = c;
const { validateSchema } = await import('/work/main/dist/compiler/schema.js');
const { runChecks } = await import('/work/main/dist/compiler/checks/index.js');
const { emit } = await import('/work/main/dist/compiler/emit.js');
const { loadIncludes } = await import('/work/main/dist/compiler/includes.js');
const lines = Number(process.argv[2] ?? 100000);
const text = generateWorkload({ lines, seed: WORKLOAD_SEED });
for (let w = 0; w < 3; w++) c.compileSource(text, 'b.aos', workloadHost);
const t = () => performance.now();
for (let r = 0; r < 3; r++) {
  let a = t(); const fe = parseSource(text, 'b.aos'); const p = t() - a;
  a = t(); validateSchema(fe.ast); const s = t() - a;
  a = t(); const inc = loadIncludes(fe.ast, workloadHost); const i = t() - a;
  a = t(); runChecks(fe.ast, inc.includes); const ch = t() - a;
  a = t(); emit(fe.ast, { includes: inc.includes, map: fe.map }); const e = t() - a;
  a = t(); c.compileSource(text, 'b.aos', workloadHost); const all = t() - a;
  console.log(`parse ${p.toFixed(0)} schema ${s.toFixed(0)} inc ${i.toFixed(0)} checks ${ch.toFixed(0)} emit ${e.toFixed(0)} | all ${all.toFixed(0)} ms`);
}
