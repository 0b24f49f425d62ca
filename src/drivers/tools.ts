// Runs a tool request from the kernel as a real program: argv only, through execa, with an
// environment allow-list, a timeout, an output cap and cancellation; its result is plain data.
//
// Threat model. A tool is code execution, and this module is a harness, not a sandbox:
// - The program runs as the same user as the host (root in the usual deployment), with no
//   namespaces, seccomp filter, resource limits or chroot. Root ignores file modes, so a
//   read-only mount is not read-only to a tool.
// - Its filesystem reach is not limited by the OS: the only limit is what argv and cwd point at.
//   Path arguments are resolved through the file driver's checked `resolvePath` (inside a mount,
//   symlinks followed and checked), but the program may open any other path it likes.
// - The network is not blocked.
// - What is enforced: no shell ever parses the command (argv goes to execve as is); typed
//   placeholders were checked by the kernel, paths again by the file driver; the environment
//   holds only the names the tool lists (PATH lookup uses the listed PATH, else /usr/bin:/bin)
//   and AOS_EFFECT_ID, the call's idempotency key;
//   stdin is closed; cwd is a directory inside a mount, or a fresh empty directory; the run is
//   bounded by a timeout and an output cap; on timeout, cancellation, flooding, or the program's
//   own exit, its whole process group is killed with SIGKILL. A descendant that starts its own
//   session (setsid) escapes that kill.
// - A tool's stdout and stderr may quote the host paths it was given; they are recorded as the
//   program wrote them. Error messages built here name only the tool, virtual paths, the program
//   as written in argv and error codes: never host paths or environment values.
import { constants as osConstants, tmpdir } from 'node:os';
import { isUtf8 } from 'node:buffer';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { JsonValue } from '../bytecode/json.js';

/** An argv item as the kernel sends it: literal text, or a virtual path to resolve. */
export type ToolArgvItem = string | { readonly path: string };

/** The `request` of a `tool` effect (see src/vm/effect-calls.ts `runTool`). */
export interface ToolRequest {
  readonly tool: string;
  readonly argv: readonly ToolArgvItem[];
  /** A virtual directory inside a mount; null runs the tool in a fresh empty directory. */
  readonly cwd: string | null;
  /** Names of the environment variables passed through; nothing else is. */
  readonly env: readonly string[];
  /** Milliseconds; absent or not positive means `defaultTimeoutMs`. */
  readonly timeout?: number;
  /** Bytes kept from each of stdout and stderr; absent or not positive means `defaultOutputCap`. */
  readonly outputCap?: number;
}

export type PathResolution =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly error: { readonly kind: string; readonly message: string } };

export interface ToolRunnerOptions {
  /**
   * Maps a virtual path to a real, checked host path (the file driver's check); its messages must
   * name virtual paths only. Tools get `read` access: which arguments a program writes is unknown.
   */
  readonly resolvePath: (virtual: string, access: 'read' | 'write') => Promise<PathResolution>;
  /** Where allowed variables are taken from; only the names a tool lists are read. */
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  /** Default 60 000 ms. */
  readonly defaultTimeoutMs?: number;
  /** Default 1 MiB per stream. */
  readonly defaultOutputCap?: number;
  /** Aborting kills the tool's process group and gives kind `cancelled`. */
  readonly signal?: AbortSignal;
  /** Stores bytes in the run's blob store and returns their sha256 in hex. */
  readonly storeBlob: (bytes: Buffer) => string;
  /**
   * The effect the run performs, given to the program as AOS_EFFECT_ID: the same on every run of
   * one call, a resume's included, so a program can tell a call it has done from a new one.
   */
  readonly effectId?: string;
}

export interface ToolResult {
  /** The program's exit code; for a program ended by a signal, 128 + the signal number. */
  readonly exit_code: number;
  readonly signal: string | null;
  /** Text when the kept bytes are UTF-8; otherwise null and the bytes are in `stdout_blob`. */
  readonly stdout: string | null;
  readonly stderr: string | null;
  readonly stdout_blob?: string;
  readonly stderr_blob?: string;
  /** True when either stream produced more than the cap; only the first cap bytes are kept. */
  readonly truncated: boolean;
  /** stdout parsed, when it is complete text holding one JSON document at most 64 levels deep. */
  readonly json?: JsonValue;
}

export type ToolErrorKind = 'timeout' | 'spawn-failed' | 'invalid-path' | 'cancelled' | 'output-cap';

/**
 * `ok: true` means the program ran and exited by itself, whatever its exit code. `ok: false`
 * means it could not start, or the host stopped it (timeout, cancellation, flooding); the kernel
 * retries those under `tool_failure` (`timeout` for a timeout).
 */
export type ToolOutcome =
  | { readonly ok: true; readonly value: ToolResult }
  | { readonly ok: false; readonly error: { readonly kind: ToolErrorKind; readonly message: string } };

/**
 * Output past the cap is read and dropped, so a program that prints a little too much still
 * finishes; one whose stream passes this many times the cap is flooding and is killed
 * (`output-cap`), since it would otherwise run until its timeout for nothing.
 */
export const FLOOD_FACTOR = 4;
/** JSON stdout nested deeper than this is left unparsed rather than risk a deep walk. */
export const MAX_JSON_DEPTH = 64;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_OUTPUT_CAP = 1024 * 1024;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days).
const LONGEST_TIMER_MS = 2 ** 31 - 1;

type Failure = { readonly ok: false; readonly error: { readonly kind: ToolErrorKind; readonly message: string } };

function failure(tool: string, kind: ToolErrorKind, message: string): Failure {
  return { ok: false, error: { kind, message: `tool ${tool}: ${message}` } };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

// Process groups still running, killed if the host exits normally while a tool runs: a
// detached group does not die with its parent.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    process.once('exit', () => liveGroups.forEach(killGroup));
    exitHookInstalled = true;
  }
  liveGroups.add(pid);
}

interface Prepared {
  readonly ok: true;
  readonly program: string;
  readonly args: string[];
  /** The program as the workflow wrote it: the literal, or the virtual path. */
  readonly programName: string;
  readonly cwd: string;
  readonly scratchCwd: boolean;
}

async function resolveArgv(request: ToolRequest, options: ToolRunnerOptions): Promise<string[] | Failure> {
  const real: string[] = [];
  for (const item of request.argv) {
    if (typeof item === 'string') {
      real.push(item);
      continue;
    }
    const resolved = await options.resolvePath(item.path, 'read');
    if (!resolved.ok) return failure(request.tool, 'invalid-path', `path ${JSON.stringify(item.path)}: ${resolved.error.message}`);
    if (!resolved.path.startsWith('/')) return failure(request.tool, 'invalid-path', `path ${JSON.stringify(item.path)} did not resolve to an absolute host path`);
    real.push(resolved.path);
  }
  return real;
}

async function resolveCwd(request: ToolRequest, options: ToolRunnerOptions): Promise<string | Failure> {
  if (request.cwd === null) return '';
  const where = `cwd ${JSON.stringify(request.cwd)}`;
  const resolved = await options.resolvePath(request.cwd, 'read');
  if (!resolved.ok) return failure(request.tool, 'invalid-path', `${where}: ${resolved.error.message}`);
  try {
    if (!(await stat(resolved.path)).isDirectory()) return failure(request.tool, 'invalid-path', `${where} is not a directory`);
  } catch (error) {
    return failure(request.tool, 'invalid-path', `${where} cannot be used (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  return resolved.path;
}

async function prepare(request: ToolRequest, options: ToolRunnerOptions): Promise<Prepared | Failure> {
  const first = request.argv[0];
  if (first === undefined) return failure(request.tool, 'spawn-failed', 'argv is empty, so there is no program to run');
  const argv = await resolveArgv(request, options);
  if (!Array.isArray(argv)) return argv;
  const cwd = await resolveCwd(request, options);
  if (typeof cwd !== 'string') return cwd;
  const [program, ...args] = argv as [string, ...string[]];
  const programName = typeof first === 'string' ? first : first.path;
  // With no cwd declared, the program must not inherit the host's working directory.
  const scratchCwd = cwd === '';
  return { ok: true, program, args, programName, cwd: scratchCwd ? await mkdtemp(join(tmpdir(), 'aos-tool-')) : cwd, scratchCwd };
}

function allowedEnv(names: readonly string[], options: ToolRunnerOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = Object.prototype.hasOwnProperty.call(options.hostEnv, name) ? options.hostEnv[name] : undefined;
    if (ENV_NAME.test(name) && value !== undefined) env[name] = value;
  }
  if (options.effectId !== undefined) env['AOS_EFFECT_ID'] = options.effectId;
  return env;
}

/** The first `cap` bytes of a stream, and how many it produced in all. */
class CappedStream {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private produced = 0;

  constructor(private readonly cap: number) {}

  add(chunk: Buffer): void {
    this.produced += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.produced > this.cap;
  }

  get flooding(): boolean {
    return this.produced > this.cap * FLOOD_FACTOR;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.kept);
  }
}

/** Drops a multi-byte UTF-8 character that the cap cut in half, so cut text stays text. */
function withoutCutCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}

function streamValue(bytes: Buffer, truncated: boolean, storeBlob: ToolRunnerOptions['storeBlob']): { text: string | null; blob?: string } {
  const candidate = truncated ? withoutCutCharacter(bytes) : bytes;
  if (isUtf8(candidate)) return { text: candidate.toString('utf8') };
  return { text: null, blob: storeBlob(bytes) };
}

function nestingWithin(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

// JSON.parse turns an overflowing number such as 1e400 into Infinity, which is not JSON.
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return true;
  return Object.values(value).every(allFinite);
}

/** stdout as one JSON document, or undefined when it is not one (never throws). */
export function parseJsonDocument(text: string): JsonValue | undefined {
  if (text.trim() === '' || !nestingWithin(text, MAX_JSON_DEPTH)) return undefined;
  try {
    const value = JSON.parse(text) as JsonValue;
    return allFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function spawnProblem(programName: string, code: string | undefined): string {
  const program = `program ${JSON.stringify(programName)}`;
  if (code === 'ENOENT') return `${program} was not found`;
  if (code === 'EACCES') return `${program} is not executable`;
  return `${program} could not be started (${code ?? 'unknown error'})`;
}

function exitCode(code: number | undefined, signal: string | undefined): number {
  if (code !== undefined) return code;
  const number = signal === undefined ? undefined : osConstants.signals[signal as keyof typeof osConstants.signals];
  return number === undefined ? -1 : 128 + number;
}

type StopReason = 'timeout' | 'cancelled' | 'output-cap';

async function execute(request: ToolRequest, options: ToolRunnerOptions, prepared: Prepared): Promise<ToolOutcome> {
  const timeoutMs = Math.min(positive(request.timeout, positive(options.defaultTimeoutMs, DEFAULT_TIMEOUT_MS)), LONGEST_TIMER_MS);
  const cap = positive(request.outputCap, positive(options.defaultOutputCap, DEFAULT_OUTPUT_CAP));
  if (options.signal?.aborted) return failure(request.tool, 'cancelled', 'cancelled before it started');
  const subprocess = execa(prepared.program, prepared.args, {
    cwd: prepared.cwd,
    env: allowedEnv(request.env, options),
    extendEnv: false,
    shell: false,
    stdin: 'ignore',
    encoding: 'buffer',
    // Collected here instead, so the cap can drop output and keep the pipe drained.
    buffer: false,
    stripFinalNewline: false,
    reject: false,
    // Its own process group, so a stop kills the whole tree, not just the direct child.
    detached: true,
  });
  const pid = subprocess.pid;
  const streams = { stdout: new CappedStream(cap), stderr: new CappedStream(cap) };
  let stopReason: StopReason | null = null;
  let exited = false;
  // Our pipe ends are closed as well: a descendant that left the group (setsid) may hold them
  // open. After the program has exited by itself, only a timeout or a flood still closes them,
  // and the result stays the program's own.
  const stop = (reason: StopReason): void => {
    if (stopReason !== null || pid === undefined || (exited && reason === 'cancelled')) return;
    if (!exited) {
      stopReason = reason;
      killGroup(pid);
    }
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
  };
  const collect = (stream: CappedStream) => (chunk: Buffer): void => {
    stream.add(chunk);
    if (stream.flooding) stop('output-cap');
  };
  subprocess.stdout?.on('data', collect(streams.stdout));
  subprocess.stderr?.on('data', collect(streams.stderr));
  const onAbort = (): void => stop('cancelled');
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  if (pid !== undefined) {
    trackGroup(pid);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // The tool is over when its program exits: whatever it left running in its group goes too.
    subprocess.once('exit', () => {
      exited = true;
      killGroup(pid);
      liveGroups.delete(pid);
    });
  }
  let result: Awaited<typeof subprocess>;
  try {
    result = await subprocess;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) liveGroups.delete(pid);
  }
  if (result.exitCode === undefined && result.signal === undefined) return failure(request.tool, 'spawn-failed', spawnProblem(prepared.programName, result.code));
  const stopped = stopReason as StopReason | null;
  if (stopped === 'timeout') return failure(request.tool, 'timeout', `timed out after ${timeoutMs} ms; its process group was killed`);
  if (stopped === 'cancelled') return failure(request.tool, 'cancelled', 'cancelled; its process group was killed');
  if (stopped === 'output-cap') {
    const which = streams.stdout.flooding ? 'stdout' : 'stderr';
    return failure(request.tool, 'output-cap', `${which} went on past ${FLOOD_FACTOR} times its cap of ${cap} bytes; its process group was killed`);
  }
  return { ok: true, value: toolResult(result.exitCode, result.signal, streams, options.storeBlob) };
}

function toolResult(code: number | undefined, signal: string | undefined, streams: { stdout: CappedStream; stderr: CappedStream }, storeBlob: ToolRunnerOptions['storeBlob']): ToolResult {
  const stdout = streamValue(streams.stdout.bytes(), streams.stdout.truncated, storeBlob);
  const stderr = streamValue(streams.stderr.bytes(), streams.stderr.truncated, storeBlob);
  const json = stdout.text !== null && !streams.stdout.truncated ? parseJsonDocument(stdout.text) : undefined;
  return {
    exit_code: exitCode(code, signal),
    signal: signal ?? null,
    stdout: stdout.text,
    stderr: stderr.text,
    ...(stdout.blob === undefined ? {} : { stdout_blob: stdout.blob }),
    ...(stderr.blob === undefined ? {} : { stderr_blob: stderr.blob }),
    truncated: streams.stdout.truncated || streams.stderr.truncated,
    ...(json === undefined ? {} : { json }),
  };
}

/** Runs one tool request to completion; every problem is a value, never a thrown error. */
export async function runTool(request: ToolRequest, options: ToolRunnerOptions): Promise<ToolOutcome> {
  const prepared = await prepare(request, options);
  if (!prepared.ok) return prepared;
  try {
    return await execute(request, options, prepared);
  } finally {
    if (prepared.scratchCwd) await rm(prepared.cwd, { recursive: true, force: true });
  }
}
