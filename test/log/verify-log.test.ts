// verify-log finds every kind of damage to a run's log at the exact seq it starts at, for every line
// of a varied sample, in its bytes alone; agrees with the reference check (verifyLines) on where a
// log goes wrong; tells sound lines after the manifest's count, an unfinished run and a missing
// manifest over a sound log from damage;
// and gives the same verdicts when the log is checked on two threads, at and around the split.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelEvent } from '../../src/bytecode/events.js';
import { GENESIS_HASH } from '../../src/bytecode/events.js';
import { canonicalJson } from '../../src/bytecode/canonical.js';
import { HashChain, verifyLines } from '../../src/log/chain.js';
import { RunLog } from '../../src/log/writer.js';
import type { RunManifest } from '../../src/log/run-dir.js';
import { verifyLog, type LogProblemKind, type LogVerdict, type VerifyLogOptions } from '../../src/log/verify-log.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'aos-verify-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

let made = 0;
function freshDir(): string {
  const dir = join(root, `run${made++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const PIDS = ['main', 'writer#3', 'main/branch1#2', 'rédacteur#1', 'q"kind":"x', undefined];
const TEXTS = ['hello', 'héllo wörld', '日本語のテキスト', 'emoji 😀 and 𝄞', 'line\nbreak and tab\t', '"kind":"msg.sent","seq":5}', '\u2028\u2029', ''];

/** Events of many shapes: every kind of text, keys named like the envelope's, no data, no pid, a line longer than a chunk. */
function sampleEvents(count: number): KernelEvent[] {
  const events: KernelEvent[] = [
    {
      seq: 0,
      kind: 'run.started',
      data: { backend: null, codeHash: 'c'.repeat(64), format: 1, input: { note: 'ünïcode' }, kernel: '1', options: { orderedCompletions: false, policy: 'round-robin', quantum: 256 }, seed: 's', workflow: { name: 'w', version: '1' } },
    },
  ];
  for (let seq = 1; seq < count - 1; seq++) {
    const text = TEXTS[seq % TEXTS.length] as string;
    const pid = PIDS[seq % PIDS.length];
    const shape = seq % 5;
    const base = { seq, ...(pid === undefined ? {} : { pid }) };
    if (shape === 0) events.push({ ...base, kind: 'msg.sent', data: { msg: { text, n: seq, x: -seq / 7 }, to: 'writer#3' } });
    else if (shape === 1) events.push({ ...base, kind: 'effect.requested', data: { effect: { id: `writer#3/e${seq}`, kind: 'llm.generate', args: { prompt: text.repeat(3), h: 'not the h', kind: 'not the kind' } } } });
    else if (shape === 2) events.push({ ...base, kind: 'proc.exited' } as KernelEvent);
    else if (shape === 3) events.push({ ...base, kind: 'task.opened', data: { task: `t${seq}`, owner: 'writer', seq: 99, nested: [[1, 2], { a: null, b: true }, 1e21, 0.1] } });
    else events.push({ ...base, kind: 'artifact.recorded', data: { blob: 'b'.repeat(64), name: `${text}.md`, size: seq * 1000 } });
  }
  // A line longer than the chunks the damage cases read in.
  const long = Math.floor(count / 2);
  events[long] = { seq: long, kind: 'effect.completed', pid: 'writer#3', data: { result: { text: 'ä'.repeat(6000) } } };
  events.push({ seq: count - 1, kind: 'run.finished', data: { status: 'ok' } });
  return events;
}

interface Sample {
  readonly dir: string;
  readonly bytes: Buffer;
  /** Each line's first byte and its newline's offset. */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly manifest: RunManifest;
}

function boundaries(bytes: Buffer): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let start = 0, end = bytes.indexOf(10); end >= 0; start = end + 1, end = bytes.indexOf(10, start)) {
    starts.push(start);
    ends.push(end);
  }
  return { starts, ends };
}

function readSample(dir: string): Sample {
  const bytes = readFileSync(join(dir, 'events.jsonl'));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;
  return { dir, bytes, ...boundaries(bytes), manifest };
}

/** A log written by RunLog, as a run writes it. */
async function writeRun(events: readonly KernelEvent[]): Promise<Sample> {
  const dir = join(freshDir(), 'run');
  const log = await RunLog.create(dir);
  for (const event of events) log.append(event);
  await log.close();
  return readSample(dir);
}

function writeManifest(dir: string, manifest: RunManifest): void {
  writeFileSync(join(dir, 'manifest.json'), canonicalJson(manifest) + '\n');
}

/** A log chained by HashChain, with RunLog's manifest. */
function writeChained(events: readonly KernelEvent[]): Sample {
  const dir = freshDir();
  const chain = new HashChain();
  writeFileSync(join(dir, 'events.jsonl'), events.map((event) => chain.append(event) + '\n').join(''));
  writeManifest(dir, { blobs: 'blobs', count: chain.count, events: 'events.jsonl', finished: events.at(-1)?.kind === 'run.finished', format: 'aos-run', head: chain.head, version: 1 });
  return readSample(dir);
}

function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

function withoutLine(s: Sample, n: number): Buffer {
  return Buffer.concat([s.bytes.subarray(0, s.starts[n]), s.bytes.subarray((s.ends[n] as number) + 1)]);
}

function swapped(s: Sample, n: number): Buffer {
  const line = (i: number) => s.bytes.subarray(s.starts[i], (s.ends[i] as number) + 1);
  return Buffer.concat([s.bytes.subarray(0, s.starts[n]), line(n + 1), line(n), s.bytes.subarray((s.ends[n + 1] as number) + 1)]);
}

/** Where a line's top-level kind key starts: its last `"kind":"`. */
function kindKeyAt(s: Sample, n: number): number {
  return s.bytes.lastIndexOf('"kind":"', s.ends[n]);
}

async function verdictOn(s: Sample, bytes: Buffer, options: VerifyLogOptions = {}): Promise<LogVerdict> {
  writeFileSync(join(s.dir, 'events.jsonl'), bytes);
  return verifyLog(s.dir, options);
}

function problemOf(verdict: LogVerdict): { kind: LogProblemKind | 'ok'; seq: number | undefined } {
  return verdict.ok ? { kind: 'ok', seq: undefined } : { kind: verdict.problem.kind, seq: verdict.problem.seq };
}

/** Where the reference check, which parses every line, first fails on the complete lines of bytes. */
function referenceSeq(bytes: Buffer): number | undefined {
  const text = bytes.toString('utf8');
  const verdict = verifyLines(text.slice(0, text.lastIndexOf('\n')).split('\n'));
  return verdict.ok ? undefined : verdict.seq;
}

/** One kind of damage at line n: its bytes, and the kind and seq it must be found as. */
interface Damage {
  readonly name: string;
  readonly bytes: Buffer;
  readonly kind: LogProblemKind;
  readonly seq: number;
}

/** Every damage the sample's line n can take. */
function damagesOf(s: Sample, n: number): Damage[] {
  const last = s.starts.length - 1;
  const start = s.starts[n] as number;
  const end = s.ends[n] as number;
  const k = kindKeyAt(s, n);
  const flips: [string, number][] = [
    ['the first byte', start],
    ['the h', k - 66 + (n % 64)],
    ['the h key', k - 69],
    ['the kind key', k + 2],
    ['the kind', k + 8],
    ['the last seq digit', end - 2],
    ['the closing brace', end - 1],
  ];
  if (s.bytes.subarray(start, start + 9).toString('latin1') === '{"data":{' && k - 80 > start) flips.push(['the data', start + 9 + ((7 * n) % (k - 80 - start))]);
  const pid = s.bytes.indexOf('"pid":"', k);
  if (pid >= 0 && pid < end) flips.push(['the pid', pid + 7]);
  const damages: Damage[] = flips.map(([name, at]) => ({ name: `flip ${name}`, bytes: flipped(s.bytes, at), kind: 'damaged-line', seq: n }));
  damages.push({ name: 'flip the newline', bytes: flipped(s.bytes, end), kind: n === last ? 'torn' : 'damaged-line', seq: n });
  damages.push({ name: 'drop the line', bytes: withoutLine(s, n), kind: n === last ? 'truncated' : 'seq', seq: n });
  if (n < last) {
    damages.push({ name: 'swap it with the next', bytes: swapped(s, n), kind: 'seq', seq: n });
    damages.push({ name: 'cut the log after it', bytes: s.bytes.subarray(0, end + 1), kind: 'truncated', seq: n + 1 });
  }
  damages.push({ name: 'tear it mid-line', bytes: s.bytes.subarray(0, start + Math.max(1, Math.floor((end - start) / 2))), kind: 'torn', seq: n });
  damages.push({ name: 'tear off its newline', bytes: s.bytes.subarray(0, end), kind: 'torn', seq: n });
  return damages;
}

describe('verifyLog on a sound run', () => {
  let sample: Sample;
  beforeAll(async () => {
    sample = await writeRun(sampleEvents(300));
  });

  it('passes a log RunLog wrote, with its count, head and finish, as the reference check does', async () => {
    const verdict = await verifyLog(sample.dir);
    const text = sample.bytes.toString('utf8');
    const reference = verifyLines(text.slice(0, -1).split('\n'));
    expect(reference).toMatchObject({ ok: true, count: 300 });
    expect(verdict).toEqual({ ok: true, count: 300, head: sample.manifest.head, finished: true, manifest: sample.manifest, notes: [], split: undefined });
    expect(reference.ok && reference.head).toBe(sample.manifest.head);
  });

  it('passes it read in chunks of any size, lines split across them (one longer than several chunks)', async () => {
    for (const chunkBytes of [61, 97, 4096, 1 << 20]) {
      const verdict = await verifyLog(sample.dir, { chunkBytes });
      expect(verdict, `chunks of ${chunkBytes}`).toMatchObject({ ok: true, count: 300, head: sample.manifest.head });
    }
  });

  it('passes an empty run (count 0) with a warning that it has not finished', async () => {
    const dir = join(freshDir(), 'run');
    await (await RunLog.create(dir)).close();
    const verdict = await verifyLog(dir);
    expect(verdict).toMatchObject({ ok: true, count: 0, head: GENESIS_HASH, finished: false, notes: [{ kind: 'not-finished', seq: 0 }] });
  });
});

describe('verifyLog finds damage to every line at its exact seq', () => {
  it('for every line of the sample: a flipped byte anywhere in it, a dropped, swapped, cut or torn line', async () => {
    const sample = await writeRun(sampleEvents(300));
    let cases = 0;
    const missed: string[] = [];
    for (let n = 0; n < sample.starts.length; n++) {
      for (const damage of damagesOf(sample, n)) {
        // Small chunks: lines cross chunk boundaries, and the long line spans several chunks.
        const found = problemOf(await verdictOn(sample, damage.bytes, { chunkBytes: 4096 }));
        cases++;
        if (found.kind !== damage.kind || found.seq !== damage.seq) missed.push(`line ${n}, ${damage.name}: expected ${damage.kind} at ${damage.seq}, got ${found.kind} at ${found.seq}`);
        // Where every line is complete, the reference check fails at the same seq (a log cut at a
        // line boundary passes it: only the manifest tells). Every tenth line, for time.
        if (n % 10 === 0 && (damage.kind === 'damaged-line' || damage.kind === 'seq')) expect(referenceSeq(damage.bytes), `${damage.name} at line ${n}`).toBe(damage.seq);
      }
    }
    expect(missed).toEqual([]);
    expect(cases).toBeGreaterThan(300 * 12);
  });

  it('says why: a changed byte, a line out of place, damaged seq digits, a merged line, a cut', async () => {
    const s = await writeRun(sampleEvents(300));
    const message = async (bytes: Buffer) => {
      const verdict = await verdictOn(s, bytes);
      return verdict.ok ? '' : verdict.problem.message;
    };
    expect(await message(flipped(s.bytes, kindKeyAt(s, 40) - 10))).toMatch(/^its bytes do not hash to its h \(h is [0-9a-f]{64}; its bytes and the previous h give [0-9a-f]{64}\)$/);
    expect(await message(withoutLine(s, 40))).toBe('the line there has seq 41: a line is missing or out of order');
    expect(await message(flipped(s.bytes, (s.ends[40] as number) - 2))).toBe('its seq digits are damaged: they read 41, and the line hashes as seq 40');
    expect(await message(flipped(s.bytes, s.ends[40] as number))).toMatch(/^the line is not JSON: /);
    expect(await message(s.bytes.subarray(0, (s.ends[40] as number) + 1))).toBe('the log ends after 41 lines, but manifest.json pins 300');
    expect(await message(s.bytes.subarray(0, (s.ends[40] as number) + 5))).toBe('the log ends in 4 bytes with no newline: a write cut short');
  });
});

describe('verifyLog against the manifest', () => {
  const events = sampleEvents(120);
  const unfinished = events.slice(0, -1);

  it('reports sound lines after the manifest\'s count as info, and an unfinished log as a warning', async () => {
    const s = writeChained(unfinished);
    const pinned = readSample(s.dir);
    const chain = new HashChain();
    unfinished.slice(0, 100).forEach((event) => chain.append(event));
    writeManifest(s.dir, { ...pinned.manifest, count: 100, head: chain.head, finished: false });
    const verdict = await verifyLog(s.dir);
    expect(verdict).toMatchObject({
      ok: true,
      count: 119,
      head: pinned.manifest.head,
      finished: false,
      notes: [
        { kind: 'extra', seq: 100, message: '19 sound lines after the 100 manifest.json pins: written before the writer stopped, and kept by the next one' },
        { kind: 'not-finished', seq: 119 },
      ],
    });
  });

  it('finds a head the manifest pins that the log does not end its pinned lines with', async () => {
    const s = writeChained(events);
    writeManifest(s.dir, { ...s.manifest, head: 'f'.repeat(64) });
    expect(problemOf(await verifyLog(s.dir))).toEqual({ kind: 'manifest', seq: 119 });
    const chain = new HashChain();
    events.slice(0, 50).forEach((event) => chain.append(event));
    writeManifest(s.dir, { ...s.manifest, count: 60, head: chain.head, finished: false });
    expect(problemOf(await verifyLog(s.dir))).toEqual({ kind: 'manifest', seq: 59 });
  });

  it('finds a log that does not end with run.finished when the manifest says the run finished', async () => {
    const s = writeChained(unfinished);
    writeManifest(s.dir, { ...s.manifest, finished: true });
    const verdict = await verifyLog(s.dir);
    expect(problemOf(verdict)).toEqual({ kind: 'not-finished', seq: 118 });
  });

  it('finds a log that ends with run.finished when the manifest says the run has not finished', async () => {
    const s = writeChained(events);
    writeManifest(s.dir, { ...s.manifest, finished: false });
    expect(await verifyLog(s.dir)).toMatchObject({ ok: false, problem: { kind: 'manifest', seq: 119, message: 'manifest.json says the run has not finished, but line 119, the last it pins, is run.finished' } });
  });

  it('passes a log without a manifest when its whole chain verifies, warning that the manifest is rebuilt from it', async () => {
    const s = writeChained(events);
    unlinkSync(join(s.dir, 'manifest.json'));
    expect(await verifyLog(s.dir)).toEqual({
      ok: true,
      count: 120,
      head: s.manifest.head,
      finished: true,
      manifest: s.manifest,
      notes: [{ kind: 'no-manifest', seq: 120, message: 'there is no manifest.json: the log\'s chain verifies, and `aos resume` rebuilds the manifest from its 120 lines; without it, a log cut at a line boundary cannot be told' }],
      split: undefined,
    });
    expect(await verdictOn(s, s.bytes.subarray(0, (s.ends[60] as number) + 1))).toMatchObject({ ok: true, count: 61, finished: false, notes: [{ kind: 'no-manifest' }, { kind: 'not-finished' }] });
  });

  it('finds an unreadable or self-contradicting manifest, a damaged log without one, and a missing log', async () => {
    const s = writeChained(events);
    writeFileSync(join(s.dir, 'manifest.json'), '{"count":');
    expect(await verifyLog(s.dir)).toMatchObject({ ok: false, problem: { kind: 'manifest', message: expect.stringMatching(/not JSON/) } });
    writeManifest(s.dir, { ...s.manifest, version: 2 } as unknown as RunManifest);
    expect(await verifyLog(s.dir)).toMatchObject({ ok: false, problem: { kind: 'manifest', message: expect.stringMatching(/schemas\/manifest\.schema\.json: \/version/) } });
    writeManifest(s.dir, { ...s.manifest, count: 0, finished: false });
    expect(await verifyLog(s.dir)).toMatchObject({ ok: false, problem: { kind: 'manifest', seq: undefined, message: expect.stringMatching(/pins no lines, yet a head/) } });
    // A damaged line is reported before an unreadable manifest.
    unlinkSync(join(s.dir, 'manifest.json'));
    expect(problemOf(await verdictOn(s, flipped(s.bytes, kindKeyAt(s, 1) - 10)))).toEqual({ kind: 'damaged-line', seq: 1 });
    writeManifest(s.dir, s.manifest);
    unlinkSync(join(s.dir, 'events.jsonl'));
    expect(await verifyLog(s.dir)).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 0, message: 'there is no events.jsonl, but manifest.json pins 120 lines' } });
  });

  it('finds a torn line after the pinned ones, and a log whose line 0 is not run.started', async () => {
    const s = writeChained(unfinished);
    expect(await verdictOn(s, Buffer.concat([s.bytes, Buffer.from('{"data":')]))).toMatchObject({
      ok: false,
      problem: { kind: 'torn', seq: 119, message: 'the log ends in 8 bytes with no newline: a write cut short (after the 119 lines manifest.json pins, which are sound)' },
    });
    const t = writeChained(unfinished.map((event, seq) => (seq === 0 ? { seq, kind: 'msg.sent', data: {} } : event)));
    expect(await verifyLog(t.dir)).toMatchObject({ ok: false, problem: { kind: 'damaged-line', seq: 0, message: 'line 0 is not run.started' } });
  });
});

/** Lines of one length: the split falls where the test says, and run.finished can be put on either side of it. */
function uniformEvents(count: number, finishedAt = count - 1): KernelEvent[] {
  const width = 240;
  const events: KernelEvent[] = [];
  for (let seq = 0; seq < count; seq++) {
    const kind = seq === 0 ? 'run.started' : seq === finishedAt ? 'run.finished' : 'msg.sent';
    const bare = { seq, kind, pid: 'main', data: { pad: '' } } as KernelEvent;
    const length = Buffer.byteLength(new HashChain(GENESIS_HASH, seq).append(bare));
    events.push({ ...bare, data: { pad: 'x'.repeat(width - length) } } as KernelEvent);
  }
  return events;
}

describe('verifyLog on two threads', () => {
  it('splits a log of 1 MiB or more at the first line after its middle, and passes it whole', async () => {
    // 5,000 lines of 241 bytes: over the 1 MiB from which the second thread is used.
    const s = writeChained(uniformEvents(5000));
    const split = s.starts.findIndex((start) => start > Math.floor(s.bytes.length / 2));
    expect(s.bytes.length).toBeGreaterThan(1 << 20);
    expect(new Set(s.starts.map((start, i) => (s.ends[i] as number) - start)).size).toBe(1);
    expect(await verifyLog(s.dir)).toEqual({ ok: true, count: 5000, head: s.manifest.head, finished: true, manifest: s.manifest, notes: [], split });
    expect(await verifyLog(s.dir, { splitBytes: Infinity })).toMatchObject({ ok: true, head: s.manifest.head, split: undefined });
    expect(problemOf(await verdictOn(s, flipped(s.bytes, kindKeyAt(s, 4000) - 10)))).toEqual({ kind: 'damaged-line', seq: 4000 });
  });

  // Smaller logs, split on request: 1,000 lines, the second half from line 501 (line 500 starts at the middle byte).
  const TWO: VerifyLogOptions = { splitBytes: 0, chunkBytes: 16 * 1024 };
  let s: Sample;
  let split: number;
  beforeAll(() => {
    s = writeChained(uniformEvents(1000));
    split = s.starts.findIndex((start) => start > Math.floor(s.bytes.length / 2));
  });

  it('finds damage on each side of the split, and right at it, at its seq; the lower of two', async () => {
    expect(split).toBe(501);
    const missed: string[] = [];
    for (const n of [10, split - 1, split, 998]) {
      for (const damage of damagesOf(s, n)) {
        const verdict = await verdictOn(s, damage.bytes, TWO);
        const found = problemOf(verdict);
        if (found.kind !== damage.kind || found.seq !== damage.seq) missed.push(`line ${n}, ${damage.name}: expected ${damage.kind} at ${damage.seq}, got ${found.kind} at ${found.seq}`);
        // Unless it leaves no line after the middle, the log was checked on two threads.
        if (damage.bytes.indexOf(10, Math.floor(damage.bytes.length / 2)) < damage.bytes.length - 1) expect(verdict.split, `${damage.name} at line ${n}`).toBeDefined();
      }
    }
    expect(missed).toEqual([]);
    const at = (n: number) => kindKeyAt(s, n) - 10;
    for (const [a, b] of [[100, 900], [split - 1, split], [split, 999]] as const) {
      expect(problemOf(await verdictOn(s, flipped(flipped(s.bytes, at(a)), at(b)), TWO))).toEqual({ kind: 'damaged-line', seq: a });
    }
    // The h of the first half's last line, which the second thread starts from.
    expect(problemOf(await verdictOn(s, flipped(s.bytes, kindKeyAt(s, split - 1) - 30), TWO))).toEqual({ kind: 'damaged-line', seq: split - 1 });
    writeFileSync(join(s.dir, 'events.jsonl'), s.bytes);
  });

  it('checks the manifest\'s head in either half, and a run.finished that ends the first half', async () => {
    for (const pinned of [split - 1, split, 900]) {
      const chain = new HashChain();
      uniformEvents(1000).slice(0, pinned + 1).forEach((event) => chain.append(event));
      writeManifest(s.dir, { ...s.manifest, count: pinned + 1, head: chain.head, finished: false });
      expect(await verifyLog(s.dir, TWO)).toMatchObject({ ok: true, count: 1000, split, notes: [{ kind: 'extra', seq: pinned + 1 }] });
      writeManifest(s.dir, { ...s.manifest, count: pinned + 1, head: 'a'.repeat(64), finished: false });
      expect(problemOf(await verifyLog(s.dir, TWO))).toEqual({ kind: 'manifest', seq: pinned });
    }
    const early = writeChained(uniformEvents(1000, split - 1));
    expect(await verifyLog(early.dir, TWO)).toMatchObject({ ok: false, split, problem: { kind: 'damaged-line', seq: split, message: `the line follows run.finished (seq ${split - 1}), which ends a log` } });
  });
});
