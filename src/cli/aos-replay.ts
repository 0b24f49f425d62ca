// `aos replay`: replays a recorded run without a model, tools, files or network, and proves it
// identical (exact), or tells whether a changed workflow is safe for it (compatible, --workflow).
// Given a folder of run directories (golden/), it replays each of them in one process.
//
// Exit codes: 0 identical (or compatible), 1 diverged, damaged or incompatible, 2 bad usage,
// 4 refused: recorded by another kernel or event-format version (or its code is not its bytecode).
import type { Command } from 'commander';
import { join } from 'node:path';
import type { Bytecode } from '../bytecode/format.js';
import { compileSource } from '../compiler/index.js';
import { renderSummary, renderText } from '../compiler/render.js';
import { replayCompatible, type CompatibilityReport } from '../replay/compatible.js';
import { fileCursor, fileLines } from '../log/lines.js';
import { EVENTS_FILE } from '../log/run-dir.js';
import { ReplayDivergenceError, ReplayRefusedError, replayExact, type SourceLocation } from '../replay/replay.js';
import { verifyLog, type LogVerdict } from '../log/verify-log.js';
import { EXIT } from './failures.js';
import { fileHost, readSource, UsageError } from './files.js';
import { DEFAULT_RUNS_DIR, findRun, recordedBytecode, runsIn, systemError } from './run-dirs.js';

interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** One run's outcome, as printed and as --json gives it. */
export type ReplayOutcome =
  | { readonly run: string; readonly result: 'identical'; readonly events: number; readonly head: string; readonly finished: boolean; readonly outstanding: number }
  | { readonly run: string; readonly result: 'diverged'; readonly divergence: ReplayDivergenceError }
  | { readonly run: string; readonly result: 'damaged'; readonly seq: number | undefined; readonly message: string }
  | { readonly run: string; readonly result: 'refused'; readonly reason: string; readonly message: string }
  | { readonly run: string; readonly result: 'compatible' | 'incompatible'; readonly report: CompatibilityReport };

function damaged(run: string, verdict: LogVerdict): ReplayOutcome | undefined {
  if (verdict.ok) return undefined;
  return { message: verdict.problem.message, result: 'damaged', run, seq: verdict.problem.seq };
}

function refused(run: string, error: ReplayRefusedError): ReplayOutcome {
  return { message: error.message, reason: error.reason, result: 'refused', run };
}

/** A log that cannot be read at all (deleted, a folder, no permission) is damaged, as verify-log says it is. */
function unreadable(run: string, error: unknown): ReplayOutcome {
  const system = systemError(error);
  if (system === undefined) throw error;
  return { message: `cannot read ${EVENTS_FILE} (${system.code})`, result: 'damaged', run, seq: undefined };
}

/** Exact replay of one run directory: the kernel replays on this thread while the chain is verified on the other core. */
export async function replayRun(dir: string): Promise<ReplayOutcome> {
  let bytecode: Bytecode;
  try {
    bytecode = recordedBytecode(dir);
  } catch (error) {
    if (error instanceof ReplayRefusedError) return refused(dir, error);
    throw error;
  }
  // The chain is checked on the other core while this one replays: the replay waits only until
  // the verifying thread has its job (or the check is over, for a log it could not start on).
  let started: () => void = () => undefined;
  const handedOver = new Promise<void>((resolve) => (started = resolve));
  const chain = verifyLog(dir, { offMainThread: { started } });
  chain.then(started, started);
  await handedOver;
  let outcome: ReplayOutcome;
  try {
    const replay = replayExact(bytecode, () => fileCursor(join(dir, EVENTS_FILE)));
    outcome = { events: replay.events, finished: replay.finished, head: '', outstanding: replay.outstanding.length, result: 'identical', run: dir };
  } catch (error) {
    if (error instanceof ReplayRefusedError) outcome = refused(dir, error);
    else if (error instanceof ReplayDivergenceError) outcome = { divergence: error, result: 'diverged', run: dir };
    else outcome = unreadable(dir, error);
  }
  const verdict = await chain;
  // A damaged log explains a divergence better than the divergence does; an identical replay of a
  // log whose chain is broken is not identical bytes.
  if (outcome.result !== 'refused') outcome = damaged(dir, verdict) ?? outcome;
  if (outcome.result === 'identical' && verdict.ok) {
    if (verdict.count !== outcome.events) return { message: `the chain holds ${verdict.count} lines, the replay read ${outcome.events}`, result: 'damaged', run: dir, seq: Math.min(verdict.count, outcome.events) };
    outcome = { ...outcome, head: verdict.head };
  }
  return outcome;
}

/** Compatible replay of one run directory against a changed workflow's bytecode. */
export function replayRunCompatible(dir: string, bytecode: Bytecode): ReplayOutcome {
  try {
    const report = replayCompatible(bytecode, fileLines(join(dir, EVENTS_FILE)));
    return { report, result: report.compatible ? 'compatible' : 'incompatible', run: dir };
  } catch (error) {
    if (error instanceof ReplayRefusedError) return refused(dir, error);
    if (error instanceof ReplayDivergenceError) return { divergence: error, result: 'diverged', run: dir };
    return unreadable(dir, error);
  }
}

function where(location: SourceLocation | undefined): string {
  if (location === undefined) return '(no bytecode location: the event came from the kernel or a free agent\'s loop)';
  return `${location.file}:${location.line}:${location.column} — procedure ${location.procedure}, offset ${location.offset}, process ${location.pid}`;
}

function short(value: unknown): string {
  const text = value === undefined ? '(absent)' : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The outcome as the lines `aos replay` prints. */
export function renderOutcome(outcome: ReplayOutcome): string {
  switch (outcome.result) {
    case 'identical': {
      const tail = outcome.finished ? '' : ` (the run did not finish: replayed up to its last line; ${outcome.outstanding} effects outstanding)`;
      return `replay: identical, ${outcome.events} events, head ${outcome.head}${tail}\n`;
    }
    case 'damaged':
      return `replay: the log is damaged${outcome.seq === undefined ? '' : ` at seq ${outcome.seq}`}: ${outcome.message}\n`;
    case 'refused':
      return `replay: refused (${outcome.reason}): ${outcome.message}\n`;
    case 'diverged': {
      const d = outcome.divergence.details;
      const lines = [`replay: diverged at seq ${d.seq}: ${d.summary}`, `  at:       ${where(d.location)}`, `  expected: ${short(d.expected)}`, `  produced: ${short(d.produced)}`];
      if (d.differences.length > 0) {
        lines.push('  fields:');
        for (const f of d.differences.slice(0, 20)) lines.push(`    ${f.path}: expected ${short(f.expected)}, produced ${short(f.produced)}`);
        if (d.differences.length > 20) lines.push(`    … and ${d.differences.length - 20} more`);
      }
      return `${lines.join('\n')}\n`;
    }
    case 'compatible':
    case 'incompatible': {
      const r = outcome.report;
      const counts = `${r.processes} processes issued ${r.effects} matching effects; ${r.inputs} of ${r.recordedInputs} recorded inputs consumed${r.finished ? '' : ' (the recorded run did not finish)'}`;
      if (r.compatible) return `replay: compatible — ${counts}\n`;
      const lines = [`replay: incompatible — ${counts}`];
      for (const p of r.problems) lines.push(`  ${p.message}`, ...(p.location === undefined ? [] : [`    at ${where(p.location)}`]));
      return `${lines.join('\n')}\n`;
    }
  }
}

function outcomeJson(outcome: ReplayOutcome): unknown {
  if (outcome.result !== 'diverged') return outcome;
  const d = outcome.divergence.details;
  return { divergence: { differences: d.differences, expected: d.expected, location: d.location ?? null, produced: d.produced, seq: d.seq, summary: d.summary }, result: outcome.result, run: outcome.run };
}

function exitFor(outcomes: readonly ReplayOutcome[]): number {
  if (outcomes.some((o) => o.result === 'refused')) return EXIT.refused;
  return outcomes.every((o) => o.result === 'identical' || o.result === 'compatible') ? EXIT.ok : EXIT.problems;
}

interface ReplayFlags {
  readonly runsDir: string;
  readonly workflow?: string;
  readonly json?: boolean;
}

function compileChanged(file: string, io: Output): Bytecode {
  const compiled = compileSource(readSource(file), file, fileHost(file));
  if (compiled.bytecode === undefined) {
    io.err(`${renderText(compiled.diagnostics, compiled.text)}\n${renderSummary(compiled.diagnostics)}\n`);
    throw new UsageError(`${file} does not compile`);
  }
  return compiled.bytecode;
}

async function replayCommand(target: string, flags: ReplayFlags, io: Output): Promise<number> {
  const batch = runsIn(target);
  const dirs = batch.length > 0 ? batch : [findRun(target, flags.runsDir)];
  const changed = flags.workflow === undefined ? undefined : compileChanged(flags.workflow, io);
  const outcomes: ReplayOutcome[] = [];
  for (const dir of dirs) {
    const outcome = changed === undefined ? await replayRun(dir) : replayRunCompatible(dir, changed);
    outcomes.push(outcome);
    if (flags.json !== true) io.out(batch.length > 0 ? `${dir}: ${renderOutcome(outcome)}` : renderOutcome(outcome));
  }
  if (flags.json === true) io.out(`${JSON.stringify(batch.length > 0 ? outcomes.map(outcomeJson) : outcomeJson(outcomes[0] as ReplayOutcome), null, 2)}\n`);
  else if (batch.length > 0) {
    const passed = outcomes.filter((o) => o.result === 'identical' || o.result === 'compatible').length;
    io.out(`replay: ${passed} of ${outcomes.length} runs ${changed === undefined ? 'identical' : 'compatible'}\n`);
  }
  return exitFor(outcomes);
}

export function registerReplay(program: Command, io: Output, setCode: (n: number) => void): void {
  program
    .command('replay')
    .description('replay a run from its log alone and prove it identical; or, with --workflow, tell whether a changed workflow is safe for it')
    .argument('<run>', 'a run id, a run directory, or a folder of run directories (golden/)')
    .option('--runs-dir <dir>', 'where run ids are looked up', DEFAULT_RUNS_DIR)
    .option('--workflow <file>', 'compatible replay: the changed workflow to check against the recorded run')
    .option('--json', 'print the outcome as JSON')
    .action(async (run: string, flags: ReplayFlags) => {
      setCode(await replayCommand(run, flags, io));
    });
}
