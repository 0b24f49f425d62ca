// One run, start to end: its directory (`manifest.json`, `workflow.aosb.json`, `events.jsonl`,
// `blobs/`, `workspace/`), the live host driving the kernel, and the completion report written
// when the run ends. Nothing in the directory depends on the machine it was made on. A run that
// stopped (a crash, a kill) is resumed from its log: replayed exactly, then continued live.
import { join, resolve } from 'node:path';
import { canonicalJson } from '../bytecode/canonical.js';
import { AosError } from '../bytecode/errors.js';
import type { Bytecode } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { readBytecode } from '../bytecode/reader.js';
import { Workspace } from '../drivers/files.js';
import type { InferenceBackend } from '../drivers/inference.js';
import type { CompletionReport } from '../generated/completion.js';
import type { BackendInfo, BackendScript } from '../generated/event.js';
import { nodeFs, replaceFile, type DurableFs } from '../log/durable-fs.js';
import { RunLog, type RunLogOptions } from '../log/writer.js';
import type { TornTail } from '../log/reader.js';
import { arrayCursor } from '../log/lines.js';
import { recordedStart, replayExact } from '../replay/replay.js';
import type { EffectRequest } from '../vm/effects.js';
import type { Kernel, StepOutput } from '../vm/kernel.js';
import { COMPLETION_JSON, COMPLETION_MD, completionJson, completionMarkdown, completionReport } from './completion.js';
import { runLive, type LiveRun, type LiveRunOptions } from './live-host.js';
import { interruptedCompletion, interruptedTools, takeUp, type InterruptedTools } from './resume-state.js';
import { redactValue } from './redact.js';
import { signRun } from './run-signature.js';
import { checkMountsOnResume } from './workspace-mounts.js';

export type { InterruptedTools };

export const BYTECODE_FILE = 'workflow.aosb.json';

/** What a run needs from the host, whether it starts or resumes. */
export interface HostRequest {
  readonly runDir: string;
  /** The folder a workflow's `from` paths are relative to. */
  readonly workflowDir: string;
  readonly backend: InferenceBackend;
  readonly scripted: boolean;
  /** The scripted backend's script, recorded in `run.started` so that a resume answers from the same one. */
  readonly script?: BackendScript;
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  readonly secrets: readonly string[];
  readonly observe?: (kernel: Kernel, output: StepOutput) => void;
  /** How an operator's signals (Ctrl-C) reach the run's processes: see LiveRunOptions.external. */
  readonly external?: LiveRunOptions['external'];
  /** The wall clock of timers, and where a resumed timer with no known deadline is told of: see LiveRunOptions. */
  readonly clock?: LiveRunOptions['clock'];
  readonly warn?: LiveRunOptions['warn'];
  /**
   * The file system of the run directory's own files (log, manifest, blobs, lock, bytecode,
   * completion report) and how the lock judges its holder; tests put a crashing one underneath.
   * The workspace always uses the real one.
   */
  readonly runLog?: RunLogOptions;
}

export interface RunRequest extends HostRequest {
  readonly bytecode: Bytecode;
  readonly seed: string;
  readonly input: JsonValue;
  readonly orderedCompletions: boolean;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

export async function run(request: RunRequest): Promise<CompletionReport> {
  const log = await RunLog.create(request.runDir, request.runLog);
  try {
    await replaceFile(request.runLog?.fs ?? nodeFs, join(request.runDir, BYTECODE_FILE), encode(`${canonicalJson(request.bytecode)}\n`));
    const workspace = await Workspace.create(join(request.runDir, 'workspace'));
    // The input is recorded in run.started: a key pasted into it is taken out like any other.
    const input = redactValue(request.input, { paths: [], secrets: request.secrets });
    const live = await runLive({ ...liveOptions(request, log, workspace), bytecode: request.bytecode, input, options: { orderedCompletions: request.orderedCompletions }, seed: request.seed });
    return await finish(request, request.bytecode, request.seed, log, live);
  } finally {
    await log.close();
  }
}

/**
 * no-run: there is no run directory. finished: the run finished and has its report. not-started:
 * it stopped before its first line. tool-not-idempotent: a tool declared `idempotent false` was
 * running when it stopped, and the operator has not said whether to run it again.
 */
export type ResumeProblem = 'no-run' | 'finished' | 'not-started' | 'tool-not-idempotent';

/** A run that cannot be resumed; its code is `resume.<problem>`. */
export class ResumeError extends AosError {
  constructor(problem: ResumeProblem, message: string) {
    super(`resume.${problem}`, message);
  }
}

export interface ResumeNotes {
  /** The torn last line cut off the log, if there was one. */
  readonly cut: TornTail | undefined;
  /** Lines the log held when the run was taken up. */
  readonly replayed: number;
  /** Effects dispatched again. */
  readonly reissued: number;
  /** Outstanding tools declared `idempotent false`, run again or recorded as failed as the request says. */
  readonly interrupted: readonly EffectRequest[];
}

/** The backend a run goes on with. */
export type HostBackend = Pick<HostRequest, 'backend' | 'scripted' | 'secrets'>;

/**
 * A resume's host. Its backend is given, or chosen once the log shows the one `run.started`
 * recorded. `interruptedTools` says what to do with tools declared `idempotent false` that were
 * running when the run stopped; without it, such a tool stops the resume before it writes a line.
 */
export type ResumeRequest = (HostRequest | (Omit<HostRequest, keyof HostBackend> & { readonly chooseBackend: (recorded: BackendInfo | null) => HostBackend })) & {
  readonly interruptedTools?: InterruptedTools;
};

/**
 * Continues a run that stopped: takes its lock (over a dead writer's), cuts a torn last line, rebuilds the kernel by
 * replaying the log exactly, gives the backend the calls the run made, dispatches again the
 * effects that were dispatched and never completed (under the same ids), and runs on live to the end.
 */
export async function resume(request: ResumeRequest, notes?: (notes: ResumeNotes) => void): Promise<CompletionReport> {
  // Resuming is the decision to take over the lock of a writer that died on this machine; a
  // writer still running, or one of another machine, keeps it.
  const fs = request.runLog?.fs ?? nodeFs;
  // A crash before the directory's own creation was synced leaves no directory at all.
  if ((await fs.stat(request.runDir)) === undefined) throw new ResumeError('no-run', `there is no run directory ${request.runDir}: the run never began, or it is elsewhere`);
  const { log, contents } = await RunLog.open(request.runDir, { breakStale: true, ...request.runLog, cutTail: true });
  try {
    // A run that stopped after its log ended, before its completion report was written, is
    // finished by writing the report from the replay; one that has its report is done.
    if (contents.finished && (await hasReport(fs, request.runDir))) throw new ResumeError('finished', `the run in ${request.runDir} has finished: there is nothing to resume`);
    const stored = await fs.readFile(join(request.runDir, BYTECODE_FILE));
    if (stored === undefined) throw new ResumeError('not-started', `the run in ${request.runDir} has no ${BYTECODE_FILE}: it stopped before it began`);
    // Its seed and input are in line 0: without it there is nothing to resume with.
    if (contents.count === 0) throw new ResumeError('not-started', `the run in ${request.runDir} has no events: it stopped before it began`);
    const bytecode = readBytecode(Buffer.from(stored).toString('utf8'));
    const replay = replayExact(bytecode, () => arrayCursor(contents.lines));
    const interrupted = interruptedTools(bytecode, replay.outstanding);
    if (interrupted.length > 0 && request.interruptedTools === undefined) throw notIdempotent(interrupted);
    const instead = new Map(request.interruptedTools === 'fail' ? interrupted.map((tool) => [tool.effect, interruptedCompletion(tool)]) : []);
    const start = recordedStart(contents.lines[0]);
    const host: HostRequest = 'chooseBackend' in request ? { ...request, ...request.chooseBackend(start.backend) } : request;
    const { modelCalls, state } = takeUp(contents, replay, instead);
    const workspace = await Workspace.create(join(request.runDir, 'workspace'));
    await checkMountsOnResume(bytecode, workspace, state.mountEvents);
    host.backend.continueAfter?.(modelCalls);
    notes?.({ cut: contents.tail, interrupted, reissued: state.outstanding.length - instead.size, replayed: contents.count });
    const live = await runLive({ ...liveOptions(host, log, workspace), bytecode, options: { orderedCompletions: start.options.orderedCompletions === true }, resume: state, seed: start.seed });
    return await finish(host, bytecode, start.seed, log, live);
  } finally {
    await log.close();
  }
}

/** The refusal to run again, unasked, tools that may have done their work before the stop. */
function notIdempotent(interrupted: readonly EffectRequest[]): ResumeError {
  const tools = interrupted.map((request) => `${String(request.request['tool'])} (effect ${request.effect})`).join(', ');
  const [verb, pronoun, object] = interrupted.length === 1 ? ['was', 'it', 'it'] : ['were', 'they', 'them'];
  return new ResumeError(
    'tool-not-idempotent',
    `${interrupted.length === 1 ? 'tool' : 'tools'} ${tools} ${verb} running when the run stopped, and declared \`idempotent false\`: ${pronoun} may have done ${interrupted.length === 1 ? 'its' : 'their'} work already; resume with --rerun-tools to run ${object} again, or with --fail-tools to record ${object} as failed`,
  );
}

/** Both halves of the completion report are in place (finish writes completion.md last). */
async function hasReport(fs: DurableFs, runDir: string): Promise<boolean> {
  return (await fs.stat(join(runDir, COMPLETION_JSON))) !== undefined && (await fs.stat(join(runDir, COMPLETION_MD))) !== undefined;
}

function liveOptions(request: HostRequest, log: RunLog, workspace: Workspace) {
  return {
    backend: request.backend,
    ...(request.script === undefined ? {} : { script: request.script }),
    hostEnv: request.hostEnv,
    hostPaths: [{ host: resolve(request.runDir), standIn: '<run>' }],
    log,
    secrets: request.secrets,
    workflowDir: request.workflowDir,
    workspace,
    ...(request.observe === undefined ? {} : { observe: request.observe }),
    ...(request.external === undefined ? {} : { external: request.external }),
    ...(request.clock === undefined ? {} : { clock: request.clock }),
    ...(request.warn === undefined ? {} : { warn: request.warn }),
  };
}

/** The completion report, written to the run directory once the log is committed, and signed when the environment names a key. */
async function finish(request: HostRequest, bytecode: Bytecode, seed: string, log: RunLog, live: LiveRun): Promise<CompletionReport> {
  await log.commit();
  const report = completionReport({
    backend: { name: request.backend.name, scripted: request.scripted },
    blob: (hash) => {
      const content = live.blobs.get(hash);
      return content === undefined || typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
    },
    bytecode,
    events: log.count,
    head: log.head,
    kernel: live.kernel,
    seed,
  });
  const fs = request.runLog?.fs ?? nodeFs;
  const json = encode(completionJson(report));
  const md = encode(completionMarkdown(report));
  await replaceFile(fs, join(request.runDir, COMPLETION_JSON), json);
  // Signed before completion.md, which ends the report: a resume redoes both after a crash between.
  await signRun(fs, request.runDir, { codeHash: bytecode.codeHash, completionJson: json, completionMd: md, count: log.count, finished: log.finished, head: log.head }, request.hostEnv);
  await replaceFile(fs, join(request.runDir, COMPLETION_MD), md);
  return report;
}
