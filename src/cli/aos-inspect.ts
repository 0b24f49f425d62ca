// `aos ls` and `aos inspect`: the runs in a runs directory, and what one of them did, read from
// its log without taking its lock (readRunLog checks the chain), its failures located in the source
// through the run's recorded bytecode. Neither writes anything.
import type { Command } from 'commander';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bytecode } from '../bytecode/format.js';
import { isObject } from '../bytecode/json.js';
import { BytecodeFormatError } from '../bytecode/reader.js';
import { renderInspection } from '../inspect/render.js';
import { inspectLog } from '../inspect/fold.js';
import { readRunLog, type RunLogContents } from '../log/reader.js';
import { RunDirError } from '../log/run-dir.js';
import { ReplayRefusedError } from '../replay/replay.js';
import { EXIT } from './failures.js';
import { UsageError } from './files.js';
import { DEFAULT_RUNS_DIR, findRun, recordedBytecode } from './run-dirs.js';

/** What the commands print to: the part of aos-program.ts's Io they use. */
interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

function fieldsOf(line: string | undefined): { data?: Record<string, unknown> } {
  if (line === undefined) return {};
  const value: unknown = JSON.parse(line);
  return isObject(value) ? (value as { data?: Record<string, unknown> }) : {};
}

interface RunRow {
  readonly id: string;
  readonly workflow: string;
  readonly status: string;
  readonly events: string;
  readonly modified: Date;
}

function workflowOf(contents: RunLogContents): string {
  const workflow = fieldsOf(contents.lines[0]).data?.['workflow'] as { name?: unknown; version?: unknown } | undefined;
  return typeof workflow?.name === 'string' && typeof workflow.version === 'string' ? `${workflow.name} ${workflow.version}` : '-';
}

function statusOf(contents: RunLogContents): string {
  if (contents.finished) {
    const status = fieldsOf(contents.lines.at(-1)).data?.['status'];
    return typeof status === 'string' ? status : '-';
  }
  return contents.tail === undefined ? 'unfinished' : `unfinished, torn tail at seq ${contents.tail.seq}`;
}

async function describeRun(dir: string, id: string): Promise<RunRow> {
  // The run's start time is in no file (events hold no host time): the directory's mtime stands in.
  const modified = (await stat(dir)).mtime;
  try {
    const contents = await readRunLog(dir);
    return { events: String(contents.count), id, modified, status: statusOf(contents), workflow: workflowOf(contents) };
  } catch (error) {
    if (!(error instanceof RunDirError)) throw error;
    return { events: '-', id, modified, status: `damaged: ${error.problemText}`, workflow: '-' };
  }
}

function aligned(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

async function listRuns(runsDir: string, io: Output): Promise<number> {
  let names: string[];
  try {
    const entries = await readdir(runsDir, { withFileTypes: true });
    names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`there is no runs directory ${runsDir} (aos run makes it; name another with --runs-dir)`);
    if (code === 'ENOTDIR') throw new UsageError(`${runsDir} is a file, not a runs directory: name another with --runs-dir`);
    throw new UsageError(`cannot read the runs directory ${runsDir}: ${code ?? (error as Error).message}`);
  }
  if (names.length === 0) {
    io.out(`no runs in ${runsDir}\n`);
    return EXIT.ok;
  }
  const runs: RunRow[] = [];
  for (const name of names) runs.push(await describeRun(join(runsDir, name), name));
  runs.sort((a, b) => b.modified.getTime() - a.modified.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const rows = runs.map((r) => [r.id, r.workflow, r.status, r.events, r.modified.toISOString().replace(/\.\d+Z$/, 'Z')]);
  io.out(aligned([['run', 'workflow', 'status', 'events', 'modified'], ...rows]));
  return EXIT.ok;
}

interface InspectFlags {
  readonly runsDir: string;
  readonly json?: boolean;
}

/**
 * The run's recorded bytecode, whose debug table maps failures to source lines. Without it the
 * inspection still stands, its failures named by procedure and offset, and a note says why.
 */
function sourceTable(dir: string, io: Output): Bytecode | undefined {
  try {
    return recordedBytecode(dir);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof BytecodeFormatError || error instanceof ReplayRefusedError)) throw error;
    io.err(`aos inspect: ${error.message}; failures are shown by instruction, not by source line\n`);
    return undefined;
  }
}

async function inspectRun(run: string, flags: InspectFlags, io: Output): Promise<number> {
  // A log that fails readRunLog's check is a RunDirError: `aos inspect: <why>`, exit 1.
  const dir = findRun(run, flags.runsDir);
  const inspection = inspectLog(await readRunLog(dir), sourceTable(dir, io));
  io.out(flags.json === true ? `${JSON.stringify(inspection, null, 2)}\n` : renderInspection(inspection, run));
  return EXIT.ok;
}

/** Adds `ls` and `inspect` to the aos program. */
export function registerInspect(program: Command, io: Output, setCode: (n: number) => void): void {
  program
    .command('ls')
    .description('list the runs in a runs directory, newest first')
    .option('--runs-dir <dir>', 'where run directories are', DEFAULT_RUNS_DIR)
    .action(async (flags: { runsDir: string }) => {
      setCode(await listRuns(flags.runsDir, io));
    });
  program
    .command('inspect')
    .description('show what a run did: processes, tasks, messages, artifacts, budgets, effects and its result')
    .argument('<run>', 'a run id in the runs directory, or a run directory')
    .option('--runs-dir <dir>', 'where run directories are', DEFAULT_RUNS_DIR)
    .option('--json', 'print the inspection as one JSON object')
    .action(async (run: string, flags: InspectFlags) => {
      setCode(await inspectRun(run, flags, io));
    });
}
