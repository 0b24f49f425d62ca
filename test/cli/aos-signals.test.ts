// An operator's signals to `aos run` (the built CLI, dist/cli/aos.js; `npm run build` first): once
// a long tool is running, SIGINT, SIGTERM or SIGHUP is recorded as a cancel of main and admitted
// at once, under either admission policy; the run ends cancelled (exit 1), and the tool's process
// is gone when aos has exited. The tool writes its pid into the run's workspace, which is what the
// test waits for before it sends the signal. A hangup comes as the terminal goes: aos must still
// wind the run down when every write to its stdout and stderr fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const AOS = 'dist/cli/aos.js';
/** Generous bounds for a loaded machine: waits that end on an event, failing only if it never comes. */
const CHILD_TIMEOUT_MS = 90_000;
const GONE_TIMEOUT_MS = 30_000;
const POLL_MS = 10;
/** Far longer than a signalled run takes, so a run that let its tool finish would be plain to see. */
const TOOL_SECONDS = 40;

const WORKFLOW = `workflow napping version "1"
model m { id "m" }
tool nap {
  argv ["sh", "-c", "echo $$ > \\"$0\\"; exec sleep ${TOOL_SECONDS}", $pidfile]
  param pidfile path in "/out"
  timeout 5m
}
agent napper {
  model m
  mount shared "/out"
  caps { tools [nap] }
  budget { turns 1 tokens 1 time 1h }
  run { let n = exec nap { pidfile: "/out/nap.pid" } exit n.exit_code }
}
main { let r = call napper timeout 1h exit r.output }
`;

const made: string[] = [];
let workflowFile: string;

beforeAll(() => {
  if (!existsSync(AOS)) throw new Error(`${AOS} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'aos-signals-'));
  made.push(dir);
  workflowFile = join(dir, 'napping.aos');
  writeFileSync(workflowFile, WORKFLOW);
  writeFileSync(join(dir, 'napping.script.json'), JSON.stringify({ format: 'aos-script', responses: [], version: 1 }));
});

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Resolves once `check` gives a value, polling; rejects with `what` after `timeoutMs`. */
function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const value = check();
      if (value === undefined) return;
      clearInterval(poll);
      clearTimeout(limit);
      resolve(value);
    }, POLL_MS);
    const limit = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`${what} did not happen within ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid the tool wrote, once it is there in full. */
function toolPid(runsDir: string): number | undefined {
  const [run] = readdirSync(runsDir);
  if (run === undefined) return undefined;
  const file = join(runsDir, run, 'workspace', 'shared', 'out', 'nap.pid');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return text.endsWith('\n') ? Number(text.trim()) : undefined;
}

interface Signalled {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly toolPid: number;
  readonly runDir: string;
}

interface Case {
  readonly signal: NodeJS.Signals;
  readonly flags: readonly string[];
  /** Close the pipes aos writes to before the signal, as a terminal that hangs up does. */
  readonly hangUp: boolean;
}

/** Runs the workflow, sends the signal once its tool runs, and waits for aos to exit. */
async function runAndSignal({ signal, flags, hangUp }: Case): Promise<Signalled> {
  const runsDir = mkdtempSync(join(tmpdir(), 'aos-signals-runs-'));
  made.push(runsDir);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AOS_LLM_')));
  const child = spawn(process.execPath, [AOS, 'run', workflowFile, '--runs-dir', runsDir, ...flags], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  try {
    const pid = await waitFor('the tool writing its pid', CHILD_TIMEOUT_MS, () => (child.exitCode === null ? toolPid(runsDir) : -1));
    expect(pid, `aos ended before its tool ran: ${stderr}`).toBeGreaterThan(0);
    if (hangUp) {
      child.stdout.destroy();
      child.stderr.destroy();
    }
    child.kill(signal);
    const exit = await waitFor('aos exiting', CHILD_TIMEOUT_MS, () => (child.exitCode !== null || child.signalCode !== null ? true : undefined)).then(() => exited);
    return { ...exit, runDir: join(runsDir, readdirSync(runsDir)[0] ?? ''), stderr, toolPid: pid };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function events(runDir: string): { kind: string; data?: Record<string, unknown> }[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; data?: Record<string, unknown> });
}

describe('aos run and an operator\'s signals', () => {
  const ordered = ['--ordered-completions'];
  const cases: (Case & { readonly name: string })[] = [
    { name: 'SIGINT with ordered completions', signal: 'SIGINT', flags: ordered, hangUp: false },
    { name: 'SIGTERM with ordered completions', signal: 'SIGTERM', flags: ordered, hangUp: false },
    { name: 'SIGHUP by arrival', signal: 'SIGHUP', flags: [], hangUp: false },
    { name: 'SIGHUP with ordered completions', signal: 'SIGHUP', flags: ordered, hangUp: false },
    { name: 'SIGHUP as the terminal goes', signal: 'SIGHUP', flags: [], hangUp: true },
  ];
  it.each(cases)('$name: cancels main at once, recorded; the run ends cancelled, exit 1, and its tool does not outlive aos', async (test) => {
    const run = await runAndSignal(test);
    expect({ code: run.code, signal: run.signal }, run.stderr).toEqual({ code: 1, signal: null });
    if (!test.hangUp) expect(run.stderr).toContain(`aos: ${test.signal}: cancelling the run`);
    const log = events(run.runDir);
    expect(log.filter((e) => e.kind === 'signal.external').map((e) => e.data)).toEqual([{ op: 'cancel', target: 'main' }]);
    expect(log.at(-1)).toMatchObject({ kind: 'run.finished', data: { status: 'cancelled' } });
    expect(JSON.parse(readFileSync(join(run.runDir, 'completion.json'), 'utf8'))).toMatchObject({ status: 'cancelled', reason: { from: 'host', kind: 'signal', op: 'cancel' } });
    await waitFor(`the tool (pid ${run.toolPid}) ending`, GONE_TIMEOUT_MS, () => (alive(run.toolPid) ? undefined : true));
  });
});
