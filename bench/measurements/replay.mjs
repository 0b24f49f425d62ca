// Exact replay (`aos replay`, dist/cli/aos-replay.js replayRun): the kernel re-executes a recorded
// run on this thread, comparing every produced line with the recorded one, while the chain is
// verified on the other core. The runs are recorded first by the live host (bench/workflows, log on
// disk), in a child process of their own, so the replay's peak RSS is the replay's alone.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import process from 'node:process';
import { fmt, median, verdict } from '../report.mjs';

export const title = 'Exact replay (aos replay)';

const TARGET_EVENTS_PER_SEC = 300_000;
const TARGET_RSS_MB = 300;

export const cases = [
  { id: 'replay-pingpong-1M-events', workload: 'ping-pong', size: 250_000, warmup: 1, reps: 5 },
  { id: 'replay-fanout-10k', workload: 'fan-out', size: 10_000, warmup: 3, reps: 9 },
];

const at = (path) => import(new URL(`../../dist/${path}`, import.meta.url).href);

/** Records the workload's run into dir with the live host (its log on disk, group commits). */
async function record(workload, size, dir) {
  const [{ compileSource }, { run }, { ScriptedBackend, scriptFromObject }] = await Promise.all([at('compiler/index.js'), at('runtime/run.js'), at('drivers/scripted.js')]);
  const file = fileURLToPath(new URL(`../workflows/${workload}.aos`, import.meta.url));
  const compiled = compileSource(readFileSync(file, 'utf8'), file, { readFile: () => undefined });
  if (!compiled.bytecode) throw new Error(`${file} does not compile`);
  const backend = new ScriptedBackend(scriptFromObject({ format: 'aos-script', version: 1, responses: [] }, 'none.json'));
  const input = workload === 'fan-out' ? { workers: size } : size;
  const report = await run({ backend, bytecode: compiled.bytecode, hostEnv: {}, input, orderedCompletions: false, runDir: dir, scripted: true, secrets: [], seed: '1', workflowDir: dir });
  if (report.status !== 'ok') throw new Error(`${workload}: the recorded run ended ${report.status}`);
}

async function runCase(id) {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`unknown case ${id}`);
  const base = mkdtempSync(join(tmpdir(), 'aos-bench-replay-'));
  try {
    const dir = join(base, 'run');
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'record', c.workload, String(c.size), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    const { replayRun } = await at('cli/aos-replay.js');
    const once = async () => {
      const start = performance.now();
      const outcome = await replayRun(dir);
      const ms = performance.now() - start;
      if (outcome.result !== 'identical') throw new Error(`${c.id}: the replay was ${outcome.result}`);
      return { ms, events: outcome.events };
    };
    for (let i = 0; i < c.warmup; i++) await once();
    const runs = [];
    for (let i = 0; i < c.reps; i++) runs.push(await once());
    const ms = median(runs.map((r) => r.ms));
    const events = runs[0].events;
    return { events, logMb: statSync(join(dir, 'events.jsonl')).size / 1e6, medianMs: ms, minMs: Math.min(...runs.map((r) => r.ms)), eventsPerSec: (events * 1000) / ms, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

export function report(results) {
  const rows = results.map(({ case: c, result: r }) => `| ${c.id} | ${fmt(r.events)} | ${fmt(r.logMb, 1)} | ${c.warmup} + ${c.reps} | ${fmt(r.medianMs, 1)} | ${fmt(r.minMs, 1)} | ${fmt(r.eventsPerSec)} | ${fmt(r.peakRssMb)} |`);
  const slowest = Math.min(...results.map(({ result: r }) => r.eventsPerSec));
  const big = results.find(({ case: c }) => c.id === 'replay-pingpong-1M-events')?.result;
  return [
    'Each case runs in three processes of its own, and its row is the process with the median time (peak RSS: the highest of the three). In each, the run is recorded first by the live host (log on disk) in a child process; then',
    '`replayRun` — the command\'s own function — replays it: the kernel re-executes the recorded bytecode with the recorded',
    'inputs on this thread, comparing every produced line with the recorded one, while a worker thread verifies the hash',
    'chain; warm-up runs, then timed runs, median reported. Peak RSS is the replaying process\'s, all its runs included.',
    '',
    '| case | events | log MB | warm-up + runs | median ms | fastest ms | events/s | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '| target | measured | result |',
    '| --- | ---: | --- |',
    `| exact replay ≥ ${fmt(TARGET_EVENTS_PER_SEC)} events/s | ${fmt(slowest)} (slowest) | ${verdict(slowest >= TARGET_EVENTS_PER_SEC)} |`,
    `| a 1M-event log replayed in ≤ ${TARGET_RSS_MB} MB RSS | ${fmt(big?.peakRssMb ?? NaN)} MB | ${verdict((big?.peakRssMb ?? Infinity) <= TARGET_RSS_MB)} |`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === 'record') await record(process.argv[3], Number(process.argv[4]), process.argv[5]);
  else process.stdout.write(`${JSON.stringify(await runCase(process.argv[2]))}\n`);
}
