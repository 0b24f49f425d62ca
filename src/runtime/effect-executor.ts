// Performs what the kernel asks of the world, one request to one completion: model calls through
// the backend, tools through the tool runner, reads, writes and overlay commits through the
// workspace. A completion is redacted here, at the boundary, before the host admits it. Timers are
// not effects it performs: the host fires them.
import { assert, InvariantError } from '../bytecode/errors.js';
import { sha256Hex } from '../bytecode/hash.js';
import { isObject, type JsonObject, type JsonValue } from '../bytecode/json.js';
import type { FileError, FileResult, Workspace } from '../drivers/files.js';
import type { InferenceBackend } from '../drivers/inference.js';
import { runTool, type PathResolution, type ToolArgvItem, type ToolOutcome, type ToolRequest, type ToolResult } from '../drivers/tools.js';
import type { Completion, EffectRequest } from '../vm/effects.js';
import type { BlobAccess } from './blob-store.js';
import { runModelEffect, toGenerateRequest, TurnCounter } from './model-effects.js';
import { redact, redactBytes, withoutSecrets, type Redactions } from './redact.js';

export interface EffectExecutorOptions {
  readonly backend: InferenceBackend;
  readonly workspace: Workspace;
  /** The process whose mounts a process works in: itself, or for a parallel branch the process that started it. */
  readonly mountOwner: (pid: string) => string;
  readonly blobs: BlobAccess;
  /** Read at each completion, since the host paths grow as processes are mounted. */
  readonly redactions: Redactions;
  /** Where tools pick their allowed environment variables from; variables holding a secret are left out. */
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  /** Model calls already made per process (by a run being resumed): turns go on from them. */
  readonly turns?: ReadonlyMap<string, number>;
}

type Request = EffectRequest['request'];

export class EffectExecutor {
  /** Effects that can be stopped (model calls, tools) while they run. */
  private readonly running = new Map<string, AbortController>();
  private readonly turns = new TurnCounter();
  private readonly toolEnv: Record<string, string | undefined>;

  constructor(private readonly options: EffectExecutorOptions) {
    this.toolEnv = withoutSecrets(options.hostEnv, options.redactions.secrets);
    if (options.turns !== undefined) this.turns.continueFrom(options.turns);
  }

  /**
   * Performs one effect and never rejects: a failure the driver reports is a failed completion,
   * and anything thrown on the way is one of kind `host-failed`, which the kernel handles like any
   * other failure. Everything up to the driver's call happens at once, in dispatch order (model
   * turns are counted so). The driver's result is awaited here and nowhere else, so that every
   * kind of effect completes the same number of ticks after its driver does: by arrival, which
   * completions are admitted together depends on it.
   */
  async perform(request: EffectRequest): Promise<Completion> {
    const owner = this.options.mountOwner(request.pid);
    const data = request.request;
    try {
      switch (request.op) {
        case 'model':
          return this.redacted(await this.startModel(request));
        case 'tool':
          return this.redacted(toolCompletion(await this.startTool(request, owner)));
        case 'read': {
          const path = textField(data, 'path');
          return this.redacted(readCompletion(path, await this.options.workspace.read(owner, path)));
        }
        case 'write': {
          const path = textField(data, 'path');
          const content = this.options.blobs.get(textField(data, 'blob'));
          if (content === undefined) return this.redacted({ ok: false, error: { kind: 'io', message: `the content of ${path} is missing` } });
          return this.redacted(fileCompletion(await this.options.workspace.write(owner, path, content, { effect: request.effect })));
        }
        case 'commit':
          return this.redacted(fileCompletion(await this.startCommit(owner, data)));
        case 'timer':
          throw new InvariantError(`timers are not performed as effects (${request.effect})`);
      }
    } catch (error) {
      return { ok: false, error: { kind: 'host-failed', message: error instanceof Error ? error.message : String(error) } };
    } finally {
      this.running.delete(request.effect);
    }
  }

  /** Stops an effect that is running; its completion (kind `cancelled`) still arrives. */
  cancel(effect: string): void {
    this.running.get(effect)?.abort();
  }

  /** Stops every effect still running (the run is over). */
  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }

  private redacted(completion: Completion): Completion {
    return redact(completion, this.options.redactions);
  }

  private stoppable(effect: string): AbortSignal {
    const controller = new AbortController();
    this.running.set(effect, controller);
    return controller.signal;
  }

  private startModel(request: EffectRequest): Promise<Completion> {
    const signal = this.stoppable(request.effect);
    const generate = toGenerateRequest(request.pid, request.request, this.turns.next(request.pid), (hash) => this.blobText(hash));
    return runModelEffect(this.options.backend, { ...generate, signal });
  }

  private blobText(hash: string): string | undefined {
    const content = this.options.blobs.get(hash);
    return typeof content === 'string' ? content : content === undefined ? undefined : Buffer.from(content).toString('utf8');
  }

  private startTool(request: EffectRequest, owner: string): Promise<ToolOutcome> {
    const toolRequest = toToolRequest(request.request);
    return runTool(toolRequest, {
      effectId: request.effect,
      hostEnv: this.toolEnv,
      resolvePath: (path, access) => this.resolveToolPath(owner, path, access),
      signal: this.stoppable(request.effect),
      storeBlob: (raw) => this.storeToolOutput(raw),
    });
  }

  /**
   * A path argument may name a file the tool is to create: when it does not exist yet, it is
   * resolved for writing, which makes its parent directories in a writable mount.
   */
  private async resolveToolPath(owner: string, path: string, access: 'read' | 'write'): Promise<PathResolution> {
    const { workspace } = this.options;
    let real = await workspace.realPathFor(owner, path, access);
    if (!real.ok && real.error.kind === 'not-found') {
      const created = await workspace.realPathFor(owner, path, 'write');
      if (created.ok) real = created;
    }
    return real.ok ? { ok: true, path: real.path } : failed(real.error);
  }

  /** Binary output is stored as it is, less any secret or host path it holds, like text. */
  private storeToolOutput(raw: Uint8Array): string {
    const bytes = redactBytes(raw, this.options.redactions);
    const hash = sha256Hex(bytes);
    this.options.blobs.put(hash, bytes);
    return hash;
  }

  private startCommit(owner: string, request: Request): Promise<FileResult> {
    const base = request['base'];
    assert(typeof base === 'number', () => `a commit request holds its overlay's base version, not ${JSON.stringify(base)}`);
    return this.options.workspace.commitOverlay(owner, textField(request, 'overlay'), base);
  }
}

function toolCompletion(outcome: ToolOutcome): Completion {
  return outcome.ok ? { ok: true, value: toolResultValue(outcome.value) } : { ok: false, error: outcome.error };
}

/** A read's bytes as text; a model reads text, and bytes would reach it mangled. */
function readCompletion(path: string, read: FileResult<{ bytes: Buffer }>): Completion {
  if (!read.ok) return failed(read.error);
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(read.bytes) };
  } catch {
    // It learns what the file is, and that a tool declared for it is the way to use it.
    const what = `${read.bytes.length} bytes, sha256 ${sha256Hex(read.bytes)}`;
    return { ok: false, error: { kind: 'not-text', message: `${path} is not UTF-8 text (${what}); use a tool made for this kind of file` } };
  }
}

/** A write's or a commit's result: done (null), or the driver's failure. */
function fileCompletion(result: FileResult): Completion {
  return result.ok ? { ok: true, value: null } : failed(result.error);
}

/** A file driver's failure as recorded: its kind and message, never its host-side detail. */
function failed(error: FileError): { readonly ok: false; readonly error: { readonly kind: string; readonly message: string } } {
  return { ok: false, error: { kind: error.kind, message: error.message } };
}

function textField(request: Request, key: string): string {
  const value = request[key];
  assert(typeof value === 'string', () => `an effect request's ${key} is text, not ${JSON.stringify(value)}`);
  return value;
}

function isText(value: JsonValue): value is string {
  return typeof value === 'string';
}

function isArgvItem(item: JsonValue): item is ToolArgvItem {
  return typeof item === 'string' || (isObject(item) && typeof item['path'] === 'string');
}

function isOptionalNumber(value: JsonValue | undefined): value is number | undefined {
  return value === undefined || typeof value === 'number';
}

/** The `request` of a tool effect, checked against the shape the tool runner takes (the kernel builds it in src/vm/effect-calls.ts). */
export function toToolRequest(request: Request): ToolRequest {
  const { argv, cwd, env, outputCap, timeout, tool } = request;
  assert(typeof tool === 'string', () => `a tool request names its tool, not ${JSON.stringify(tool)}`);
  assert(Array.isArray(argv) && argv.every(isArgvItem), () => `tool ${tool}: argv holds text and { path } items, not ${JSON.stringify(argv)}`);
  assert(cwd === null || typeof cwd === 'string', () => `tool ${tool}: cwd is a path or null, not ${JSON.stringify(cwd)}`);
  assert(Array.isArray(env) && env.every(isText), () => `tool ${tool}: env lists variable names, not ${JSON.stringify(env)}`);
  assert(isOptionalNumber(timeout) && isOptionalNumber(outputCap), () => `tool ${tool}: timeout and outputCap are numbers when given`);
  return { argv, cwd, env, tool, ...(timeout === undefined ? {} : { timeout }), ...(outputCap === undefined ? {} : { outputCap }) };
}

/** A tool's result as the value the kernel admits, its members in the tool runner's order. */
function toolResultValue(result: ToolResult): JsonObject {
  const value: JsonObject = { exit_code: result.exit_code, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  if (result.stdout_blob !== undefined) value['stdout_blob'] = result.stdout_blob;
  if (result.stderr_blob !== undefined) value['stderr_blob'] = result.stderr_blob;
  value['truncated'] = result.truncated;
  if (result.json !== undefined) value['json'] = result.json;
  return value;
}
