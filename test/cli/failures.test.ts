// How aosc and aos end on an error (src/cli/failures.ts): a code's exit status and the line
// `<command>: <message>`, the same for every command; an error without a known code is an
// internal error with its stack. Then the commands themselves, on errors that reach them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/bytecode/canonical.js';
import { AosError, InvariantError } from '../../src/bytecode/errors.js';
import { main as aosc } from '../../src/cli/aosc-program.js';
import { EXIT, failure, statusOf } from '../../src/cli/failures.js';
import { fileHost, UsageError } from '../../src/cli/files.js';
import { compileSource } from '../../src/compiler/index.js';
import { ScriptError } from '../../src/drivers/scripted.js';
import { RunDirError } from '../../src/log/run-dir.js';
import { RunLog, RunLogError } from '../../src/log/writer.js';
import { ReplayDivergenceError, ReplayRefusedError } from '../../src/replay/replay.js';
import { BYTECODE_FILE } from '../../src/runtime/run.js';
import { aos } from './capture.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aos-failures-'));
  made.push(dir);
  return dir;
}

describe('statusOf', () => {
  it('takes a whole code first, then its family', () => {
    expect(statusOf('run-dir.exists')).toBe(EXIT.usage);
    expect(statusOf('run-dir.damaged')).toBe(EXIT.problems);
    expect(statusOf('replay.diverged')).toBe(EXIT.problems);
    expect(statusOf('replay.kernel-version')).toBe(EXIT.refused);
    expect(statusOf('usage')).toBe(EXIT.usage);
    expect(statusOf('run-log.seq')).toBe(EXIT.internal);
  });

  it('knows no code outside its table', () => {
    expect(statusOf('mystery.thing')).toBeUndefined();
    expect(statusOf('constructor')).toBeUndefined();
    expect(statusOf('')).toBeUndefined();
  });
});

describe('failure', () => {
  it('prints `<command>: <message>` with the status of the code', () => {
    expect(failure('aosc', new UsageError('cannot read x.aos: ENOENT'))).toEqual({ status: 2, text: 'aosc: cannot read x.aos: ENOENT\n' });
    expect(failure('aos inspect', new RunDirError('damaged', 'r', 'run directory r: events.jsonl is damaged at seq 7'))).toEqual({ status: 1, text: 'aos inspect: run directory r: events.jsonl is damaged at seq 7\n' });
    expect(failure('aos resume', new ReplayRefusedError('kernel-version', '0', '1', 'the run was recorded by kernel "0"'))).toEqual({ status: 4, text: 'aos resume: the run was recorded by kernel "0"\n' });
    const divergence = new ReplayDivergenceError({ seq: 3, expected: null, produced: null, differences: [], location: undefined, summary: 'the log ended' });
    expect(failure('aos resume', divergence)).toEqual({ status: 1, text: 'aos resume: replay diverged at seq 3: the log ended\n' });
  });

  it('keeps a message of several lines, indented under the first', () => {
    const error = new ScriptError('s.json', [
      { pointer: '/responses/0/turn', message: '"turn" must be >= 1', line: 1, column: 9 },
      { pointer: '/responses/1', message: 'unknown property "text"', line: 2, column: 3 },
    ]);
    expect(failure('aos run', error)).toEqual({ status: 2, text: 'aos run: s.json:1:9: "turn" must be >= 1 (at /responses/0/turn)\n  s.json:2:3: unknown property "text" (at /responses/1)\n' });
  });

  it('calls an error without a code, with an unknown code or with a code of status 3 an internal error, with its stack', () => {
    for (const error of [new Error('boom'), new AosError('mystery.thing', 'boom'), new InvariantError('boom'), new RunLogError('seq', 'r', 'boom')]) {
      const ended = failure('aos run', error);
      expect(ended.status, error.name).toBe(EXIT.internal);
      expect(ended.text, error.name).toMatch(new RegExp(`^aos run: internal error: ${error.name}: (invariant broken: )?boom\\n {4}at `));
    }
    expect(failure('aosc', 'thrown text')).toEqual({ status: 3, text: 'aosc: internal error: thrown text\n' });
  });

  it('leaves commander its own message: help and version end 0, anything else 2', () => {
    expect(failure('aos', new CommanderError(0, 'commander.version', '0.1.0'))).toEqual({ status: 0, text: '' });
    expect(failure('aos', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--colour'"))).toEqual({ status: 2, text: '' });
  });
});

describe('the commands on errors', () => {
  it('aos run: a run directory already taken is bad usage, named by the run command', async () => {
    const runs = tempDir();
    mkdirSync(join(runs, 'docs-merge-test'));
    writeFileSync(join(runs, 'docs-merge-test', 'manifest.json'), '{}');
    const result = await aos(['run', 'workflows/docs-merge.aos', '--runs-dir', runs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aos run: run directory ${join(runs, 'docs-merge-test')} already holds a run: resume it, or choose another directory\n`);
  });

  it('aos run: a script that does not load is bad usage, each problem on its line', async () => {
    const dir = tempDir();
    const script = join(dir, 'bad.script.json');
    writeFileSync(script, '{"format": "aos-script", "version": 1, "responses": [{"agent": "a", "turn": 0}]}');
    const result = await aos(['run', 'workflows/docs-merge.aos', '--runs-dir', dir, '--script', script]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toMatch(new RegExp(`^aos run: ${script}:1:\\d+: `));
    for (const line of lines.slice(1)) expect(line.startsWith(`  ${script}:1:`), line).toBe(true);
  });

  it('aos resume: a run that stopped before its first line cannot be resumed (exit 1), and is left as it was', async () => {
    const dir = join(tempDir(), 'never-began');
    const file = 'workflows/docs-merge.aos';
    const bytecode = compileSource(readFileSync(file), file, fileHost(file)).bytecode;
    const log = await RunLog.create(dir);
    writeFileSync(join(dir, BYTECODE_FILE), canonicalJson(bytecode));
    await log.close();
    const result = await aos(['resume', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`aos resume: the run in ${dir} has no events: it stopped before it began, so there is nothing to resume; run the workflow again\n`);
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toBe('');
  });

  it('aos ls and aos verify-log: an unknown runs directory or run is bad usage, named by the command', async () => {
    const missing = join(tempDir(), 'nowhere');
    const ls = await aos(['ls', '--runs-dir', missing]);
    expect(ls).toEqual({ code: 2, stdout: '', stderr: `aos ls: there is no runs directory ${missing} (aos run makes it; name another with --runs-dir)\n` });
    const verify = await aos(['verify-log', 'no-such-run', '--runs-dir', missing]);
    expect(verify).toEqual({ code: 2, stdout: '', stderr: `aos verify-log: no run "no-such-run" in ${missing}, and no run directory no-such-run\n` });
  });

  it('aosc disasm: bytecode that does not read is a problem found, named by aosc', () => {
    const file = join(tempDir(), 'bad.aosb.json');
    writeFileSync(file, '{"format": "not-aos"}');
    const captured = { stdout: '', stderr: '' };
    const code = aosc(['disasm', file], { out: (t) => void (captured.stdout += t), err: (t) => void (captured.stderr += t) });
    expect(code).toBe(1);
    expect(captured).toEqual({ stdout: '', stderr: `aosc: ${file}: not AOS bytecode: format is "not-aos", expected "aos-bytecode"\n` });
  });
});
