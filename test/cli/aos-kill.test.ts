// Real SIGKILLs of `aos run` (the built CLI, dist/cli/aos.js; `npm run build` first), each followed
// by `aos resume`, on two workflows run with ordered completions, so an uninterrupted run gives the
// same log every time. The first (test/runtime/fixtures/crash/slow.aos) runs about a second and a
// half of tools and sleeps. The second (file-order.aos) has a script whose entries are used up in
// file order, which a resume must take up where the run left it, and an append tool whose output
// file would show a call run twice. Each kill waits for a point of the run, watched from here in
// its run directory: the directory made but no line yet, after N lines, while a tool or a sleep is
// outstanding, near and at the end, or at a time after the start. After each kill, `aos resume`
// exits 0, `aos replay` finds the log identical, the log verifies, every line on disk at the kill
// is kept at its seq, and the log, manifest, blobs, completion report and output files equal the
// uninterrupted run's. A kill before run.started reached the log leaves nothing to resume: resume
// refuses by name. Kills run two at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/aos-program.js';
import { lineKind } from '../../src/replay/replay.js';
import { verifyLog } from '../../src/log/verify-log.js';

const AOS = 'dist/cli/aos.js';
const SLOW = 'test/runtime/fixtures/crash/slow.aos';
const FILE_ORDER = 'test/runtime/fixtures/crash/file-order.aos';
const RUN_ARGS = ['--ordered-completions', '--seed', '7'];
/**
 * No child may take longer than this: generous, for a loaded machine. A child that never exits (a
 * thread holding the process open after its outcome) fails here.
 */
const CHILD_TIMEOUT_MS = 120_000;
const POLL_MS = 2;
const PARALLEL = 2;

const made: string[] = [];
const children = new Set<ChildProcess>();
/** The watchers of runs still to be killed: stopped before their runs directories go. */
const watchers = new Set<ReturnType<typeof setInterval>>();

afterAll(() => {
  for (const watcher of watchers) clearInterval(watcher);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The environment without AOS_LLM_* settings: the scripted default beside the workflow answers. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AOS_LLM_')));
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI; its exit, or a rejection once it has run CHILD_TIMEOUT_MS. */
function aos(args: readonly string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [AOS, ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<Exit>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aos ${args.join(' ')} took longer than ${CHILD_TIMEOUT_MS} ms; its output: ${stdout} ${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stderr, stdout });
    });
  });
  return { child, exit };
}

function newRunsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aos-kill-'));
  made.push(dir);
  return dir;
}

/** The one run directory in a runs directory, if it was made. */
function runDirIn(runsDir: string): string | undefined {
  const name = readdirSync(runsDir)[0];
  return name === undefined ? undefined : join(runsDir, name);
}

/** Complete lines of a run's log, as they are on disk now. */
function linesOnDisk(runDir: string | undefined): string[] {
  if (runDir === undefined) return [];
  let text: string;
  try {
    text = readFileSync(join(runDir, 'events.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').slice(0, -1);
}

/** Every file of a run directory by relative path. */
function runFiles(runDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const rel = relative(runDir, path);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(rel, readFileSync(path, 'utf8'));
    }
  };
  walk(runDir);
  return out;
}

function capture(): Io & { stdout: string; stderr: string } {
  const captured = { stderr: '', stdout: '' };
  return Object.assign(captured, {
    env: {},
    err: (t: string) => void (captured.stderr += t),
    out: (t: string) => void (captured.stdout += t),
    runId: (workflow: string) => `${workflow}-replayed`,
  });
}

/** A workflow of the sweep and its uninterrupted run. */
interface Reference {
  readonly workflow: string;
  readonly dir: string;
  readonly files: Map<string, string>;
  readonly lines: string[];
}

const references = new Map<string, Reference>();

function referenceOf(workflow: string): Reference {
  const found = references.get(workflow);
  if (found === undefined) throw new Error(`no uninterrupted run of ${workflow}`);
  return found;
}

/** The uninterrupted run's files, and `aos replay` and verify-log passing, in dir. */
async function expectUninterrupted(reference: Reference, dir: string, what: string): Promise<void> {
  const files = runFiles(dir);
  for (const [path, content] of reference.files) expect(files.get(path), `${what}: ${path}`).toBe(content);
  expect([...files.keys()].filter((path) => !reference.files.has(path)), `${what}: files the uninterrupted run has not`).toEqual([]);
  const io = capture();
  expect(await main(['replay', dir], io), `${what}: aos replay (${io.stderr})`).toBe(0);
  expect(io.stdout, `${what}: aos replay`).toMatch(/^replay: identical, \d+ events/);
  expect(await verifyLog(dir), `${what}: verify-log`).toMatchObject({ ok: true, finished: true, count: reference.lines.length });
}

async function uninterrupted(workflow: string): Promise<Reference> {
  const runsDir = newRunsDir();
  const done = await aos(['run', workflow, '--runs-dir', runsDir, ...RUN_ARGS]).exit;
  expect(done.code, done.stderr).toBe(0);
  const dir = runDirIn(runsDir) ?? '';
  return { dir, files: runFiles(dir), lines: linesOnDisk(dir), workflow };
}

beforeAll(async () => {
  if (!existsSync(AOS)) throw new Error(`${AOS} is missing: run \`npm run build\` first`);
  for (const reference of await Promise.all([SLOW, FILE_ORDER].map(uninterrupted))) references.set(reference.workflow, reference);
}, 60_000);

/** What the watcher sees of the run it is to kill. */
interface Seen {
  readonly elapsed: number;
  readonly dir: string | undefined;
  readonly lines: readonly string[];
}

interface Kill {
  readonly workflow: string;
  readonly name: string;
  readonly when: (seen: Seen) => boolean;
}

/** Whether the nth request of op (tool, or timer of a sleep) is the last of them and still outstanding. */
function outstanding(lines: readonly string[], op: 'tool' | 'sleep', nth: number): boolean {
  const requested = lines.filter((line) => lineKind(line) === 'effect.requested' && (op === 'tool' ? line.includes('"op":"tool"') : line.includes('"purpose":"sleep"')));
  const effect = /"effect":"([^"]+)"/.exec(requested[nth - 1] ?? '')?.[1];
  if (effect === undefined || requested.length !== nth) return false;
  return !lines.some((line) => (lineKind(line) === 'effect.completed' || lineKind(line) === 'timer.fired') && line.includes(`"effect":"${effect}"`));
}

type Point = Omit<Kill, 'workflow'>;

/** A kill once the run has at least this fraction of its uninterrupted run's lines. */
function atLine(total: number, fraction: number): Point {
  const n = Math.max(2, Math.round(total * fraction));
  return { name: `after ${n} lines`, when: (s) => s.lines.length >= n };
}

function slowKills(): Kill[] {
  const total = referenceOf(SLOW).lines.length;
  // Before the last timer fires: a kill at a time can never come after the run has ended.
  const atTime = (ms: number): Point => ({ name: `${ms} ms after the start`, when: (s) => s.elapsed >= ms && s.lines.length < total - 2 });
  const points: Point[] = [
    { name: 'directory made, no line yet', when: (s) => s.dir !== undefined },
    { name: 'bytecode written, no line yet', when: (s) => s.dir !== undefined && existsSync(join(s.dir, 'workflow.aosb.json')) },
    { name: 'after run.started', when: (s) => s.lines.length >= 1 },
    ...[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].map((fraction) => atLine(total, fraction)),
    { name: 'during the 1st tool', when: (s) => outstanding(s.lines, 'tool', 1) },
    { name: 'during the 2nd tool', when: (s) => outstanding(s.lines, 'tool', 2) },
    { name: 'during the 3rd tool', when: (s) => outstanding(s.lines, 'tool', 3) },
    { name: "during the scribe's tool", when: (s) => outstanding(s.lines, 'tool', 5) },
    { name: 'during the first sleep', when: (s) => outstanding(s.lines, 'sleep', 1) },
    { name: 'during the last sleep, three lines before the end', when: (s) => outstanding(s.lines, 'sleep', 2) },
    { name: 'run.finished written', when: (s) => s.lines.length >= total },
    atTime(1_700),
    atTime(2_200),
    atTime(2_700),
  ];
  return points.map((point) => ({ ...point, workflow: SLOW }));
}

/** The file-order workflow: its script used up in file order, and its append tool at each of its four calls. */
function fileOrderKills(): Kill[] {
  const total = referenceOf(FILE_ORDER).lines.length;
  const points: Point[] = [
    { name: 'after run.started', when: (s) => s.lines.length >= 1 },
    ...[0.2, 0.35, 0.5, 0.65, 0.8].map((fraction) => atLine(total, fraction)),
    ...[1, 2, 3, 4].map((nth) => ({ name: `during append ${nth}`, when: (s: Seen) => outstanding(s.lines, 'tool', nth) })),
    { name: 'run.finished written', when: (s) => s.lines.length >= total },
  ];
  return points.map((point) => ({ ...point, name: `file order: ${point.name}`, workflow: FILE_ORDER }));
}

interface Outcome {
  readonly killed: boolean;
  readonly linesAtKill: number;
  readonly resumed: boolean;
}

/** Starts `aos run`, kills it when the point comes, then resumes and checks the run. */
async function killAndResume(kill: Kill): Promise<Outcome> {
  const reference = referenceOf(kill.workflow);
  const runsDir = newRunsDir();
  const began = Date.now();
  const { child, exit } = aos(['run', kill.workflow, '--runs-dir', runsDir, ...RUN_ARGS]);
  let sent = false;
  const watcher = setInterval(() => {
    if (sent || child.exitCode !== null) return;
    const dir = runDirIn(runsDir);
    if (kill.when({ dir, elapsed: Date.now() - began, lines: linesOnDisk(dir) })) sent = child.kill('SIGKILL');
  }, POLL_MS);
  watchers.add(watcher);
  const ended = await exit.finally(() => {
    clearInterval(watcher);
    watchers.delete(watcher);
  });
  const dir = runDirIn(runsDir);
  if (ended.signal !== 'SIGKILL') {
    // The point never came before the run ended: nothing to resume.
    expect(ended.code, `${kill.name}: a run the kill missed completes (${ended.stderr})`).toBe(0);
    await expectUninterrupted(reference, dir ?? '', `${kill.name}, not killed`);
    return { killed: false, linesAtKill: reference.lines.length, resumed: false };
  }
  // SIGKILL leaves what the process wrote: its complete lines are what the resume must keep.
  const atKill = linesOnDisk(dir);
  if (dir === undefined) return { killed: true, linesAtKill: 0, resumed: false };
  const reported = existsSync(join(dir, 'completion.md'));
  const resumed = await aos(['resume', dir, '--runs-dir', runsDir]).exit;
  const code = resumed.code;
  if (atKill.length === 0) {
    expect(code === 1 || code === 2, `${kill.name}: resume refuses a run with no line (exit ${code}: ${resumed.stderr})`).toBe(true);
    // Named: no manifest or log yet, no bytecode yet, or no line yet.
    expect(resumed.stderr, kill.name).toMatch(/^aos resume: .*(is not a run directory|workflow\.aosb\.json|has no events: it stopped before it began)/m);
    // Nothing of the run is on disk that a new `aos run` would not make again, as the
    // uninterrupted run did (test/runtime/crash-safety.test.ts starts such runs again).
    expect(existsSync(join(dir, 'completion.json')), kill.name).toBe(false);
    return { killed: true, linesAtKill: 0, resumed: false };
  }
  if (reported) {
    // Killed after the report was written, before the lock was given up: the run is done.
    expect(code, `${kill.name}: resume of a finished run`).toBe(1);
    expect(resumed.stderr, kill.name).toContain('has finished');
  } else {
    expect(code, `${kill.name}: aos resume (${resumed.stderr})`).toBe(0);
    expect(resumed.stdout, kill.name).toContain(`replayed ${atKill.length} events`);
    expect(resumed.stdout.trimEnd().split('\n').at(-1), kill.name).toBe(`run: ${relative(runsDir, dir)}`);
  }
  const final = linesOnDisk(dir);
  expect(final.slice(0, atKill.length), `${kill.name}: the lines on disk at the kill`).toEqual(atKill);
  for (const [seq, line] of atKill.entries()) if (lineKind(line) === 'effect.completed') expect(final[seq], `${kill.name}: the completion at seq ${seq}`).toBe(line);
  await expectUninterrupted(reference, dir, kill.name);
  return { killed: true, linesAtKill: atKill.length, resumed: !reported };
}

type Outcomes = (Outcome & { readonly name: string; readonly workflow: string })[];

/** Kills of one workflow spread over its run: in its first third, in its middle, and in its last lines. */
function expectSpread(outcomes: Outcomes, workflow: string, counts: { readonly killed: number; readonly resumed: number }, summary: string): void {
  const total = referenceOf(workflow).lines.length;
  const killed = outcomes.filter((o) => o.workflow === workflow && o.killed);
  expect(killed.length, summary).toBeGreaterThanOrEqual(counts.killed);
  expect(killed.some((o) => o.linesAtKill < total / 3), summary).toBe(true);
  expect(killed.some((o) => o.linesAtKill > total / 3 && o.linesAtKill < (total * 2) / 3), summary).toBe(true);
  expect(killed.some((o) => o.linesAtKill >= total - 3), summary).toBe(true);
  expect(killed.filter((o) => o.resumed).length, summary).toBeGreaterThanOrEqual(counts.resumed);
}

describe('aos run killed with SIGKILL, then aos resume', () => {
  it('resumes every kill to the uninterrupted run: exit 0, replay identical, log verified, same report and files', async () => {
    const plan = [...slowKills(), ...fileOrderKills()];
    const outcomes: Outcomes = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < plan.length; i = next++) {
        const kill = plan[i] as Kill;
        outcomes.push({ name: kill.name, workflow: kill.workflow, ...(await killAndResume(kill)) });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const summary = outcomes.map((o) => `${o.name}: ${o.killed ? `killed at ${o.linesAtKill} lines` : 'missed'}${o.resumed ? ', resumed' : ''}`).join('\n');
    console.info(summary);
    expectSpread(outcomes, SLOW, { killed: 20, resumed: 16 }, summary);
    // Before the first line too.
    expect(outcomes.some((o) => o.workflow === SLOW && o.killed && o.linesAtKill === 0), summary).toBe(true);
    expectSpread(outcomes, FILE_ORDER, { killed: 9, resumed: 8 }, summary);
    // The appends the uninterrupted run made, each once, whichever call the kill stopped.
    expect(outcomes.filter((o) => o.workflow === FILE_ORDER && o.killed && o.name.includes('during append')).length, summary).toBeGreaterThanOrEqual(3);
    expect(referenceOf(FILE_ORDER).files.get('workspace/shared/out/words.txt')).toBe('one\ntwo\nthree\nfour\n');
  }, 600_000);

  // A process that opens a log and seals nothing (a resume that refuses, or that only writes the
  // completion report) must still exit (or CHILD_TIMEOUT_MS fails it): the sealing thread holds the
  // process open only while a batch is out.
  it('aos resume of a run that has finished says so and exits 1', async () => {
    const runsDir = newRunsDir();
    const dir = join(runsDir, 'finished');
    cpSync(referenceOf(SLOW).dir, dir, { recursive: true });
    const resumed = await aos(['resume', dir, '--runs-dir', runsDir]).exit;
    expect(resumed.stderr).toContain('has finished: there is nothing to resume');
    expect(resumed.code).toBe(1);
  }, 150_000);
});
