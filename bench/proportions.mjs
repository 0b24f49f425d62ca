// Measures what workflows are made of: declarations and statements per 1,000 lines, and the
// mix of statement kinds. bench/workload.mjs states the figures for workflows/*.aos and aims
// for them; `node bench/proportions.mjs --generated 10000` shows how close it comes.
import { readdirSync, readFileSync } from 'node:fs';
import { URL } from 'node:url';
import console from 'node:console';
import process from 'node:process';
import { generateWorkload, WORKLOAD_SEED } from './workload.mjs';

const compiler = await import(new URL('../dist/compiler/index.js', import.meta.url).href);

function walk(body, counts) {
  for (const s of body) {
    counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
    for (const b of [s.then, s.else, s.body, ...(s.branches ?? []).map((x) => x.body)]) if (b) walk(b, counts);
  }
}

function measure(sources) {
  const total = { lines: 0, models: 0, tools: 0, artifacts: 0, freeAgents: 0, structuredAgents: 0, tasks: 0, supervisors: 0, retries: 0, programStatements: 0, mainStatements: 0 };
  const kinds = new Map();
  for (const { text, file } of sources) {
    const { ast, diagnostics } = compiler.parseSource(text, file);
    if (!ast) throw new Error(`${file} does not parse: ${diagnostics[0]?.message}`);
    total.lines += text.split('\n').length;
    for (const k of ['models', 'tools', 'artifacts', 'tasks', 'supervisors', 'retries']) total[k] += ast[k]?.length ?? 0;
    for (const a of ast.agents ?? []) {
      if (a.program) {
        total.structuredAgents++;
        const c = new Map();
        walk(a.program, c);
        for (const [k, n] of c) kinds.set(k, (kinds.get(k) ?? 0) + n);
        total.programStatements += [...c.values()].reduce((x, y) => x + y, 0);
      } else total.freeAgents++;
    }
    const c = new Map();
    walk(ast.main.body, c);
    for (const [k, n] of c) kinds.set(k, (kinds.get(k) ?? 0) + n);
    total.mainStatements += [...c.values()].reduce((x, y) => x + y, 0);
  }
  const per1000 = Object.fromEntries(Object.entries(total).filter(([k]) => k !== 'lines').map(([k, v]) => [k, Math.round((v * 10000) / total.lines) / 10]));
  const statements = [...kinds.values()].reduce((x, y) => x + y, 0);
  const mix = Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, `${Math.round((n * 1000) / statements) / 10}%`]));
  return { lines: total.lines, per1000Lines: per1000, statementMix: mix };
}

const i = process.argv.indexOf('--generated');
const sources =
  i >= 0
    ? [{ text: generateWorkload({ lines: Number(process.argv[i + 1] ?? 10000), seed: WORKLOAD_SEED }), file: 'generated.aos' }]
    : readdirSync(new URL('../workflows/', import.meta.url))
        .filter((f) => f.endsWith('.aos'))
        .map((f) => ({ text: readFileSync(new URL(`../workflows/${f}`, import.meta.url), 'utf8'), file: f }));
console.log(JSON.stringify(measure(sources), null, 2));
