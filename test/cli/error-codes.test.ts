// Every error class src/ exports is an AosError with a stable code, every code has an exit status
// in the CLI's table (src/cli/failures.ts), and docs/errors.md lists exactly those codes with
// those statuses. A new error class, or a new problem of an existing one, fails here until it is
// given samples below, a status and a row in the doc.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AosError, InvariantError } from '../../src/bytecode/errors.js';
import { BytecodeFormatError, type BytecodeFormatProblem } from '../../src/bytecode/reader.js';
import { statusOf } from '../../src/cli/failures.js';
import { UsageError } from '../../src/cli/files.js';
import { GoldenError, type GoldenProblem } from '../../src/cli/golden.js';
import { DslPrintError } from '../../src/compiler/print.js';
import { FileProblem, type FileErrorKind } from '../../src/drivers/files/confined.js';
import { WorkspaceError, type WorkspaceProblem } from '../../src/drivers/files/journal.js';
import { BackendError, type BackendErrorKind } from '../../src/drivers/inference.js';
import { ScriptError } from '../../src/drivers/scripted.js';
import { RunDirError, type RunDirProblem } from '../../src/log/run-dir.js';
import { RunLockError, type RunLockProblem } from '../../src/log/run-lock.js';
import { ThreadError, type ThreadProblem } from '../../src/log/workers.js';
import { RunLogError, type RunLogProblem } from '../../src/log/writer.js';
import { ReplayDivergenceError, ReplayRefusedError, type RefusalReason } from '../../src/replay/replay.js';
import { BackendConfigError, type BackendConfigProblem } from '../../src/runtime/backend-config.js';
import { ResumeError, type ResumeProblem } from '../../src/runtime/run.js';
import { SigningKeyError } from '../../src/runtime/signing-keys.js';
import { InvariantViolation } from '../../src/sim/invariants.js';

const root = resolve(import.meta.dirname, '../..');

/** The keys of a record that must name every member of K: the type checker keeps these lists whole. */
const every = <K extends string>(members: Record<K, true>): K[] => Object.keys(members) as K[];

/** One instance per code of every error class src/ exports. */
const samples: readonly AosError[] = [
  new UsageError('no such file'),
  ...every<BackendConfigProblem>({ environment: true, 'no-backend': true, 'unknown-backend': true, unavailable: true, 'no-script': true, 'script-changed': true }).map((p) => new BackendConfigError(p, p)),
  new ScriptError('a.script.json', [{ pointer: '', message: 'the file is empty' }]),
  new SigningKeyError('AOS_SIGNING_KEY must be at least 16 characters'),
  ...every<BytecodeFormatProblem>({ json: true, format: true, version: true, schema: true, hash: true, structure: true }).map((p) => new BytecodeFormatError(p, p)),
  new DslPrintError('"1x" is not a name'),
  ...every<RunDirProblem>({ exists: true, manifest: true, log: true, damaged: true, truncated: true, write: true, 'host-path': true }).map((p) => new RunDirError(p, 'run', p)),
  ...every<RunLockProblem>({ held: true, stale: true, unreadable: true, breaking: true, lost: true }).map((p) => new RunLockError(p, 'run', undefined, p)),
  ...every<RunLogProblem>({ 'torn-tail': true, finished: true, seq: true, 'first-line': true, closed: true, 'blob-hash': true }).map((p) => new RunLogError(p, 'run', p)),
  ...every<ThreadProblem>({ missing: true, failed: true, 'log-changed': true }).map((p) => new ThreadError(p, p)),
  ...every<GoldenProblem>({ signals: true, compile: true, unsent: true }).map((p) => new GoldenError(p, p)),
  ...every<ResumeProblem>({ 'no-run': true, finished: true, 'not-started': true, 'tool-not-idempotent': true }).map((p) => new ResumeError(p, p)),
  new ReplayDivergenceError({ seq: 3, expected: null, produced: null, differences: [], location: undefined, summary: 'the log ended' }),
  ...every<RefusalReason>({ 'not-a-run': true, 'kernel-version': true, 'format-version': true, 'code-hash': true }).map((r) => new ReplayRefusedError(r, null, null, r)),
  ...every<BackendErrorKind>({ unavailable: true, timeout: true, refused: true, 'bad-request': true, 'bad-response': true, cancelled: true, 'no-script-match': true }).map((k) => new BackendError('scripted', k, k)),
  ...every<FileErrorKind>({ 'not-found': true, escape: true, 'read-only': true, 'not-a-file': true, 'not-a-directory': true, 'invalid-path': true, 'too-large': true, conflict: true, io: true }).map((k) => new FileProblem(k, k)),
  ...every<WorkspaceProblem>({ platform: true, options: true, mount: true, escape: true, journal: true }).map((p) => new WorkspaceError(p, p)),
  new InvariantError('a walk always holds its root'),
  new InvariantViolation('budget-conserved', 4, 'spent more than granted'),
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}

/** Every class exported by a module of src/ that declares a class, whose instances are Errors. */
type ErrorClass = abstract new (...args: never[]) => Error;

async function exportedErrorClasses(): Promise<Set<ErrorClass>> {
  const classes = new Set<ErrorClass>();
  for (const file of sourceFiles(join(root, 'src'))) {
    if (!/\bclass \w+/.test(readFileSync(file, 'utf8'))) continue;
    const module = (await import(file)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (typeof value === 'function' && value.prototype instanceof Error) classes.add(value as ErrorClass);
    }
  }
  return classes;
}

/** The code, class and exit of each row of docs/errors.md's table of codes. */
function documentedCodes(): Map<string, { readonly className: string; readonly exit: number }> {
  const rows = new Map<string, { className: string; exit: number }>();
  for (const line of readFileSync(join(root, 'docs/errors.md'), 'utf8').split('\n')) {
    const row = /^\| `([^`]+)` \| `(\w+)` \| .+ \| (\d) \|$/.exec(line);
    if (row !== null) rows.set(row[1] as string, { className: row[2] as string, exit: Number(row[3]) });
  }
  return rows;
}

describe('error codes', () => {
  it('every error class src/ exports extends AosError, and each has samples here', async () => {
    const classes = await exportedErrorClasses();
    expect(classes.size).toBeGreaterThan(10);
    const notAos = [...classes].filter((c) => !(c.prototype instanceof AosError) && c !== AosError).map((c) => c.name);
    expect(notAos, 'error classes that do not extend AosError').toEqual([]);
    const sampled = new Set<unknown>(samples.map((s) => s.constructor));
    const unsampled = [...classes].filter((c) => c !== AosError && !sampled.has(c)).map((c) => c.name);
    expect(unsampled, 'error classes without samples in this test').toEqual([]);
  });

  it('gives every sample a distinct, well-formed code, its class name as name, and an exit status', () => {
    const codes = samples.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const sample of samples) {
      expect(sample).toBeInstanceOf(AosError);
      expect(sample.code, sample.name).toMatch(/^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)?$/);
      expect(sample.name).toBe(sample.constructor.name);
      expect(statusOf(sample.code), sample.code).toBeDefined();
    }
  });

  it('lists exactly these codes in docs/errors.md, each with its class and the status the CLI gives it', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual(samples.map((s) => s.code).sort());
    for (const sample of samples) expect(documented.get(sample.code), sample.code).toEqual({ className: sample.name, exit: statusOf(sample.code) });
  });
});
