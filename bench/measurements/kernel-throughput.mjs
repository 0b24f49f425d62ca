// Kernel throughput on the in-memory, simulated-time host (dist/sim/simulated-host.js): every
// event is serialised and hash-chained as the log writer does, without keeping the lines. Two
// workloads — ping-pong (two processes exchanging messages) and fan-out (one parent, many
// children that each report back, at 1k, 10k and 100k children: what a run keeps of each finished
// child decides its memory) — and the same workloads in LangGraph with its MemorySaver
// checkpointer (bench/langgraph-workloads.mjs), compared as completed units of work per second.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import process from 'node:process';
import { LANGGRAPH_SIZES, langGraphFanOut, langGraphPingPong } from '../langgraph-workloads.mjs';
import { fmt, median, verdict } from '../report.mjs';

export const title = 'Kernel throughput (simulated host, events serialised and chained)';

const TARGET_EVENTS_PER_SEC = 250_000;
const TARGET_COST_RATIO = 1.3;
const TARGET_RSS_MB = 300;
const TARGET_FANOUT_RSS_MB = 500;
const TARGET_SPEEDUP = 50;

// A ping-pong round trip is two messages and four events (send and receive, each way).
export const cases = [
  { id: 'pingpong-10k-events', workload: 'ping-pong', size: 2_500, warmup: 40, reps: 101 },
  { id: 'pingpong-1M-events', workload: 'ping-pong', size: 250_000, warmup: 1, reps: 7 },
  { id: 'pingpong-1M-messages', workload: 'ping-pong', size: 500_000, warmup: 0, reps: 3 },
  { id: 'fanout-10k', workload: 'fan-out', size: 10_000, warmup: 10, reps: 15 },
  { id: 'fanout-100k', workload: 'fan-out', size: 100_000, warmup: 1, reps: 5 },
  // The two workloads at the sizes LangGraph runs them, for a same-size comparison.
  { id: 'pingpong-2k-messages', workload: 'ping-pong', size: LANGGRAPH_SIZES.pingPong / 2, warmup: 40, reps: 41 },
  { id: 'fanout-1k', workload: 'fan-out', size: LANGGRAPH_SIZES.fanOut, warmup: 40, reps: 41 },
  { id: 'langgraph-pingpong', workload: 'langgraph-ping-pong', size: LANGGRAPH_SIZES.pingPong, warmup: 1, reps: 5 },
  { id: 'langgraph-fanout', workload: 'langgraph-fan-out', size: LANGGRAPH_SIZES.fanOut, warmup: 1, reps: 5 },
];

async function kernelRunner(workload) {
  const { compileSource } = await import(new URL('../../dist/compiler/index.js', import.meta.url).href);
  const { runSimulated } = await import(new URL('../../dist/sim/simulated-host.js', import.meta.url).href);
  const { fakeEffects } = await import(new URL('../../dist/sim/fake-effects.js', import.meta.url).href);
  const file = fileURLToPath(new URL(`../workflows/${workload}.aos`, import.meta.url));
  const compiled = compileSource(readFileSync(file, 'utf8'), file, { readFile: () => undefined });
  if (!compiled.bytecode) throw new Error(`${file} does not compile`);
  return (size) => {
    const input = workload === 'ping-pong' ? size : { workers: size };
    const start = performance.now();
    const run = runSimulated({ bytecode: compiled.bytecode, seed: '1', input, effects: fakeEffects(), keepLines: false });
    const ms = performance.now() - start;
    const result = run.kernel.result;
    if (result?.status !== 'ok' || result.output !== size) throw new Error(`${workload} ${size}: the run ended ${JSON.stringify(result)}`);
    // Units of work: messages delivered (ping-pong), children completed (fan-out).
    const units = workload === 'ping-pong' ? 2 * size : size;
    return { ms, events: run.events, units };
  };
}

async function langGraphRunner(workload) {
  const run = workload === 'langgraph-ping-pong' ? langGraphPingPong : langGraphFanOut;
  return async (size) => {
    const r = await run(size);
    return { ms: r.ms, events: 0, units: r.units };
  };
}

async function runCase(id) {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`unknown case ${id}`);
  const once = c.workload.startsWith('langgraph') ? await langGraphRunner(c.workload) : await kernelRunner(c.workload);
  for (let i = 0; i < c.warmup; i++) await once(c.size);
  const runs = [];
  for (let i = 0; i < c.reps; i++) runs.push(await once(c.size));
  const ms = median(runs.map((r) => r.ms));
  const { events, units } = runs[0];
  return {
    workload: c.workload,
    size: c.size,
    reps: c.reps,
    medianMs: ms,
    events,
    units,
    eventsPerSec: events > 0 ? (events * 1000) / ms : 0,
    unitsPerSec: (units * 1000) / ms,
    usPerEvent: events > 0 ? (ms * 1000) / events : 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

export function report(results) {
  const get = (id) => results.find(({ case: c }) => c.id === id)?.result;
  const rows = results.map(({ case: c, result: r }) =>
    `| ${c.id} | ${fmt(c.size)} | ${r.events > 0 ? fmt(r.events) : '—'} | ${c.warmup} + ${c.reps} | ${fmt(r.medianMs, 1)} | ${r.events > 0 ? fmt(r.eventsPerSec) : '—'} | ${r.events > 0 ? fmt(r.usPerEvent, 2) : '—'} | ${fmt(r.unitsPerSec)} | ${fmt(r.peakRssMb)} |`,
  );
  const kernelCases = results.filter(({ case: c }) => !c.workload.startsWith('langgraph'));
  const slowest = Math.min(...kernelCases.map(({ result: r }) => r.eventsPerSec));
  const ratio = get('pingpong-1M-events').usPerEvent / get('pingpong-10k-events').usPerEvent;
  const rss = get('pingpong-1M-events').peakRssMb;
  const fanRatio = get('fanout-100k').usPerEvent / get('fanout-10k').usPerEvent;
  const fanRss = get('fanout-100k').peakRssMb;
  const speedup = (aos, langgraph) => get(aos).unitsPerSec / get(langgraph).unitsPerSec;
  const pingSpeedup = speedup('pingpong-2k-messages', 'langgraph-pingpong');
  const fanSpeedup = speedup('fanout-1k', 'langgraph-fanout');
  return [
    'Each case runs in three processes of its own, and its row is the process with the median time (peak RSS: the highest of the three). In each: warm-up runs, then timed runs; the median is reported. Kernel cases run',
    'bench/workflows/*.aos on the simulated host with every event serialised (RFC 8785) and hash-chained; lines are',
    'not kept. Units of work: messages delivered (ping-pong), children that reported back (fan-out). LangGraph runs',
    `the same workloads (bench/langgraph-workloads.mjs, MemorySaver checkpointer) at the sizes it finishes in seconds: ${fmt(LANGGRAPH_SIZES.pingPong)} messages, ${fmt(LANGGRAPH_SIZES.fanOut)} workers.`,
    'Peak RSS is the whole process\'s, warm-ups and all runs included.',
    '',
    '| case | size | events | warm-up + runs | median ms | events/s | µs/event | units/s | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '| target | measured | result |',
    '| --- | ---: | --- |',
    `| ≥ ${fmt(TARGET_EVENTS_PER_SEC)} events/s in every kernel case | ${fmt(slowest)} (slowest) | ${verdict(slowest >= TARGET_EVENTS_PER_SEC)} |`,
    `| per-event cost at 1M events ≤ ${TARGET_COST_RATIO}× that at 10k | ${fmt(ratio, 2)}× | ${verdict(ratio <= TARGET_COST_RATIO)} |`,
    `| peak RSS for 1M events ≤ ${TARGET_RSS_MB} MB | ${fmt(rss)} MB | ${verdict(rss <= TARGET_RSS_MB)} |`,
    `| fan-out per-event cost at 100k children ≤ ${TARGET_COST_RATIO}× that at 10k | ${fmt(fanRatio, 2)}× | ${verdict(fanRatio <= TARGET_COST_RATIO)} |`,
    `| peak RSS for a 100k-child fan-out ≤ ${TARGET_FANOUT_RSS_MB} MB | ${fmt(fanRss)} MB | ${verdict(fanRss <= TARGET_FANOUT_RSS_MB)} |`,
    `| ping-pong units/s ≥ ${TARGET_SPEEDUP}× LangGraph, same size (${fmt(LANGGRAPH_SIZES.pingPong)} messages) | ${fmt(pingSpeedup)}× | ${verdict(pingSpeedup >= TARGET_SPEEDUP)} |`,
    `| fan-out units/s ≥ ${TARGET_SPEEDUP}× LangGraph, same size (${fmt(LANGGRAPH_SIZES.fanOut)} workers) | ${fmt(fanSpeedup)}× | ${verdict(fanSpeedup >= TARGET_SPEEDUP)} |`,
    '',
    `At the kernel's own sizes against LangGraph's smaller runs, the ratios are ${fmt(speedup('pingpong-1M-messages', 'langgraph-pingpong'))}× (ping-pong, 1M messages) and`,
    `${fmt(speedup('fanout-10k', 'langgraph-fanout'))}× (fan-out, 10k children); LangGraph's fan-out cost per worker grows with the number of workers, so the`,
    'same-size rows are the fair comparison and these the conservative one.',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runCase(process.argv[2]))}\n`);
}
