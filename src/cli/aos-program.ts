// aos: the runtime's command line. `aos run` compiles a workflow, runs it on the live host with
// its log in a fresh run directory, prints a summary and ends with `run: <run-id>`.
// Exit codes: 0 the run completed and verified, 1 it ended otherwise (failed, unverified, …),
// 2 bad usage (unknown option, unreadable or non-compiling workflow, no backend), 3 internal failure.
// `aos replay` and `aos resume` add 4: a run refused because another kernel or event format
// recorded it. An error ends every command as failures.ts says.
import { Command, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { compileSource } from '../compiler/index.js';
import { renderSummary, renderText } from '../compiler/render.js';
import type { JsonValue } from '../bytecode/json.js';
import { nodeFs } from '../log/durable-fs.js';
import type { RunLogOptions } from '../log/writer.js';
import { chooseBackend, resumeBackend, type BackendChoice } from '../runtime/backend-config.js';
import { resume, run, type HostRequest, type InterruptedTools, type ResumeNotes } from '../runtime/run.js';
import { signingSecrets } from '../runtime/signing-keys.js';
import type { SignalOp } from '../bytecode/opcodes.js';
import type { CompletionReport } from '../generated/completion.js';
import type { BackendInfo } from '../generated/event.js';
import { DEFAULT_RUNS_DIR, findStartedRun, recordedBytecode, runDirFailure } from './run-dirs.js';
import { registerInspect } from './aos-inspect.js';
import { registerReplay } from './aos-replay.js';
import { registerVerify, registerVerifyLog } from './aos-verify.js';
import { endOnError, EXIT } from './failures.js';
import { fileHost, readSource, UsageError } from './files.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** The run id: a time stamp and a random suffix (host-side only: no event holds it). */
  runId: (workflow: string) => string;
  /** The file system under the run directory's own files: tests put a full or crashing disk there. */
  runLog?: RunLogOptions;
}

const stdio: Io = {
  env: process.env,
  err: (t) => process.stderr.write(t),
  out: (t) => process.stdout.write(t),
  runId: (workflow) => `${workflow}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`,
};

interface RunFlags {
  workflow?: string;
  backend?: string;
  script?: string;
  seed: string;
  orderedCompletions?: boolean;
  runsDir: string;
  input?: string;
}

function parseInput(text: string | undefined): JsonValue {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new UsageError(`--input is not JSON: ${(error as Error).message}`);
  }
}

async function runCommand(fileArg: string | undefined, flags: RunFlags, io: Io): Promise<number> {
  const file = fileArg ?? flags.workflow;
  if (file === undefined) throw new UsageError('name a workflow file (aos run FILE, or --workflow FILE)');
  const text = readSource(file);
  const compiled = compileSource(text, file, fileHost(file));
  if (compiled.bytecode === undefined) {
    io.err(`${renderText(compiled.diagnostics, compiled.text)}\n${renderSummary(compiled.diagnostics)}\n`);
    throw new UsageError(`${file} does not compile`);
  }
  const choice = chooseBackend(file, flags, io.env);
  const bytecode = compiled.bytecode;
  const runId = io.runId(bytecode.workflow.name);
  const runDir = join(flags.runsDir, runId);
  io.out(`aos run: ${bytecode.workflow.name} ${bytecode.workflow.version} (code ${bytecode.codeHash.slice(0, 12)}), seed ${flags.seed}\n`);
  printBackend(choice, io);
  const report = await interruptible(io, (external) => run({
    backend: choice.backend,
    ...(choice.script === undefined ? {} : { script: choice.script }),
    bytecode,
    hostEnv: io.env,
    input: parseInput(flags.input),
    orderedCompletions: flags.orderedCompletions === true,
    runDir,
    runLog: io.runLog,
    scripted: choice.scripted,
    secrets: [...choice.secrets, ...signingSecrets(io.env)],
    seed: flags.seed,
    workflowDir: dirname(resolve(file)),
    external,
  })).catch(failedWriting(runDir, io));
  return printReport(report, runDir, runId, io);
}

function printBackend(choice: BackendChoice, io: Io): void {
  io.out(`backend: ${choice.description}${choice.scripted ? ' — replies are scripted, not a model\'s' : ''}\n`);
}

/** The signals that ask a run to wind down: Ctrl-C, a polite kill, and the terminal hanging up. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `body` with Ctrl-C (SIGINT), SIGTERM and SIGHUP turned into a recorded cancel of main: the
 * run winds down, its tools are stopped, its log ends with run.finished, and a replay sees the same
 * signal. Left to Node, SIGHUP would end the process at once and leave its tools, each in its own
 * process group, running. A second signal stops the process at once; what was committed stays
 * resumable.
 */
async function interruptible<T>(io: Io, body: (external: HostRequest['external']) => Promise<T>): Promise<T> {
  let send: ((target: string, op: SignalOp) => void) | undefined;
  let asked = false;
  const onSignal = (name: NodeJS.Signals): void => {
    if (asked || send === undefined) {
      io.err(`aos: ${name} again: stopping now; \`aos resume\` takes the run up from its log\n`);
      process.exit(130);
    }
    asked = true;
    if (name === 'SIGHUP') outliveTheTerminal();
    io.err(`aos: ${name}: cancelling the run (again to stop at once)\n`);
    send('main', 'cancel');
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  try {
    return await body((signal) => (send = signal));
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}

/** Rethrows a failure to write the run directory as what its user can do about it (run-dirs.ts). */
function failedWriting(runDir: string, io: Io): (error: unknown) => Promise<never> {
  return async (error) => {
    throw await runDirFailure(error, runDir, io.runLog?.fs ?? nodeFs);
  };
}

/**
 * After a hangup the terminal is gone, and every write to it fails (EIO, EPIPE): unheard, such a
 * failure would end the process before the run has wound down. What is printed from then on is lost.
 */
function outliveTheTerminal(): void {
  const ignore = (): void => undefined;
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
}

/** The run's summary, ending with `run: <run-id>`; the exit code its status gives. */
function printReport(report: CompletionReport, runDir: string, runId: string, io: Io): number {
  const verified = report.tasks.filter((t) => t.state === 'verified').length;
  const tokens = report.processes.reduce((sum, p) => sum + p.tokens, 0);
  const turns = report.processes.reduce((sum, p) => sum + p.turns, 0);
  io.out(`status: ${report.status}\n`);
  if (report.output !== undefined) io.out(`output: ${JSON.stringify(report.output).slice(0, 200)} (sha256 ${report.outputHash?.slice(0, 12) ?? ''})\n`);
  if (report.reason !== undefined) io.out(`reason: ${JSON.stringify(report.reason).slice(0, 400)}\n`);
  io.out(`tasks: ${report.tasks.length} (${verified} verified); artifacts: ${report.artifacts.length}; model calls: ${turns}; tokens: ${tokens}${report.backend.scripted ? ' (scripted counts)' : ''}\n`);
  io.out(`log: ${report.events} events, head ${report.head.slice(0, 16)}\n`);
  io.out(`run directory: ${relative(process.cwd(), resolve(runDir)) || '.'}\n`);
  io.out(`run: ${runId}\n`);
  if (report.status !== 'ok') io.err(`aos run: the run ended ${report.status}${report.reason === undefined ? '' : `: ${JSON.stringify(report.reason).slice(0, 400)}`}\n`);
  return report.status === 'ok' ? EXIT.ok : EXIT.problems;
}

interface ResumeFlags {
  runsDir: string;
  workflow?: string;
  backend?: string;
  script?: string;
  rerunTools?: boolean;
  failTools?: boolean;
}

async function resumeCommand(target: string, flags: ResumeFlags, io: Io): Promise<number> {
  const runDir = await findStartedRun(target, flags.runsDir, io.runLog?.fs ?? nodeFs);
  const recorded = recordedBytecode(runDir);
  // The workflow file gives the folder its mounts' `from` paths and the run's script are relative
  // to; the code that runs is the recorded bytecode.
  const file = flags.workflow ?? recorded.debug.file;
  if (!existsSync(file)) throw new UsageError(`the workflow ${file} is not here: name it with --workflow (its folder holds the run's inputs and script)`);
  io.out(`aos resume: ${recorded.workflow.name} ${recorded.workflow.version} (code ${recorded.codeHash.slice(0, 12)}) in ${relative(process.cwd(), resolve(runDir)) || '.'}\n`);
  const chooseBackend = (backend: BackendInfo | null): BackendChoice => {
    const choice = resumeBackend(backend, file, flags, io.env);
    printBackend(choice, io);
    // The signing keys are secrets too: no tool gets them, and the log never holds them.
    return { ...choice, secrets: [...choice.secrets, ...signingSecrets(io.env)] };
  };
  const interruptedTools: InterruptedTools | undefined = flags.rerunTools === true ? 'rerun' : flags.failTools === true ? 'fail' : undefined;
  const report = await interruptible(io, (external) =>
    resume({ chooseBackend, external, hostEnv: io.env, runDir, runLog: { ...io.runLog, warn: (text: string) => io.err(`aos resume: warning: ${text}\n`) }, warn: (message: string) => io.err(`aos resume: warning: ${message}\n`), workflowDir: dirname(resolve(file)), ...(interruptedTools === undefined ? {} : { interruptedTools }) }, (notes) => printNotes(notes, interruptedTools, io)),
  ).catch(failedWriting(runDir, io));
  return printReport(report, runDir, basename(runDir), io);
}

function printNotes(notes: ResumeNotes, interruptedTools: InterruptedTools | undefined, io: Io): void {
  if (notes.cut !== undefined) io.err(`aos resume: warning: cut a torn last line off the log at byte ${notes.cut.offset} (${notes.cut.bytes} bytes, would-be seq ${notes.cut.seq}): ${notes.cut.problem}\n`);
  io.out(`replayed ${notes.replayed} events; dispatching ${notes.reissued} outstanding effects again\n`);
  const tools = notes.interrupted.map((request) => `${String(request.request['tool'])} (effect ${request.effect})`).join(', ');
  if (tools !== '') io.out(`tools declared \`idempotent false\` that were running when the run stopped: ${tools}; ${interruptedTools === 'fail' ? 'recorded as failed' : 'run again'}, as asked\n`);
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let code: number = EXIT.ok;
  // The command an error is reported under: `aos resume: …`.
  let command = 'aos';
  const program = new Command('aos').description('AOS, the Agent Operating System: run workflows on the live host.').version('0.1.0').exitOverride();
  program.configureOutput({ writeErr: (t) => io.err(t), writeOut: (t) => io.out(t) });
  program.hook('preAction', (_program, action) => {
    command = `aos ${action.name()}`;
  });
  program
    .command('run')
    .description('compile a workflow and run it, writing its run directory')
    .argument('[file]', 'the workflow (.aos or .json)')
    .option('--workflow <file>', 'the workflow, as a flag')
    .option('--backend <name>', 'the model backend (scripted); default: AOS_LLM_BACKEND, else the workflow\'s scripted default')
    .option('--script <file>', 'the script of the scripted backend')
    .option('--seed <n>', 'the seed of the run\'s random streams', '0')
    .option('--ordered-completions', 'admit completions in request order, only when no process can run')
    .option('--runs-dir <dir>', 'where run directories go', DEFAULT_RUNS_DIR)
    .option('--input <json>', 'the run\'s input (main\'s `input`)')
    .action(async (file: string | undefined, flags: RunFlags) => {
      code = await runCommand(file, flags, io);
    });
  program
    .command('resume')
    .description('continue a run that stopped: replay its log, dispatch what never completed again, and run on')
    .argument('<run>', 'a run id or a run directory')
    .option('--runs-dir <dir>', 'where run ids are looked up', DEFAULT_RUNS_DIR)
    .option('--workflow <file>', 'the workflow file (default: the path recorded in its bytecode): its folder holds the inputs and the run\'s script')
    .option('--backend <name>', 'the model backend (scripted); default: the one the run began with')
    .option('--script <file>', 'the script of the scripted backend (default: the one the run began with)')
    .addOption(new Option('--rerun-tools', 'run again the tools declared `idempotent false` that were running when the run stopped').conflicts('failTools'))
    .addOption(new Option('--fail-tools', 'record as failed the tools declared `idempotent false` that were running when the run stopped'))
    .action(async (target: string, flags: ResumeFlags) => {
      code = await resumeCommand(target, flags, io);
    });
  registerInspect(program, io, (n) => (code = n));
  registerReplay(program, io, (n) => (code = n));
  registerVerifyLog(program, io, (n) => (code = n));
  registerVerify(program, io, (n) => (code = n));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    return endOnError(command, error, io.err);
  }
}
