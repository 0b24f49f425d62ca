// Every command of aos and aosc, given the bad input a careless operator gives it, ends as
// src/cli/failures.ts says: the status of the error's code, and one line — naming the file and
// what to do — with no stack trace. A command whose output is a verdict (replay, verify-log)
// prints that verdict as its one line instead, on stdout. A full disk stops a run with one line,
// loses no line the writer acknowledged, and the run resumes once space is freed.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/bytecode/canonical.js';
import { main } from '../../src/cli/aos-program.js';
import { main as aosc } from '../../src/cli/aosc-program.js';
import { failure } from '../../src/cli/failures.js';
import { fileHost } from '../../src/cli/files.js';
import { compileGolden, recordGolden } from '../../src/cli/golden.js';
import { compileSource } from '../../src/compiler/index.js';
import { nodeFs, type DurableFile, type DurableFs } from '../../src/log/durable-fs.js';
import { EVENTS_FILE, MANIFEST_FILE } from '../../src/log/run-dir.js';
import { LOCK_FILE } from '../../src/log/run-lock.js';
import { workerModule } from '../../src/log/workers.js';
import { RunLog } from '../../src/log/writer.js';
import { BYTECODE_FILE } from '../../src/runtime/run.js';
import { CrashDisk } from '../runtime/crash-fs.js';
import { io } from './capture.js';

const WORKFLOW = 'workflows/docs-merge.aos';
const RUN_ID = 'docs-merge-test';

interface Ended {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let root: string;
/** A finished run of docs-merge, and its log. */
let reference: string;
let referenceLog: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'aos-bad-input-'));
  const ran = await aos(['run', WORKFLOW, '--runs-dir', join(root, 'reference'), '--ordered-completions']);
  expect(ran.code, ran.stderr).toBe(0);
  reference = join(root, 'reference', RUN_ID);
  referenceLog = readFileSync(join(reference, EVENTS_FILE), 'utf8');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function aos(argv: string[], env: Record<string, string> = {}, fs?: DurableFs): Promise<Ended> {
  const captured = io(env);
  if (fs !== undefined) captured.runLog = { fs };
  const code = await main(argv, captured);
  return { code, stdout: captured.stdout, stderr: captured.stderr };
}

function aoscOf(argv: string[]): Ended {
  const captured = { stdout: '', stderr: '' };
  const code = aosc(argv, { out: (t) => void (captured.stdout += t), err: (t) => void (captured.stderr += t) });
  return { code, ...captured };
}

let folders = 0;
/** A fresh folder for one case. */
function folder(): string {
  const dir = join(root, `case-${folders++}`);
  mkdirSync(dir);
  return dir;
}

/** A copy of the finished run, in a runs folder of its own. */
function copyOfRun(dir: string): string {
  const run = join(dir, 'runs', RUN_ID);
  cpSync(reference, run, { recursive: true });
  return run;
}

/** The recorded bytecode with one of its strings changed, and its code hash left as it was. */
function editBytecode(run: string): void {
  const path = join(run, BYTECODE_FILE);
  const bytecode = JSON.parse(readFileSync(path, 'utf8')) as { code: { constants: unknown[] } };
  const at = bytecode.code.constants.findIndex((c) => typeof c === 'string');
  bytecode.code.constants[at] = `${String(bytecode.code.constants[at])} (edited)`;
  writeFileSync(path, JSON.stringify(bytecode));
}

/**
 * The run directory of a run that stopped before its first event, as a kill leaves it at each
 * point of its start: while its directory was made (a lock, nothing else), after the log was
 * made, and after its bytecode was written.
 */
async function neverBegan(dir: string, stage: 'lock' | 'log' | 'bytecode'): Promise<string> {
  const run = join(dir, 'runs', RUN_ID);
  if (stage === 'lock') {
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, LOCK_FILE), '{"host":"gone","pid":1,"token":"00000000000000000000000000000000"}\n');
    return run;
  }
  await (await RunLog.create(run)).close();
  if (stage === 'bytecode') writeFileSync(join(run, BYTECODE_FILE), canonicalJson(compileSource(readFileSync(WORKFLOW), WORKFLOW, fileHost(WORKFLOW)).bytecode));
  return run;
}

function systemError(code: string, op: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${op} '${path}'`), { code, syscall: op, path });
}

/** A file system on which every call that would write fails with `code` (EACCES: a folder that is not ours). */
function refusing(code: string): DurableFs {
  return {
    ...nodeFs,
    mkdir: (path) => Promise.reject(systemError(code, 'mkdir', path)),
    open: (path) => Promise.reject(systemError(code, 'open', path)),
    createExclusive: (path) => Promise.reject(systemError(code, 'open', path)),
  };
}

/**
 * A disk that fills up: once `fills(path)` has been true of `count` writes, every call that needs
 * space (a write, a new file or folder) fails with ENOSPC, as on a real full disk; reads, syncs,
 * renames and removals still work.
 */
function fillingUp(fs: DurableFs, fills: (path: string) => boolean, count: number): { fs: DurableFs; full: () => boolean } {
  let seen = 0;
  let full = false;
  const spend = (op: string, path: string): void => {
    if (!full && fills(path) && ++seen >= count) full = true;
    if (full) throw systemError('ENOSPC', op, path);
  };
  const file = (inner: DurableFile, path: string): DurableFile => ({
    write: async (data) => {
      spend('write', path);
      await inner.write(data);
    },
    sync: () => inner.sync(),
    close: () => inner.close(),
  });
  return {
    full: () => full,
    fs: {
      ...fs,
      open: async (path, mode) => file(await fs.open(path, mode), path),
      createExclusive: async (path, data) => {
        spend('open', path);
        return fs.createExclusive(path, data);
      },
      mkdir: async (path) => {
        spend('mkdir', path);
        return fs.mkdir(path);
      },
    },
  };
}

/** One line on the stream the case says, nothing on stderr for a verdict, and no stack anywhere. */
function expectOneLine(ended: Ended, code: number, line: RegExp, stream: 'stderr' | 'stdout' = 'stderr'): void {
  const shown = JSON.stringify(ended);
  expect(ended.code, shown).toBe(code);
  expect(`${ended.stdout}${ended.stderr}`, shown).not.toMatch(/internal error|\n\s+at /);
  if (stream === 'stdout') expect(ended.stderr, shown).toBe('');
  const text = ended[stream];
  expect(text.endsWith('\n') && text.indexOf('\n') === text.length - 1, `one line on ${stream}: ${shown}`).toBe(true);
  expect(text, shown).toMatch(line);
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('aos run on bad input', () => {
  it('a script that is not JSON', async () => {
    const script = join(folder(), 'bad.script.json');
    writeFileSync(script, '{bad');
    expectOneLine(await aos(['run', WORKFLOW, '--runs-dir', join(root, 'unused'), '--script', script]), 2, new RegExp(`^aos run: ${escaped(script)}:1:2: not valid JSON: `));
  });

  it('a script of another version, whatever else it holds', async () => {
    const script = join(folder(), 'v2.script.json');
    writeFileSync(script, JSON.stringify({ format: 'aos-script', version: 2, replies: [{ who: 'writer' }] }));
    const line = `^aos run: ${escaped(script)}:1:\\d+: not a script this build reads: its "version" is the number 2, and this build reads version 1 \\(at /version\\)\\n$`;
    expectOneLine(await aos(['run', WORKFLOW, '--runs-dir', join(root, 'unused'), '--script', script]), 2, new RegExp(line));
  });

  it('a folder given as the script', async () => {
    const dir = folder();
    expectOneLine(await aos(['run', WORKFLOW, '--runs-dir', join(root, 'unused'), '--script', dir]), 2, new RegExp(`^aos run: ${escaped(dir)}: cannot read the script: EISDIR`));
  });

  it('a runs directory that is a file', async () => {
    const runs = join(folder(), 'runs');
    writeFileSync(runs, 'not a folder');
    const line = `^aos run: cannot make the run directory ${escaped(join(runs, RUN_ID))}: ${escaped(runs)} is a file, not a folder; name another with --runs-dir\\n$`;
    expectOneLine(await aos(['run', WORKFLOW, '--runs-dir', runs]), 2, new RegExp(line));
  });

  it('a runs directory that cannot be written', async () => {
    const runs = join(folder(), 'runs');
    const line = `^aos run: cannot write the run directory ${escaped(join(runs, RUN_ID))} \\(EACCES\\): make it writable, or name another folder with --runs-dir\\n$`;
    expectOneLine(await aos(['run', WORKFLOW, '--runs-dir', runs], {}, refusing('EACCES')), 2, new RegExp(line));
  });

  it('a disk full before the run began', async () => {
    const runs = join(folder(), 'runs');
    const disk = fillingUp(nodeFs, () => true, 1);
    const line = `^aos run: run directory ${escaped(join(runs, RUN_ID))}: the disk is full \\(ENOSPC\\); free space, then run the workflow again: this run had not begun\\n$`;
    expectOneLine(await aos(['run', WORKFLOW, '--runs-dir', runs], {}, disk.fs), 1, new RegExp(line));
  });

  it('a live backend\'s URL with no backend named', async () => {
    const line = /^aos run: AOS_LLM_BASE_URL is set, but no backend is named: set AOS_LLM_BACKEND \(or --backend\) to the backend it is for, or unset it to run on the workflow's scripted default\n$/;
    expectOneLine(await aos(['run', WORKFLOW, '--runs-dir', join(root, 'unused')], { AOS_LLM_BASE_URL: 'http://127.0.0.1:8080/v1' }), 2, line);
  });

  it('a workflow that is not there, and --input that is not JSON', async () => {
    expectOneLine(await aos(['run', 'no-such.aos']), 2, /^aos run: cannot read no-such\.aos: ENOENT\n$/);
    expectOneLine(await aos(['run', WORKFLOW, '--runs-dir', join(folder(), 'runs'), '--input', '{x']), 2, /^aos run: --input is not JSON: /);
  });
});

describe('aos resume on bad input', () => {
  it('a run that never began: one message wherever its start stopped', async () => {
    for (const stage of ['lock', 'log', 'bytecode'] as const) {
      const run = await neverBegan(folder(), stage);
      const line = `^aos resume: the run in ${escaped(run)} has no events: it stopped before it began, so there is nothing to resume; run the workflow again\\n$`;
      expectOneLine(await aos(['resume', run]), 1, new RegExp(line));
    }
  });

  it('a run whose bytecode was edited: refused', async () => {
    const run = copyOfRun(folder());
    editBytecode(run);
    expectOneLine(await aos(['resume', run]), 4, new RegExp(`^aos resume: ${escaped(join(run, BYTECODE_FILE))} was changed after the run: its code hashes to [0-9a-f]{16}…, not to the [0-9a-f]{16}… it records\\n$`));
  });

  it('a run whose log was deleted, and a run that is not there', async () => {
    const run = copyOfRun(folder());
    rmSync(join(run, EVENTS_FILE));
    expectOneLine(await aos(['resume', run]), 1, new RegExp(`^aos resume: run directory ${escaped(run)} has no ${EVENTS_FILE}\\n$`));
    expectOneLine(await aos(['resume', 'no-such-run', '--runs-dir', join(root, 'nowhere')]), 2, /^aos resume: no run "no-such-run" in /);
  });
});

describe('aos replay, verify-log, inspect and ls on bad input', () => {
  it('a log deleted before the command: damaged, as verify-log says', async () => {
    const run = copyOfRun(folder());
    rmSync(join(run, EVENTS_FILE));
    const count = (JSON.parse(readFileSync(join(run, MANIFEST_FILE), 'utf8')) as { count: number }).count;
    const missing = `there is no ${EVENTS_FILE}, but ${MANIFEST_FILE} pins ${count} lines`;
    expectOneLine(await aos(['replay', run]), 1, new RegExp(`^replay: the log is damaged at seq 0: ${missing}\\n$`), 'stdout');
    expectOneLine(await aos(['verify-log', run]), 1, new RegExp(`^verify-log: damaged at seq 0: ${missing} \\[truncated\\]\\n$`), 'stdout');
    expectOneLine(await aos(['inspect', run]), 1, new RegExp(`^aos inspect: run directory ${escaped(run)} has no ${EVENTS_FILE}\\n$`));
  });

  it('a run whose bytecode was edited: replay refuses it, inspect shows it by instruction', async () => {
    const run = copyOfRun(folder());
    editBytecode(run);
    expectOneLine(await aos(['replay', run]), 4, /^replay: refused \(code-hash\): .*workflow\.aosb\.json was changed after the run: /, 'stdout');
    expectOneLine(await aos(['inspect', run]), 0, /^aos inspect: .*workflow\.aosb\.json was changed after the run: .*; failures are shown by instruction, not by source line\n$/);
  });

  it('compatible replay of a log whose input line is malformed, or not JSON: a divergence at its seq', async () => {
    const run = copyOfRun(folder());
    const lines = referenceLog.split('\n');
    const input = lines.findIndex((line) => line.includes('"kind":"effect.completed"'));
    const request = lines.findIndex((line) => line.includes('"kind":"effect.requested"'));
    for (const [at, edited, summary] of [
      [input, (lines[input] ?? '').replace('"effect":"', '"effekt":"'), `the effect.completed line at seq ${input} is not a well-formed input`],
      [request, (lines[request] ?? '').slice(0, -1), `the effect.requested line at seq ${request} is not JSON`],
    ] as const) {
      writeFileSync(join(run, EVENTS_FILE), lines.map((line, seq) => (seq === at ? edited : line)).join('\n'));
      const ended = await aos(['replay', '--workflow', WORKFLOW, run]);
      expect(ended.code, JSON.stringify(ended)).toBe(1);
      expect(ended.stderr).toBe('');
      expect(ended.stdout.split('\n')[0]).toBe(`replay: diverged at seq ${at}: ${summary}`);
    }
  });

  it('a run, or a runs directory, that is not there or is a file', async () => {
    const dir = folder();
    const file = join(dir, 'runs');
    writeFileSync(file, 'not a folder');
    for (const command of ['replay', 'verify-log', 'inspect']) {
      expectOneLine(await aos([command, 'no-such-run', '--runs-dir', file]), 2, new RegExp(`^aos ${command}: no run "no-such-run" in ${escaped(file)}, and no run directory no-such-run\\n$`));
    }
    expectOneLine(await aos(['ls', '--runs-dir', join(dir, 'nowhere')]), 2, /^aos ls: there is no runs directory .*; name another with --runs-dir\)\n$/);
    expectOneLine(await aos(['ls', '--runs-dir', file]), 2, new RegExp(`^aos ls: ${escaped(file)} is a file, not a runs directory: name another with --runs-dir\\n$`));
  });
});

describe('aosc on bad input', () => {
  it('check, compile and disasm of a file that is not there', () => {
    for (const command of ['check', 'compile', 'disasm']) expectOneLine(aoscOf([command, 'no-such.aos']), 2, /^aosc: cannot read no-such\.aos: ENOENT\n$/);
  });

  it('check of a folder without workflows, and compile to a path that cannot be written', () => {
    const dir = folder();
    expectOneLine(aoscOf(['check', dir]), 2, new RegExp(`^aosc: no workflow files found in ${escaped(dir)}\\n$`));
    writeFileSync(join(dir, 'file'), '');
    const out = join(dir, 'file', 'out.aosb.json');
    expectOneLine(aoscOf(['compile', WORKFLOW, '-o', out]), 2, new RegExp(`^aosc: cannot write ${escaped(out)}: ENOTDIR; name another file with -o\\n$`));
  });

  it('disasm of edited bytecode names the file', () => {
    const run = copyOfRun(folder());
    editBytecode(run);
    const file = join(run, BYTECODE_FILE);
    expectOneLine(aoscOf(['disasm', file]), 1, new RegExp(`^aosc: ${escaped(file)}: code hash mismatch: `));
  });
});

describe('errors of a build or a golden source, not of AOS', () => {
  /** How the error ends a command: one line and the status of its code, never an internal error. */
  function ending(action: () => unknown): { status: number; text: string } {
    try {
      action();
    } catch (error) {
      return failure('aos', error);
    }
    throw new Error('no error was thrown');
  }

  it('a build without its worker modules: run npm run build', () => {
    const { status, text } = ending(() => workerModule('no-such-worker', import.meta.url));
    expect(status).toBe(2);
    expect(text).toMatch(/^aos: the worker module .*no-such-worker\.js is missing: run `npm run build`\n$/);
  });

  it('a golden source that does not compile cleanly, or whose signals file is not JSON', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'idle.aos'), 'workflow idle version "1"\ntool lint { argv ["lint"] }\nmain {}\n');
    const { status, text } = ending(() => compileGolden(join(dir, 'idle.aos'), dir));
    expect(status).toBe(1);
    expect(text).toMatch(/^aos: idle\.aos does not compile cleanly: warning: tool "lint" .*\[unused-tool\]\n$/);

    cpSync('golden/sources/interrupted.aos', join(dir, 'interrupted.aos'));
    cpSync('golden/sources/interrupted.script.json', join(dir, 'interrupted.script.json'));
    writeFileSync(join(dir, 'interrupted.signals.json'), '[{"when": ');
    const signals = failure('aos', await recordGolden(join(dir, 'interrupted.aos'), join(dir, 'run'), dir).catch((error: unknown) => error));
    expect(signals.status).toBe(2);
    expect(signals.text).toMatch(/^aos: .*interrupted\.signals\.json is not JSON: .*\n$/);
  });
});

describe('a full disk', () => {
  // Where the disk fills: at the log's third group commit, mid-run; and at the completion report,
  // once the log has ended.
  const points = [
    { name: 'mid-run', fills: (path: string) => path.endsWith(EVENTS_FILE), count: 3 },
    { name: 'at the completion report', fills: (path: string) => path.endsWith('completion.json.tmp'), count: 1 },
  ];

  it.each(points)('$name: one line, nothing acknowledged lost, and the run resumes to the uninterrupted log once space is freed', async ({ fills, count }) => {
    const dir = folder();
    const disk = new CrashDisk(dir);
    const filling = fillingUp(disk.fs(), fills, count);
    const run = join(dir, 'runs', RUN_ID);
    const ran = await aos(['run', WORKFLOW, '--runs-dir', join(dir, 'runs'), '--ordered-completions'], {}, filling.fs);
    expect(filling.full()).toBe(true);
    const line = `^aos run: run directory ${escaped(run)}: the disk is full \\(ENOSPC\\); free space, then \`aos resume ${escaped(run)}\` goes on from its last committed line\\n$`;
    expectOneLine(ran, 1, new RegExp(line));

    // Acknowledged: the lines the manifest on the disk pins, synced before it was put in place.
    const pinned = (JSON.parse(Buffer.from(disk.durableBytes(`runs/${RUN_ID}/${MANIFEST_FILE}`) ?? []).toString()) as { count: number }).count;
    const durable = Buffer.from(disk.durableBytes(`runs/${RUN_ID}/${EVENTS_FILE}`) ?? []).toString().split('\n').slice(0, pinned);
    expect(pinned).toBeGreaterThan(0);

    // Space is freed: the disk's files, as the system holds them, are resumed from on the real one.
    disk.materialise();
    const resumed = await aos(['resume', run]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const log = readFileSync(join(run, EVENTS_FILE), 'utf8');
    expect(log.split('\n').slice(0, pinned)).toEqual(durable);
    expect(log).toBe(referenceLog);
    expect((await aos(['replay', run])).stdout).toMatch(/^replay: identical, /);
  });
});
