// The live host with its log on disk (dist/runtime/live-host.js): ping-pong and fan-out with every
// event chained, written and group-committed (fsync) to events.jsonl in a temporary run
// directory; and 64 agents asking a backend of fixed 200 ms latency at once, whose wall time shows
// what the host adds to the model's latency. The latency backend is labelled scripted: no model
// answers it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import process from 'node:process';
import { fmt, median, verdict } from '../report.mjs';

export const title = 'Live host (log written to disk, group commits)';

const TARGET_EVENTS_PER_SEC = 200_000;
const LATENCY_MS = 200;
const TARGET_WALL_RATIO = 1.1;

export const cases = [
  { id: 'live-pingpong-1M-events', workload: 'ping-pong', size: 250_000, warmup: 1, reps: 5 },
  { id: 'live-fanout-10k', workload: 'fan-out', size: 10_000, warmup: 2, reps: 7 },
  { id: 'live-64-agents-200ms', workload: 'fan-out-ask', size: 64, warmup: 2, reps: 9 },
];

/** A backend that answers every call after a fixed latency: the host's overhead is what exceeds it. */
class FixedLatencyBackend {
  name = 'fixed-latency';
  supportsTools = () => true;
  supportsStreaming = () => false;
  supportsJsonMode = () => true;
  async generate() {
    await sleep(LATENCY_MS);
    return { content: 'ok', toolCalls: [], finishReason: 'stop', usage: { input: 1, output: 1, source: 'scripted' }, scripted: true };
  }
}

async function load() {
  const at = (path) => import(new URL(`../../dist/${path}`, import.meta.url).href);
  const [{ compileSource }, { runLive }, { RunLog }, { Workspace }] = await Promise.all([at('compiler/index.js'), at('runtime/live-host.js'), at('log/writer.js'), at('drivers/files.js')]);
  return { compileSource, runLive, RunLog, Workspace };
}

async function runCase(id) {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`unknown case ${id}`);
  const { compileSource, runLive, RunLog, Workspace } = await load();
  const file = fileURLToPath(new URL(`../workflows/${c.workload}.aos`, import.meta.url));
  const compiled = compileSource(readFileSync(file, 'utf8'), file, { readFile: () => undefined });
  if (!compiled.bytecode) throw new Error(`${file} does not compile`);
  const input = c.workload === 'fan-out' ? { workers: c.size } : c.size;
  const once = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aos-bench-live-'));
    try {
      const log = await RunLog.create(join(dir, 'run'));
      const workspace = await Workspace.create(join(dir, 'run', 'workspace'));
      const start = performance.now();
      const run = await runLive({ backend: new FixedLatencyBackend(), bytecode: compiled.bytecode, hostEnv: {}, input, log, seed: '1', workflowDir: dir, workspace });
      const ms = performance.now() - start;
      await log.close();
      if (run.result?.status !== 'ok') throw new Error(`${c.workload}: the run ended ${JSON.stringify(run.result)}`);
      return { ms, events: log.count };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  for (let i = 0; i < c.warmup; i++) await once();
  const runs = [];
  for (let i = 0; i < c.reps; i++) runs.push(await once());
  const ms = median(runs.map((r) => r.ms));
  return { workload: c.workload, size: c.size, reps: c.reps, medianMs: ms, minMs: Math.min(...runs.map((r) => r.ms)), events: runs[0].events, eventsPerSec: (runs[0].events * 1000) / ms, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

export function report(results) {
  const get = (id) => results.find(({ case: c }) => c.id === id)?.result;
  const rows = results.map(({ case: c, result: r }) => `| ${c.id} | ${fmt(c.size)} | ${fmt(r.events)} | ${c.warmup} + ${c.reps} | ${fmt(r.medianMs, 1)} | ${fmt(r.minMs, 1)} | ${fmt(r.eventsPerSec)} | ${fmt(r.peakRssMb)} |`);
  const slowest = Math.min(get('live-pingpong-1M-events').eventsPerSec, get('live-fanout-10k').eventsPerSec);
  const wall = get('live-64-agents-200ms').medianMs;
  return [
    'Each case runs in three processes of its own, and its row is the process with the median time (peak RSS: the highest of the three). In each: warm-up runs, then timed runs; the median is reported. Every event is serialised,',
    'hash-chained (on the sealing thread) and written to events.jsonl in a fresh temporary run directory, with group commits',
    '(the log fsynced; the manifest replaced atomically after) before any effect is dispatched and before any completion is',
    `applied, and in the background every 4,096 lines otherwise. The 64 agents each ask a backend that answers after a fixed ${LATENCY_MS} ms`,
    '(labelled scripted).',
    '',
    '| case | size | events | warm-up + runs | median ms | fastest ms | logged events/s | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '| target | measured | result |',
    '| --- | ---: | --- |',
    `| ≥ ${fmt(TARGET_EVENTS_PER_SEC)} logged events/s (ping-pong and fan-out) | ${fmt(slowest)} (slowest) | ${verdict(slowest >= TARGET_EVENTS_PER_SEC)} |`,
    `| 64 agents on a ${LATENCY_MS} ms backend: wall ≤ ${TARGET_WALL_RATIO} × ${LATENCY_MS} ms | ${fmt(wall, 1)} ms (${fmt(wall / LATENCY_MS, 2)}×) | ${verdict(wall <= TARGET_WALL_RATIO * LATENCY_MS)} |`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runCase(process.argv[2]))}\n`);
}
