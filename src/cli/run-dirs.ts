// Naming runs on the command line: a run id in the runs directory, or a run directory's path; and
// a folder of run directories (golden/) for the commands that take several.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Bytecode } from '../bytecode/format.js';
import { readBytecode } from '../bytecode/reader.js';
import { EVENTS_FILE, MANIFEST_FILE } from '../log/run-dir.js';
import { BYTECODE_FILE } from '../runtime/run.js';
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

/** The run directory `run` names: an id in runsDir first, else a path. */
export function findRun(run: string, runsDir: string): string {
  const candidates = isAbsolute(run) ? [run] : [join(runsDir, run), run];
  const found = candidates.find(isRunDir);
  if (found !== undefined) return found;
  const folder = candidates.find(isDirectory);
  if (folder !== undefined) throw new UsageError(`${folder} is not a run directory: it has no ${MANIFEST_FILE} and no ${EVENTS_FILE}`);
  throw new UsageError(`no run "${run}" in ${runsDir}, and no run directory ${run}`);
}

/** The run directories directly inside dir, by name; empty when dir is itself a run or holds none. */
export function runsIn(dir: string): string[] {
  if (!isDirectory(dir) || isRunDir(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => isDirectory(path) && isRunDir(path));
}

/** The bytecode a run ran, as recorded in its directory; a clear usage error when it cannot be read. */
export function recordedBytecode(dir: string): Bytecode {
  let text: string;
  try {
    text = readFileSync(join(dir, BYTECODE_FILE), 'utf8');
  } catch (error) {
    throw new UsageError(`${dir} has no readable ${BYTECODE_FILE}: ${(error as Error).message}`);
  }
  try {
    return readBytecode(text);
  } catch (error) {
    throw new UsageError(`${join(dir, BYTECODE_FILE)} is not bytecode this build reads: ${(error as Error).message}`);
  }
}
