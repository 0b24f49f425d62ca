// aos ls and aos inspect on real runs made with aos run: the listing (newest first, finished,
// unfinished and damaged runs), the inspection as text and as JSON, failures located in the
// source, a damaged log refused with the seq where it breaks, and the usage errors.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/aos-program.js';
import { io } from './capture.js';
import type { Inspection } from '../../src/inspect/fold.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aos-inspect-'));
  made.push(dir);
  return dir;
}

async function aos(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = io();
  const code = await main(argv, out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

/** One real run of docs-merge, made once and copied into each test's runs directory. */
let template: string;
let templateLines: string[];
beforeAll(async () => {
  template = mkdtempSync(join(tmpdir(), 'aos-inspect-template-'));
  const out = io();
  expect(await main(['run', 'workflows/docs-merge.aos', '--runs-dir', template, '--ordered-completions'], out)).toBe(0);
  templateLines = readFileSync(join(template, 'docs-merge-test', 'events.jsonl'), 'utf8').trimEnd().split('\n');
  return () => rmSync(template, { recursive: true, force: true });
});

/** A runs directory holding copies of the run under the given ids, each modified at its given second. */
function runsWith(runs: Record<string, number>): string {
  const dir = tempDir();
  for (const [id, second] of Object.entries(runs)) {
    cpSync(join(template, 'docs-merge-test'), join(dir, id), { recursive: true });
    utimesSync(join(dir, id), second, second);
  }
  return dir;
}

/** Cuts a run's log to its first `count` lines, with a manifest that pins them: a run stopped mid-way. */
function stopAt(run: string, count: number): void {
  const lines = templateLines.slice(0, count);
  writeFileSync(join(run, 'events.jsonl'), `${lines.join('\n')}\n`);
  const head = (JSON.parse(lines.at(-1) as string) as { h: string }).h;
  writeFileSync(join(run, 'manifest.json'), `${JSON.stringify({ blobs: 'blobs', count, events: 'events.jsonl', finished: false, format: 'aos-run', head, version: 1 })}\n`);
}

/** Flips the case of one letter inside line `seq` of a run's log: still JSON, no longer its chain. */
function flipByte(run: string, seq: number): void {
  const file = join(run, 'events.jsonl');
  const bytes = readFileSync(file);
  let offset = 0;
  for (let i = 0; i < seq; i++) offset = bytes.indexOf(10, offset) + 1;
  const at = bytes.indexOf('"kind":"', offset) + '"kind":"'.length;
  expect(at).toBeLessThan(bytes.indexOf(10, offset));
  bytes[at] = (bytes[at] as number) ^ 0x20;
  writeFileSync(file, bytes);
}

describe('aos ls', () => {
  it('lists each run with its workflow, status and events, newest first', async () => {
    const dir = runsWith({ 'docs-merge-old': 1_000_000, 'docs-merge-new': 2_000_000, 'docs-merge-stopped': 1_500_000 });
    stopAt(join(dir, 'docs-merge-stopped'), 12);
    utimesSync(join(dir, 'docs-merge-stopped'), 1_500_000, 1_500_000);
    const { code, stdout, stderr } = await aos('ls', '--runs-dir', dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^run +workflow +status +events +modified$/);
    expect(rows.slice(1).map((r) => r.split(/ {2,}/))).toEqual([
      ['docs-merge-new', 'docs-merge 1.0.0', 'ok', String(templateLines.length), new Date(2_000_000_000).toISOString().replace('.000Z', 'Z')],
      ['docs-merge-stopped', 'docs-merge 1.0.0', 'unfinished', '12', new Date(1_500_000_000).toISOString().replace('.000Z', 'Z')],
      ['docs-merge-old', 'docs-merge 1.0.0', 'ok', String(templateLines.length), new Date(1_000_000_000).toISOString().replace('.000Z', 'Z')],
    ]);
  });

  it('shows a damaged run as damaged, with the seq where its log breaks, and lists the others', async () => {
    const dir = runsWith({ 'docs-merge-good': 2_000_000, 'docs-merge-bad': 1_000_000 });
    flipByte(join(dir, 'docs-merge-bad'), 5);
    utimesSync(join(dir, 'docs-merge-bad'), 1_000_000, 1_000_000);
    const { code, stdout } = await aos('ls', '--runs-dir', dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/docs-merge-good +docs-merge 1\.0\.0 +ok/);
    expect(stdout).toMatch(/docs-merge-bad +- +damaged: events\.jsonl is damaged at seq 5: /);
  });

  it('says so when the runs directory is empty (exit 0) or missing (exit 2)', async () => {
    const empty = tempDir();
    writeFileSync(join(empty, 'notes.txt'), 'not a run');
    expect(await aos('ls', '--runs-dir', empty)).toEqual({ code: 0, stderr: '', stdout: `no runs in ${empty}\n` });
    const missing = join(empty, 'nowhere');
    const { code, stderr } = await aos('ls', '--runs-dir', missing);
    expect(code).toBe(2);
    expect(stderr).toContain(`there is no runs directory ${missing}`);
  });
});

describe('aos inspect', () => {
  it('prints every section of a real run, by run id and by run directory alike', async () => {
    const dir = runsWith({ 'docs-merge-a': 1_000_000 });
    const byId = await aos('inspect', 'docs-merge-a', '--runs-dir', dir);
    expect(byId.stderr).toBe('');
    expect(byId.code).toBe(0);
    const text = byId.stdout;
    expect(text.split('\n')[0]).toBe('run docs-merge-a');
    expect(text).toMatch(/^ {2}workflow +docs-merge 1\.0\.0 \(code [0-9a-f]{12}\)$/m);
    expect(text).toContain('scripted — replies are scripted, not a model\'s');
    expect(text).toMatch(new RegExp(`^ {2}log +${templateLines.length} events, head [0-9a-f]{16}$`, 'm'));
    for (const section of ['processes (5)', 'tasks (3)', 'messages: none', 'artifacts (3)', 'budgets (used / granted)', 'effects', 'failures: none', `result: ok at seq ${templateLines.length - 1}`]) {
      expect(text).toContain(`\n${section}\n`);
    }
    expect(text).toMatch(/^ {2}synthesizer#1 +agent +synthesizer +coordinator#1 +\d+ +1 +1 +ok +seq \d+ +2 +\d+$/m);
    expect(text).toMatch(/^ {2}1 +synthesize +synthesizer#1 +coordinator#1 +\d+ +verified +#0 +passed by reviewer#1 at seq \d+$/m);
    expect(text).toMatch(/^ {2}#0 +handoff +synthesizer#1 \(incarnation 1\) .* passed by reviewer#1 \(task 1\)$/m);
    expect(text).toMatch(/^ {2}model +6 +6 +0 +0 +0 +0$/m);
    const byPath = await aos('inspect', join(dir, 'docs-merge-a'));
    expect(byPath.code).toBe(0);
    expect(byPath.stdout.split('\n').slice(1)).toEqual(text.split('\n').slice(1));
  });

  it('--json prints the same inspection as one JSON object', async () => {
    const dir = runsWith({ 'docs-merge-a': 1_000_000 });
    const { code, stdout } = await aos('inspect', 'docs-merge-a', '--runs-dir', dir, '--json');
    expect(code).toBe(0);
    const ins = JSON.parse(stdout) as Inspection;
    expect(ins).toMatchObject({ format: 'aos-inspection', log: { committed: templateLines.length, events: templateLines.length, mismatches: [], tornTail: null }, result: { status: 'ok' }, run: { workflow: { name: 'docs-merge' } } });
    expect(ins.processes.map((p) => p.name)).toEqual(['main', 'coordinator#1', 'synthesizer#1', 'reviewer#1', 'writer#1']);
    expect(ins.tasks.find((t) => t.name === 'synthesize')).toMatchObject({ owner: 'synthesizer#1', state: 'verified', verdicts: [{ by: 'reviewer#1', passed: true }] });
    const completion = JSON.parse(readFileSync(join(dir, 'docs-merge-a', 'completion.json'), 'utf8')) as { processes: { name: string; turns: number; tokens: number }[] };
    for (const p of completion.processes) expect(ins.processes.find((v) => v.name === p.name), p.name).toMatchObject({ tokens: p.tokens, turns: p.turns });
    expect(ins.effects.scriptedReplies).toBe(ins.effects.modelCalls);
  });

  it('shows an unfinished run as unfinished, and a torn tail as ignored', async () => {
    const dir = runsWith({ 'docs-merge-a': 1_000_000 });
    stopAt(join(dir, 'docs-merge-a'), 20);
    const { code, stdout } = await aos('inspect', 'docs-merge-a', '--runs-dir', dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}status +unfinished$/m);
    expect(stdout).toContain('result: unfinished (the log has no run.finished)');
    expect(stdout).toMatch(/^ {2}synthesizer#1 +agent .* running +- /m);
    appendFileSync(join(dir, 'docs-merge-a', 'events.jsonl'), '{"data":');
    const torn = await aos('inspect', 'docs-merge-a', '--runs-dir', dir);
    expect(torn.code).toBe(0);
    expect(torn.stdout).toMatch(/^ {2}log +20 events, head [0-9a-f]{16}; a torn tail of 8 bytes at seq 20 \(the last line has no newline\) is ignored$/m);
    expect((await aos('ls', '--runs-dir', dir)).stdout).toMatch(/docs-merge-a +docs-merge 1\.0\.0 +unfinished, torn tail at seq 20 +20 /);
  });

  it('locates each failure of a recorded run in its source, as file:line:col', async () => {
    const source = readFileSync('golden/sources/incidents.aos', 'utf8').split('\n');
    const line = source.findIndex((text) => text.includes('signal target kill')) + 1;
    const column = (source[line - 1] ?? '').indexOf('signal') + 1;
    const { code, stdout, stderr } = await aos('inspect', 'golden/runs/incidents');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^ {2}seq \\d+ +meddler#1 +capability denied: signal \\{"op":"kill","target":"bystander#1"\\} at golden/sources/incidents\\.aos:${line}:${column}$`, 'm'));
  });

  it('without the recorded bytecode, names each failure by its instruction and says why', async () => {
    const dir = tempDir();
    cpSync('golden/runs/incidents', join(dir, 'incidents'), { recursive: true });
    rmSync(join(dir, 'incidents', 'workflow.aosb.json'));
    const { code, stdout, stderr } = await aos('inspect', 'incidents', '--runs-dir', dir);
    expect(code).toBe(0);
    expect(stderr).toMatch(/has no readable workflow\.aosb\.json: .*; failures are shown by instruction, not by source line\n$/);
    expect(stdout).toMatch(/^ {2}seq \d+ +meddler#1 +capability denied: signal .* at procedure \d+, offset \d+$/m);
  });

  it('refuses a damaged log with exit 1 and the seq where it breaks', async () => {
    const dir = runsWith({ 'docs-merge-a': 1_000_000 });
    flipByte(join(dir, 'docs-merge-a'), 7);
    const { code, stdout, stderr } = await aos('inspect', 'docs-merge-a', '--runs-dir', dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^aos inspect: run directory .*docs-merge-a: events\.jsonl is damaged at seq 7: h is [0-9a-f]{64}, expected [0-9a-f]{64}\n$/);
  });

  it('exits 2 naming the problem: an unknown run, a folder that is not a run, no run at all, an unknown option', async () => {
    const dir = runsWith({ 'docs-merge-a': 1_000_000 });
    mkdirSync(join(dir, 'empty-folder'));
    const cases: [string[], RegExp][] = [
      [['inspect', 'no-such-run', '--runs-dir', dir], new RegExp(`no run "no-such-run" in ${dir}`)],
      [['inspect', 'empty-folder', '--runs-dir', dir], /empty-folder is not a run directory: it has no manifest\.json and no events\.jsonl/],
      [['inspect', '--runs-dir', dir], /missing required argument 'run'/],
      [['inspect', 'docs-merge-a', '--runs-dir', dir, '--colour'], /unknown option '--colour'/],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await aos(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
  });
});
