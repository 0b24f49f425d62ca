// One run, start to end: its directory (`manifest.json`, `workflow.aosb.json`, `events.jsonl`,
// `blobs/`, `workspace/`), the live host driving the kernel, and the completion report written
// when the run ends. Nothing in the directory depends on the machine it was made on. A run that
// stopped (a crash, a kill) is resumed from its log: replayed exactly, then continued live.
import { join, resolve } from 'node:path';
import type { KernelEvent } from '../bytecode/events.js';
import { canonicalJson } from '../bytecode/canonical.js';
import { AosError } from '../bytecode/errors.js';
import type { Bytecode } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { readBytecode } from '../bytecode/reader.js';
import { Workspace } from '../drivers/files.js';
import type { InferenceBackend } from '../drivers/inference.js';
import type { CompletionReport } from '../generated/completion.js';
import { nodeFs, replaceFile, type DurableFs } from '../log/durable-fs.js';
import { RunLog, type RunLogOptions } from '../log/writer.js';
import type { RunLogContents, TornTail } from '../log/reader.js';
import { arrayCursor } from '../log/lines.js';
import { lineKind, recordedStart, replayExact } from '../replay/replay.js';
import type { Kernel, StepOutput } from '../vm/kernel.js';
import { completionMarkdown, completionReport } from './completion.js';
import { runLive, type LiveRun, type LiveRunOptions, type ResumeState } from './live-host.js';
import { checkMountsOnResume } from './workspace-mounts.js';

export const BYTECODE_FILE = 'workflow.aosb.json';
const COMPLETION_JSON = 'completion.json';
const COMPLETION_MD = 'completion.md';

/** What a run needs from the host, whether it starts or resumes. */
export interface HostRequest {
  readonly runDir: string;
  /** The folder a workflow's `from` paths are relative to. */
  readonly workflowDir: string;
  readonly backend: InferenceBackend;
  readonly scripted: boolean;
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  readonly secrets: readonly string[];
  readonly observe?: (kernel: Kernel, output: StepOutput) => void;
  /** How an operator's signals (Ctrl-C) reach the run's processes: see LiveRunOptions.external. */
  readonly external?: LiveRunOptions['external'];
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
    const live = await runLive({ ...liveOptions(request, log, workspace), bytecode: request.bytecode, input: request.input, options: { orderedCompletions: request.orderedCompletions }, seed: request.seed });
    return await finish(request, request.bytecode, request.seed, log, live);
  } finally {
    await log.close();
  }
}

/** no-run: there is no run directory. finished: the run finished and has its report. not-started: it stopped before its first line. */
export type ResumeProblem = 'no-run' | 'finished' | 'not-started';

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
}

/**
 * Continues a run that stopped: takes its lock (over a dead writer's), cuts a torn last line, rebuilds the kernel by
 * replaying the log exactly, dispatches again the effects that were dispatched and never
 * completed (under the same ids), and runs on live to the end.
 */
export async function resume(request: HostRequest, notes?: (notes: ResumeNotes) => void): Promise<CompletionReport> {
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
    const state = resumeState(contents, replay);
    const workspace = await Workspace.create(join(request.runDir, 'workspace'));
    await checkMountsOnResume(bytecode, workspace, state.mountEvents);
    notes?.({ cut: contents.tail, reissued: state.outstanding.length, replayed: contents.count });
    const start = recordedStart(contents.lines[0]);
    const live = await runLive({ ...liveOptions(request, log, workspace), bytecode, options: { orderedCompletions: start.options.orderedCompletions === true }, resume: state, seed: start.seed });
    return await finish(request, bytecode, start.seed, log, live);
  } finally {
    await log.close();
  }
}

/** Both halves of the completion report are in place (finish writes completion.md last). */
async function hasReport(fs: DurableFs, runDir: string): Promise<boolean> {
  return (await fs.stat(join(runDir, COMPLETION_JSON))) !== undefined && (await fs.stat(join(runDir, COMPLETION_MD))) !== undefined;
}

/** What the host redoes, from the log's lines and their replay. */
function resumeState(contents: RunLogContents, replay: ReturnType<typeof replayExact>): ResumeState {
  const mountEvents: KernelEvent[] = [];
  const turns = new Map<string, number>();
  for (const line of contents.lines) {
    const kind = lineKind(line);
    if (kind !== 'proc.spawned' && kind !== 'overlay.discarded' && kind !== 'effect.requested') continue;
    const event = JSON.parse(line) as KernelEvent;
    if (kind !== 'effect.requested') mountEvents.push(event);
    else if (event.data?.['op'] === 'model' && event.pid !== undefined) turns.set(event.pid, (turns.get(event.pid) ?? 0) + 1);
  }
  // Past the end of the log, and still outstanding: counted again when dispatched again.
  for (const event of replay.beyond) {
    if (event.kind === 'effect.requested' && event.data?.['op'] === 'model' && event.pid !== undefined) turns.set(event.pid, (turns.get(event.pid) ?? 0) + 1);
  }
  for (const request of replay.outstanding) if (request.op === 'model') turns.set(request.pid, (turns.get(request.pid) ?? 1) - 1);
  return { beyond: replay.beyond, blobs: replay.blobs, kernel: replay.kernel, mountEvents, outstanding: replay.outstanding, turns };
}

function liveOptions(request: HostRequest, log: RunLog, workspace: Workspace) {
  return {
    backend: request.backend,
    hostEnv: request.hostEnv,
    hostPaths: [{ host: resolve(request.runDir), standIn: '<run>' }],
    log,
    secrets: request.secrets,
    workflowDir: request.workflowDir,
    workspace,
    ...(request.observe === undefined ? {} : { observe: request.observe }),
    ...(request.external === undefined ? {} : { external: request.external }),
  };
}

/** The completion report, written to the run directory once the log is committed. */
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
  await replaceFile(fs, join(request.runDir, COMPLETION_JSON), encode(`${JSON.stringify(report, null, 2)}\n`));
  await replaceFile(fs, join(request.runDir, COMPLETION_MD), encode(completionMarkdown(report)));
  return report;
}
