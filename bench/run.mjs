// Runs the benchmark measurements and writes their report to bench/results.md. Each case of each
// measurement runs in child processes of its own (a fresh heap and JIT), so one case cannot warm
// up or fragment memory for the next. `node bench/run.mjs [name ...]` runs only the named ones.
//
// The machine's speed drifts, by a quarter or more over minutes, so each case runs in PROCESSES
// processes one after another, and its row is the result of the process with the median time
// (peak RSS: the highest of them); every process's median time is listed under the measurement's
// tables.
//
// A measurement is a module in bench/measurements/ exporting `title`, `cases` (each with an `id`)
// and `report(results)` (Markdown), and running one case when started as
// `node <module> <case id>`: it prints the case's result as one JSON line on stdout.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import console from 'node:console';
import { fmt } from './report.mjs';
import process from 'node:process';

/** Every measurement, by name, in report order. Later issues add theirs here. */
const MEASUREMENTS = ['compile-throughput', 'kernel-throughput', 'live-host', 'verify-log', 'replay'];

const benchDir = fileURLToPath(new URL('.', import.meta.url));

/** Processes each case runs in. */
const PROCESSES = 3;

function runProcess(file, id) {
  const stdout = execFileSync(process.execPath, ['--expose-gc', file, id], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last);
}

/** The case's result from the process with the median time, with the highest peak RSS of them all, and every process's median time. */
function runCase(file, id) {
  const runs = [];
  for (let i = 0; i < PROCESSES; i++) runs.push(runProcess(file, id));
  const byTime = [...runs].sort((a, b) => a.medianMs - b.medianMs);
  const result = { ...byTime[Math.floor(byTime.length / 2)] };
  if (result.peakRssMb !== undefined) result.peakRssMb = Math.max(...runs.map((r) => r.peakRssMb));
  return { result, times: runs.map((r) => r.medianMs) };
}

async function runMeasurement(name) {
  const file = `${benchDir}measurements/${name}.mjs`;
  const measurement = await import(pathToFileURL(file).href);
  const results = [];
  const times = [];
  for (const c of measurement.cases) {
    console.error(`bench: ${name} ${c.id}`);
    const ran = runCase(file, c.id);
    results.push({ case: c, result: ran.result });
    times.push(`${c.id} ${ran.times.map((ms) => fmt(ms, 1)).join(' / ')}`);
  }
  const spread = `Median time of each of the ${PROCESSES} processes, in the order they ran (ms): ${times.join('; ')}.`;
  return `## ${measurement.title}\n\n${measurement.report(results)}\n\n${spread}\n`;
}

function header() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  // The load average says how far other work on the machine may have slowed the figures.
  const load = loadavg().map((l) => l.toFixed(2)).join(' / ');
  return `# Benchmarks\n\nNode ${process.version}, ${cpu} (${cpus().length} cores), ${process.platform}/${process.arch}; load average (1/5/15 min) at start ${load}. Written by \`npm run bench\`.\n`;
}

const selected = process.argv.length > 2 ? process.argv.slice(2) : MEASUREMENTS;
const unknown = selected.filter((n) => !MEASUREMENTS.includes(n));
if (unknown.length > 0) {
  console.error(`bench: unknown measurement ${unknown.join(', ')}; known: ${MEASUREMENTS.join(', ')}`);
  process.exit(2);
}
const sections = [];
for (const name of selected) sections.push(await runMeasurement(name));
const markdown = [header(), ...sections].join('\n');
writeFileSync(`${benchDir}results.md`, markdown);
console.log(markdown);
