// Naming runs on the command line: a run id in the runs directory, or a run directory's path; a
// folder of run directories (golden/) for the commands that take several; and what a run whose
// directory cannot be written tells its user.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Bytecode } from '../bytecode/format.js';
import { codeHash } from '../bytecode/hash.js';
import { BytecodeFormatError, readBytecode } from '../bytecode/reader.js';
import type { DurableFs } from '../log/durable-fs.js';
import { EVENTS_FILE, MANIFEST_FILE, RunDirError } from '../log/run-dir.js';
import { LOCK_FILE } from '../log/run-lock.js';
import { ReplayRefusedError } from '../replay/replay.js';
import { BYTECODE_FILE, ResumeError } from '../runtime/run.js';
import { UsageError } from './files.js';

export const DEFAULT_RUNS_DIR = '.aos/runs';

/** A folder holding a manifest or a log: a run directory, complete or not. */
export function isRunDir(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE)) || existsSync(join(dir, EVENTS_FILE));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function candidatesFor(run: string, runsDir: string): string[] {
  return isAbsolute(run) ? [run] : [join(runsDir, run), run];
}

/** The run directory `run` names: an id in runsDir first, else a path. */
export function findRun(run: string, runsDir: string): string {
  const candidates = candidatesFor(run, runsDir);
  const found = candidates.find(isRunDir);
  if (found !== undefined) return found;
  const folder = candidates.find(isDirectory);
  if (folder !== undefined) throw new UsageError(`${folder} is not a run directory: it has no ${MANIFEST_FILE} and no ${EVENTS_FILE}`);
  throw new UsageError(`no run "${run}" in ${runsDir}, and no run directory ${run}`);
}

function neverBegan(dir: string): ResumeError {
  return new ResumeError('not-started', `the run in ${dir} has no events: it stopped before it began, so there is nothing to resume; run the workflow again`);
}

/**
 * The run directory `run` names, for `aos resume`: a run that never began is refused with one
 * message wherever its start stopped — while its directory was made (a lock and no log yet), or
 * before its first event (a log without a line). A run is made in that order (directory and lock,
 * log, bytecode, then its first line), so a log with a line has its bytecode: a run without it,
 * or without its log, was damaged later, and reading it says so.
 */
export async function findStartedRun(run: string, runsDir: string, fs: DurableFs): Promise<string> {
  let dir: string;
  try {
    dir = findRun(run, runsDir);
  } catch (error) {
    const creation = candidatesFor(run, runsDir).find((candidate) => existsSync(join(candidate, LOCK_FILE)));
    throw creation === undefined ? error : neverBegan(creation);
  }
  const log = await fs.readFile(join(dir, EVENTS_FILE));
  if (log !== undefined && !log.includes(0x0a)) throw neverBegan(dir);
  return dir;
}

/** The run directories directly inside dir, by name; empty when dir is itself a run or holds none. */
export function runsIn(dir: string): string[] {
  if (!isDirectory(dir) || isRunDir(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => isDirectory(path) && isRunDir(path));
}

/**
 * The bytecode a run ran, as recorded in its directory. Bytecode whose code is not the code its
 * hash names was changed after the run: it is refused (ReplayRefusedError, code-hash), as replay
 * refuses other code than the run's; bytecode that does not read at all is a BytecodeFormatError
 * naming the file; a missing or unreadable file is bad usage.
 */
export function recordedBytecode(dir: string): Bytecode {
  const file = join(dir, BYTECODE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = systemError(error)?.code;
    throw new UsageError(`${dir} has no readable ${BYTECODE_FILE}: ${code === 'ENOENT' ? 'the run never began, or the file was removed' : (code ?? (error as Error).message)}`);
  }
  try {
    return readBytecode(text);
  } catch (error) {
    if (!(error instanceof BytecodeFormatError)) throw error;
    if (error.problem !== 'hash') throw new BytecodeFormatError(error.problem, `${file}: ${error.message}`);
    const document = JSON.parse(text) as Bytecode;
    const computed = codeHash(document.code);
    throw new ReplayRefusedError('code-hash', document.codeHash, computed, `${file} was changed after the run: its code hashes to ${computed.slice(0, 16)}…, not to the ${document.codeHash.slice(0, 16)}… it records`);
  }
}

/** An error of the host's file system (ENOSPC, EACCES, …), as Node reports it. */
export function systemError(error: unknown): (Error & { code: string }) | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? (error as Error & { code: string }) : undefined;
}

/** What stops mkdir making path: the nearest existing path at or above it that is not a folder. */
function fileInTheWay(path: string): string {
  for (let at = dirname(path); at !== dirname(at); at = dirname(at)) {
    if (existsSync(at)) return isDirectory(at) ? path : at;
  }
  return path;
}

/** Whether the run began: its bytecode and its first line (seed, input) are on the disk, so that `aos resume` can take it up. */
async function began(runDir: string, fs: DurableFs): Promise<boolean> {
  try {
    const [log, bytecode] = await Promise.all([fs.readFile(join(runDir, EVENTS_FILE)), fs.stat(join(runDir, BYTECODE_FILE))]);
    return bytecode !== undefined && log !== undefined && log.includes(0x0a);
  } catch {
    // A disk that cannot even be read back: nothing to promise a resume from.
    return false;
  }
}

/**
 * What `aos run` or `aos resume` reports when writing the run directory failed — a file where a
 * folder should be, no permission, a full disk — instead of the file system's bare error: one line
 * that says what to do. The writer stopped at the failure and keeps every line it acknowledged,
 * so a run that began is resumed once the cause is gone. Any other error is returned as it is.
 */
export async function runDirFailure(error: unknown, runDir: string, fs: DurableFs): Promise<unknown> {
  const writeFailed = error instanceof RunDirError && error.problem === 'write';
  const system = systemError(writeFailed ? error.cause : error);
  if (system === undefined) return error;
  if (system.code === 'ENOTDIR' || system.code === 'EEXIST') {
    return new UsageError(`cannot make the run directory ${runDir}: ${fileInTheWay(runDir)} is a file, not a folder; name another with --runs-dir`);
  }
  const resumable = await began(runDir, fs);
  const denied = system.code === 'EACCES' || system.code === 'EPERM' || system.code === 'EROFS';
  if (denied && !resumable) return new UsageError(`cannot write the run directory ${runDir} (${system.code}): make it writable, or name another folder with --runs-dir`);
  const full = system.code === 'ENOSPC' || system.code === 'EDQUOT';
  const what = full ? `the disk is full (${system.code})` : `writing it failed (${system.message})`;
  const fix = full ? 'free space, then' : denied ? 'make it writable, then' : 'once that is mended,';
  const next = resumable ? `\`aos resume ${runDir}\` goes on from its last committed line` : 'run the workflow again: this run had not begun';
  return new RunDirError('write', runDir, `run directory ${runDir}: ${what}; ${fix} ${next}`, { cause: system });
}
