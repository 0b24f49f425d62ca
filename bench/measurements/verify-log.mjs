// `aos verify-log` (dist/log/verify-log.js) on a log of 1M events, chained by HashChain into a
// temporary run directory once per case (the events are a run's usual mix, ~250 bytes a line):
// on both cores (the default), on one, and the reference check (verifyLines: every line parsed
// and re-serialised) for comparison.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL, URL } from 'node:url';
import process from 'node:process';
import { fmt, median, verdict } from '../report.mjs';

export const title = 'Log verification (aos verify-log)';

const TARGET_EVENTS_PER_SEC = 500_000;
const EVENTS = 1_000_000;

export const cases = [
  { id: 'verify-1M-two-threads', mode: 'two-threads', warmup: 2, reps: 7 },
  { id: 'verify-1M-one-thread', mode: 'one-thread', warmup: 1, reps: 5 },
  { id: 'reference-1M-verifyLines', mode: 'reference', warmup: 0, reps: 3 },
];

/** The event at seq of a run-like log: spawns, messages, effects and their completions, tasks, artifacts. */
function eventAt(seq, last) {
  if (seq === 0) {
    return { seq, kind: 'run.started', data: { backend: { name: 'scripted', scripted: true }, codeHash: 'c'.repeat(64), format: 1, input: null, kernel: '1', options: { orderedCompletions: false, policy: 'round-robin', quantum: 256 }, seed: '1', workflow: { name: 'bench', version: '1' } } };
  }
  if (seq === last) return { seq, kind: 'run.finished', data: { status: 'ok', output: { merged: 'out/merged.html' } } };
  const pid = `writer#${seq % 97}`;
  const effect = `${pid}/e${seq >> 3}`;
  switch (seq % 8) {
    case 0:
      return { seq, kind: 'proc.spawned', pid: 'main', data: { child: pid, parent: 'main', spec: { agent: 'writer', budget: { tokens: 20000, turns: 8 }, input: { section: `s${seq}` } } } };
    case 1:
    case 2:
      return { seq, kind: 'msg.sent', pid, data: { msg: { body: `Section ${seq}: merge the notes on tires, chain and brakes — vérifié`, from: pid }, to: 'main' } };
    case 3:
      return { seq, kind: 'msg.received', pid: 'main', data: { from: pid, msg: { body: `Section ${seq} merged`, ok: true } } };
    case 4:
      return { seq, kind: 'effect.requested', pid, data: { effect: { args: { model: 'scripted', prompt: `merge section ${seq}`, tools: ['read_file', 'write_file'] }, id: effect, kind: 'llm.generate' } } };
    case 5:
      return { seq, kind: 'effect.completed', pid, data: { id: effect, result: { content: 'blob:' + 'a'.repeat(64), finishReason: 'stop', usage: { input: 812, output: 240 } } } };
    case 6:
      return { seq, kind: 'task.produced', pid, data: { artifacts: [`art-${seq}`], task: `merge-${seq >> 3}` } };
    default:
      return { seq, kind: 'artifact.recorded', pid, data: { blob: 'b'.repeat(64), id: `art-${seq}`, name: `out/section-${seq}.md`, size: 2048 + (seq % 1000) } };
  }
}

async function load() {
  const at = (path) => import(new URL(`../../dist/${path}`, import.meta.url).href);
  const [{ HashChain, verifyLines }, { verifyLog }, { canonicalJson }] = await Promise.all([at('log/chain.js'), at('log/verify-log.js'), at('bytecode/canonical.js')]);
  return { HashChain, verifyLines, verifyLog, canonicalJson };
}

/** Writes the log and the manifest RunLog would, in pieces (the log is larger than one string may be). */
function writeLog(dir, { HashChain, canonicalJson }) {
  const chain = new HashChain();
  const fd = openSync(join(dir, 'events.jsonl'), 'w');
  try {
    let piece = [];
    for (let seq = 0; seq < EVENTS; seq++) {
      piece.push(chain.append(eventAt(seq, EVENTS - 1)) + '\n');
      if (piece.length === 10_000) {
        writeSync(fd, piece.join(''));
        piece = [];
      }
    }
    writeSync(fd, piece.join(''));
  } finally {
    closeSync(fd);
  }
  const manifest = { blobs: 'blobs', count: chain.count, events: 'events.jsonl', finished: true, format: 'aos-run', head: chain.head, version: 1 };
  writeFileSync(join(dir, 'manifest.json'), canonicalJson(manifest) + '\n');
  return manifest;
}

/** The reference check, as readRunLog runs it: the whole file read, every line decoded, parsed and re-serialised. */
function reference(dir, verifyLines) {
  const buffer = readFileSync(join(dir, 'events.jsonl'));
  const lines = [];
  for (let start = 0, end = buffer.indexOf(10); end >= 0; start = end + 1, end = buffer.indexOf(10, start)) lines.push(buffer.toString('utf8', start, end));
  return verifyLines(lines);
}

async function runCase(id) {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`unknown case ${id}`);
  const lib = await load();
  const dir = mkdtempSync(join(tmpdir(), 'aos-bench-verify-'));
  try {
    const manifest = writeLog(dir, lib);
    const bytes = statSync(join(dir, 'events.jsonl')).size;
    const once = async () => {
      const start = performance.now();
      const checked = c.mode === 'reference' ? reference(dir, lib.verifyLines) : await lib.verifyLog(dir, c.mode === 'one-thread' ? { splitBytes: Infinity } : {});
      const ms = performance.now() - start;
      if (!checked.ok || checked.count !== EVENTS || checked.head !== manifest.head) throw new Error(`${id}: the log did not verify: ${JSON.stringify(checked).slice(0, 300)}`);
      if (c.mode === 'two-threads' && checked.split === undefined) throw new Error(`${id}: the log was not split`);
      return ms;
    };
    for (let i = 0; i < c.warmup; i++) await once();
    const runs = [];
    for (let i = 0; i < c.reps; i++) runs.push(await once());
    const ms = median(runs);
    return { mode: c.mode, events: EVENTS, bytes, reps: c.reps, medianMs: ms, minMs: Math.min(...runs), eventsPerSec: (EVENTS * 1000) / ms, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function report(results) {
  const get = (id) => results.find(({ case: c }) => c.id === id)?.result;
  const rows = results.map(({ case: c, result: r }) => `| ${c.id} | ${fmt(r.events)} | ${fmt(r.bytes / r.events)} | ${fmt(r.bytes / 1024 / 1024)} | ${c.warmup} + ${c.reps} | ${fmt(r.medianMs, 1)} | ${fmt(r.minMs, 1)} | ${fmt(r.eventsPerSec)} | ${fmt(r.bytes / 1024 / 1024 / (r.medianMs / 1000))} | ${fmt(r.peakRssMb)} |`);
  const two = get('verify-1M-two-threads');
  const one = get('verify-1M-one-thread');
  const ref = get('reference-1M-verifyLines');
  return [
    'Each case runs in three processes of its own, and its row is the process with the median time (peak RSS: the highest of the three). In each, the log is generated once (HashChain, a run\'s mix of events), then warm-up runs and timed',
    'runs; the median is reported. verify-log reads the file in 1 MiB chunks and checks each line on its bytes (one sha256 call,',
    'no JSON parsing); with two threads the second half of the log is checked on a worker thread. The reference row is',
    'verifyLines on the whole file read and split into lines, as readRunLog does. Peak RSS includes generating the log.',
    '',
    '| case | events | bytes/event | log MB | warm-up + runs | median ms | fastest ms | events/s | MB/s | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '| target | measured | result |',
    '| --- | ---: | --- |',
    `| ≥ ${fmt(TARGET_EVENTS_PER_SEC)} events/s verifying a 1M-event log on both cores | ${fmt(two.eventsPerSec)} | ${verdict(two.eventsPerSec >= TARGET_EVENTS_PER_SEC)} |`,
    '',
    `Two threads against one: ${fmt(two.eventsPerSec / one.eventsPerSec, 2)}×; against the reference check: ${fmt(two.eventsPerSec / ref.eventsPerSec, 1)}×.`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runCase(process.argv[2]))}\n`);
}
