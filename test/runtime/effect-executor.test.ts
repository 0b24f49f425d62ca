// The effect executor alone: each kind of effect against a real workspace in a temporary folder
// and a small fake backend, with what comes back redacted, failures as completions, and
// cancellation reaching the model call or the tool that is running.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/bytecode/canonical.js';
import type { JsonValue } from '../../src/bytecode/json.js';
import { Workspace } from '../../src/drivers/files.js';
import { BackendError, type GenerateRequest, type GenerateResponse, type InferenceBackend } from '../../src/drivers/inference.js';
import type { BlobContent } from '../../src/runtime/blob-store.js';
import { EffectExecutor, toToolRequest, type EffectExecutorOptions } from '../../src/runtime/effect-executor.js';
import type { Completion, EffectOp } from '../../src/vm/effects.js';

const SECRET = 'sk-test-0123456789';
const node = process.execPath;

/** Answers every call at once with `reply`, or, holding, only rejects once the call is aborted. */
class FakeBackend implements InferenceBackend {
  readonly name = 'fake';
  readonly calls: GenerateRequest[] = [];
  hold = false;
  reply = 'hello';

  supportsTools(): boolean {
    return true;
  }
  supportsStreaming(): boolean {
    return false;
  }
  supportsJsonMode(): boolean {
    return true;
  }

  generate(request: GenerateRequest): Promise<GenerateResponse> {
    this.calls.push(request);
    if (!this.hold) return Promise.resolve({ content: this.reply, finishReason: 'stop', scripted: false, toolCalls: [], usage: { input: 1, output: 2, source: 'reported' } });
    return new Promise((_, reject) => request.signal?.addEventListener('abort', () => reject(new BackendError(this.name, 'cancelled', 'the call was aborted'))));
  }
}

let dir = '';
let workspace: Workspace;
let backend: FakeBackend;
let blobs: Map<string, BlobContent>;
let hostRoot = '';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aos-executor-'));
  workspace = await Workspace.create(join(dir, 'workspace'));
  await workspace.mount('main', { kind: 'shared', path: '/' });
  hostRoot = workspace.hostRoot('main', '/') as string;
  backend = new FakeBackend();
  blobs = new Map();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executor(extra: Partial<EffectExecutorOptions> = {}): EffectExecutor {
  return new EffectExecutor({
    backend,
    blobs: { get: (hash) => blobs.get(hash), put: (hash, content) => blobs.set(hash, content) },
    hostEnv: { PATH: process.env['PATH'], TOKEN: SECRET },
    // A branch works in the mounts of the process that started it.
    mountOwner: (pid) => (pid === 'main/b1' ? 'main' : pid),
    redactions: { paths: [{ host: hostRoot, standIn: '' }], secrets: [SECRET] },
    workspace,
    ...extra,
  });
}

let issued = 0;
function request(op: EffectOp, data: { readonly [key: string]: JsonValue }, pid = 'main') {
  return { effect: `${pid}/e${++issued}`, op, pid, request: data };
}

function tool(argv: JsonValue[], extra: { readonly [key: string]: JsonValue } = {}) {
  return request('tool', { argv, cwd: null, env: [], tool: 'probe', ...extra });
}

function failure(completion: Completion): { kind: string; message: string } {
  if (completion.ok) throw new Error(`expected a failed completion, got ${JSON.stringify(completion.value)}`);
  return completion.error;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('the effect executor: files', () => {
  it('writes a blob the kernel stored, and reads it back as text, in the mounts of the process that owns them', async () => {
    const text = 'brake test before riding\n';
    blobs.set(sha256(text), text);
    const effects = executor();
    expect(await effects.perform(request('write', { blob: sha256(text), path: '/notes/a.txt', size: text.length }))).toEqual({ ok: true, value: null });
    expect(readFileSync(join(hostRoot, 'notes', 'a.txt'), 'utf8')).toBe(text);
    expect(await effects.perform(request('read', { path: '/notes/a.txt' }, 'main/b1'))).toEqual({ ok: true, value: text });
  });

  it('fails a write whose blob is missing, and writes nothing', async () => {
    const completion = await executor().perform(request('write', { blob: sha256('never stored'), path: '/notes/lost.txt', size: 12 }));
    expect(failure(completion)).toEqual({ kind: 'io', message: 'the content of /notes/lost.txt is missing' });
    expect((await workspace.read('main', '/notes/lost.txt')).ok).toBe(false);
  });

  it('refuses to hand a model bytes that are not UTF-8: it names their size and hash instead', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]);
    await workspace.write('main', '/img/logo.png', bytes);
    const error = failure(await executor().perform(request('read', { path: '/img/logo.png' })));
    expect(error.kind).toBe('not-text');
    expect(error.message).toBe(`/img/logo.png is not UTF-8 text (6 bytes, sha256 ${sha256(bytes)}); use a tool made for this kind of file`);
  });

  it('reports a missing file as the driver does, without its host-side detail', async () => {
    const error = failure(await executor().perform(request('read', { path: '/nowhere.txt' })));
    expect(error.kind).toBe('not-found');
    expect(Object.keys(error).sort()).toEqual(['kind', 'message']);
    expect(error.message).not.toContain(hostRoot);
  });

  it('commits an overlay onto its base, and fails a commit from a base version that has moved on', async () => {
    await workspace.mount('writer#1', { kind: 'shared', path: '/shared' });
    await workspace.mount('writer#1', { kind: 'overlay', over: '/shared', path: '/work' });
    blobs.set(sha256('draft'), 'draft');
    const effects = executor();
    expect(await effects.perform(request('write', { blob: sha256('draft'), path: '/work/draft.md', size: 5 }, 'writer#1'))).toEqual({ ok: true, value: null });
    expect(await effects.perform(request('commit', { base: 0, over: '/shared', overlay: '/work' }, 'writer#1'))).toEqual({ ok: true, value: null });
    expect(await effects.perform(request('read', { path: '/shared/draft.md' }))).toEqual({ ok: true, value: 'draft' });
    expect(failure(await effects.perform(request('commit', { base: 7, over: '/shared', overlay: '/work' }, 'writer#1'))).kind).toBe('conflict');
  });
});

describe('the effect executor: model calls', () => {
  it('sends the request to the backend, counting turns on from a resumed run, and redacts the reply', async () => {
    backend.reply = `the key is ${SECRET}`;
    const effects = executor({ turns: new Map([['writer#1', 2]]) });
    const ask = request('model', { agent: 'writer', model: { id: 'm1' }, prompt: 'Say hello.' }, 'writer#1');
    expect(await effects.perform(ask)).toEqual({
      ok: true,
      value: { content: 'the key is [redacted]', finishReason: 'stop', scripted: false, toolCalls: [], usage: { input: 1, output: 2, source: 'reported' } },
    });
    await effects.perform(request('model', { agent: 'writer', model: { id: 'm1' }, prompt: 'Again.' }, 'writer#1'));
    expect(backend.calls.map((c) => c.context)).toEqual([
      { agent: 'writer', process: 'writer#1', turn: 3 },
      { agent: 'writer', process: 'writer#1', turn: 4 },
    ]);
    expect(backend.calls[0]?.model).toBe('m1');
  });

  it('reads a free agent\'s conversation from the blob store, bytes or text', async () => {
    const conversation = canonicalJson({ messages: [{ content: 'task', role: 'user' }], tools: [{ name: 'read_file', parameters: { type: 'object' } }] });
    blobs.set('h1', new TextEncoder().encode(conversation));
    await executor().perform(request('model', { agent: 'writer', context: 'h1', model: null }, 'writer#1'));
    expect(backend.calls[0]?.messages).toEqual([{ content: 'task', role: 'user' }]);
    expect(backend.calls[0]?.tools).toEqual([{ description: '', name: 'read_file', parameters: { type: 'object' } }]);
  });

  it('turns a conversation blob that is missing into a host-failed completion', async () => {
    const error = failure(await executor().perform(request('model', { agent: 'writer', context: 'gone', model: null }, 'writer#1')));
    expect(error.kind).toBe('host-failed');
    expect(error.message).toContain('the conversation blob gone of writer#1 is missing');
  });

  it('aborts a call that is running when it is cancelled, and the call completes as cancelled', async () => {
    backend.hold = true;
    const effects = executor();
    const ask = request('model', { agent: 'writer', model: { id: 'm1' }, prompt: 'Wait.' }, 'writer#1');
    const running = effects.perform(ask);
    effects.cancel(ask.effect);
    expect(failure(await running).kind).toBe('cancelled');
  });

  it('does not perform timers: the host fires them', async () => {
    expect(failure(await executor().perform(request('timer', { ms: 10, purpose: 'sleep' }))).kind).toBe('host-failed');
  });
});

describe('the effect executor: tools', () => {
  it('runs a tool on a resolved path and records what it prints with the host path replaced by the virtual one', async () => {
    await workspace.write('main', '/docs/tires.md', 'pressure\n');
    const completion = await executor().perform(tool([node, '-e', 'process.stdout.write(process.argv[1])', { path: '/docs/tires.md' }]));
    expect(completion).toEqual({ ok: true, value: { exit_code: 0, signal: null, stderr: '', stdout: '/docs/tires.md', truncated: false } });
  });

  it('hands a tool no variable that holds a secret, and stores binary output as a blob, redacted', async () => {
    const effects = executor();
    const env = await effects.perform(tool([node, '-e', 'process.stdout.write(process.env.TOKEN ?? "unset")'], { env: ['TOKEN'] }));
    expect(env).toMatchObject({ ok: true, value: { stdout: 'unset' } });
    const binary = await effects.perform(tool([node, '-e', `process.stdout.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(${JSON.stringify(SECRET)})]))`]));
    const value = binary.ok ? (binary.value as { stdout: string | null; stdout_blob: string }) : undefined;
    expect(value?.stdout).toBeNull();
    const stored = blobs.get(value?.stdout_blob ?? '') as Uint8Array;
    expect(Buffer.from(stored)).toEqual(Buffer.concat([Buffer.from([0xff]), Buffer.from('[redacted]')]));
    expect(value?.stdout_blob).toBe(sha256(stored));
  });

  it('gives a tool that cannot start a failed completion, and a tool that exits non-zero a result', async () => {
    const effects = executor();
    expect(failure(await effects.perform(tool(['aos-no-such-program']))).kind).toBe('spawn-failed');
    expect(await effects.perform(tool([node, '-e', 'process.exit(3)']))).toMatchObject({ ok: true, value: { exit_code: 3 } });
  });

  it('stops a running tool when it is cancelled', async () => {
    const effects = executor();
    const sleeper = tool([node, '-e', 'setTimeout(() => {}, 60000)']);
    const running = effects.perform(sleeper);
    effects.cancel(sleeper.effect);
    expect(failure(await running).kind).toBe('cancelled');
  });

  it('refuses a tool request of the wrong shape instead of running it', async () => {
    const error = failure(await executor().perform(tool([node, 42])));
    expect(error).toEqual({ kind: 'host-failed', message: expect.stringContaining('argv') as string });
    expect(() => toToolRequest({ argv: [], cwd: 3, env: [], tool: 'probe' })).toThrow(/cwd/);
    expect(toToolRequest({ argv: ['ls', { path: '/docs' }], cwd: null, env: ['PATH'], timeout: 5000, tool: 'ls' })).toEqual({ argv: ['ls', { path: '/docs' }], cwd: null, env: ['PATH'], timeout: 5000, tool: 'ls' });
  });
});
