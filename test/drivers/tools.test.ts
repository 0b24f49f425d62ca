import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOOD_FACTOR, MAX_JSON_DEPTH, parseJsonDocument, runTool, type ToolOutcome, type ToolRequest, type ToolResult, type ToolRunnerOptions } from '../../src/drivers/tools.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tools');
const node = process.execPath;
const script = (name: string): string => join(fixtures, name);

let root = '';
const blobs = new Map<string, Buffer>();
const resolved: string[] = [];

/** A file driver stand-in: "/data" is the only mount, backed by `root`. */
async function resolvePath(virtual: string, access: 'read' | 'write') {
  resolved.push(`${access} ${virtual}`);
  if (virtual !== '/data' && !virtual.startsWith('/data/')) return { ok: false as const, error: { kind: 'outside-mounts', message: `${JSON.stringify(virtual)} is not inside a mount` } };
  return { ok: true as const, path: join(root, virtual) };
}

function options(extra: Partial<ToolRunnerOptions> = {}): ToolRunnerOptions {
  return {
    resolvePath,
    hostEnv: { PATH: process.env['PATH'], SECRET_TOKEN: 'hunter2-secret', LANG: 'C.UTF-8', 'BAD=NAME': 'hunter2-smuggled' },
    storeBlob: (bytes) => {
      const hash = createHash('sha256').update(bytes).digest('hex');
      blobs.set(hash, Buffer.from(bytes));
      return hash;
    },
    ...extra,
  };
}

function request(argv: ToolRequest['argv'], extra: Partial<ToolRequest> = {}): ToolRequest {
  return { tool: 'probe', argv, cwd: null, env: [], ...extra };
}

function value(outcome: ToolOutcome): ToolResult {
  if (!outcome.ok) throw new Error(`expected the tool to run: ${outcome.error.message}`);
  return outcome.value;
}

function expectFailure(outcome: ToolOutcome, kind: string): string {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return '';
  expect(outcome.error.kind).toBe(kind);
  expect(outcome.error.message).toMatch(/^tool probe: /);
  expect(outcome.error.message).not.toContain(root);
  expect(outcome.error.message).not.toContain('hunter2');
  return outcome.error.message;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Running and not a zombie (a container's init may never reap orphans). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function pidsIn(file: string): number[] {
  return readFileSync(file, 'utf8').split(' ').map(Number);
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'tools-test-')));
  mkdirSync(join(root, 'data', 'sub'), { recursive: true });
  writeFileSync(join(root, 'data', '-n'), 'dash file\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('argv', () => {
  it('reaches the program literally, with no shell to expand anything', async () => {
    const tricky = ['$(echo x)', '`id`', '; rm -rf /', '*', '"quoted" \'single\'', 'a b', '$HOME'];
    const result = value(await runTool(request([node, script('argv.mjs'), ...tricky]), options()));
    expect(result.json).toEqual(tricky);
  });

  it('resolves path placeholders to real paths, so a name starting with "-" after "--" is an operand', async () => {
    const argvResult = value(await runTool(request([node, script('argv.mjs'), '--', { path: '/data/-n' }]), options()));
    expect(argvResult.json).toEqual(['--', join(root, 'data', '-n')]);
    const cat = value(await runTool(request(['cat', '--', { path: '/data/-n' }], { env: ['PATH'] }), options()));
    expect(cat).toMatchObject({ exit_code: 0, stdout: 'dash file\n' });
    expect(resolved).toContain('read /data/-n');
  });

  it('refuses a path the file driver rejects, naming the virtual path', async () => {
    const message = expectFailure(await runTool(request([node, script('argv.mjs'), { path: '/etc/passwd' }]), options()), 'invalid-path');
    expect(message).toContain('"/etc/passwd"');
    expect(message).toContain('not inside a mount');
  });
});

describe('environment', () => {
  it('passes only listed variables that the host has, and nothing else', async () => {
    const outcome = await runTool(request([node, script('env.mjs')], { env: ['LANG', 'LISTED_BUT_UNSET', 'BAD=NAME'] }), options());
    expect(value(outcome).json).toEqual({ LANG: 'C.UTF-8' });
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
  });

  it('passes a listed secret when, and only when, the tool lists it', async () => {
    const listed = value(await runTool(request([node, script('env.mjs')], { env: ['SECRET_TOKEN'] }), options()));
    expect(listed.json).toEqual({ SECRET_TOKEN: 'hunter2-secret' });
  });

  it('gives the program its effect id as AOS_EFFECT_ID, over any host value of that name', async () => {
    const hostEnv = { ...options().hostEnv, AOS_EFFECT_ID: 'the host\'s own' };
    const result = value(await runTool(request([node, script('env.mjs')], { env: ['LANG', 'AOS_EFFECT_ID'] }), options({ effectId: 'writer#3/e7', hostEnv })));
    expect(result.json).toEqual({ AOS_EFFECT_ID: 'writer#3/e7', LANG: 'C.UTF-8' });
  });
});

describe('working directory', () => {
  it('is the real directory of the virtual cwd', async () => {
    const result = value(await runTool(request([node, script('cwd.mjs')], { cwd: '/data/sub' }), options()));
    expect(result.json).toEqual({ cwd: join(root, 'data', 'sub'), entries: [] });
  });

  it('is a fresh empty directory, removed afterwards, when none is declared', async () => {
    const result = value(await runTool(request([node, script('cwd.mjs')]), options()));
    const { cwd, entries } = result.json as { cwd: string; entries: string[] };
    expect(cwd).not.toBe(process.cwd());
    expect(entries).toEqual([]);
    expect(existsSync(cwd)).toBe(false);
  });

  it('must be a directory', async () => {
    const message = expectFailure(await runTool(request([node, script('cwd.mjs')], { cwd: '/data/-n' }), options()), 'invalid-path');
    expect(message).toContain('cwd "/data/-n" is not a directory');
  });
});

describe('exit', () => {
  it('reports a nonzero exit as a run, with both streams', async () => {
    const result = value(await runTool(request([node, script('emit.mjs'), 'partial', 'broken\n', '3']), options()));
    expect(result).toEqual({ exit_code: 3, signal: null, stdout: 'partial', stderr: 'broken\n', truncated: false });
  });

  it('reports a program ended by a signal as 128 + its number', async () => {
    const result = value(await runTool(request([node, script('signal-self.mjs')]), options()));
    expect(result).toMatchObject({ exit_code: 143, signal: 'SIGTERM' });
  });

  it('kills what the program left running in its process group once it exits', async () => {
    const pidFile = join(root, 'left-behind.pid');
    value(await runTool(request([node, script('tree.mjs'), pidFile, 'exit']), options()));
    const [, child] = pidsIn(pidFile) as [number, number];
    await until(() => !alive(child), 'the left-behind child to die');
  }, 10_000);
});

describe('stopping a run', () => {
  it('kills the whole process tree on timeout and reports "timeout"', async () => {
    const pidFile = join(root, 'timeout.pid');
    const outcome = await runTool(request([node, script('tree.mjs'), pidFile, 'sleep'], { timeout: 1500 }), options());
    expect(expectFailure(outcome, 'timeout')).toContain('timed out after 1500 ms');
    for (const pid of pidsIn(pidFile)) await until(() => !alive(pid), `process ${pid} to die`);
  }, 10_000);

  it('kills the whole process tree when the signal aborts and reports "cancelled"', async () => {
    const pidFile = join(root, 'cancel.pid');
    const controller = new AbortController();
    const running = runTool(request([node, script('tree.mjs'), pidFile, 'sleep']), options({ signal: controller.signal }));
    await until(() => existsSync(pidFile), 'the tool to start');
    controller.abort();
    expectFailure(await running, 'cancelled');
    for (const pid of pidsIn(pidFile)) await until(() => !alive(pid), `process ${pid} to die`);
  }, 10_000);

  it('does not start a tool whose signal is already aborted', async () => {
    const pidFile = join(root, 'never.pid');
    const outcome = await runTool(request([node, script('tree.mjs'), pidFile, 'sleep']), options({ signal: AbortSignal.abort() }));
    expectFailure(outcome, 'cancelled');
    expect(existsSync(pidFile)).toBe(false);
  });
});

describe('output cap', () => {
  it('keeps the first cap bytes of a program that prints a little too much, and lets it finish', async () => {
    const result = value(await runTool(request([node, script('flood.mjs'), '2500'], { outputCap: 1000 }), options()));
    expect(result).toMatchObject({ exit_code: 0, truncated: true, stdout: 'x'.repeat(1000) });
  });

  it(`kills a program whose output goes past ${FLOOD_FACTOR} times the cap and reports "output-cap"`, async () => {
    const message = expectFailure(await runTool(request([node, script('flood.mjs')], { outputCap: 1000, timeout: 5000 }), options()), 'output-cap');
    expect(message).toContain('stdout');
  }, 10_000);

  it('drops a character the cap cut in half, so cut text stays text', async () => {
    const result = value(await runTool(request([node, script('emit.mjs'), 'éééé'], { outputCap: 5 }), options()));
    expect(result).toMatchObject({ stdout: 'éé', truncated: true });
    expect(result.json).toBeUndefined();
  });

  it('never parses cut output as JSON', async () => {
    const result = value(await runTool(request([node, script('emit.mjs'), '12345'], { outputCap: 3 }), options()));
    expect(result).toMatchObject({ stdout: '123', truncated: true });
    expect(result).not.toHaveProperty('json');
  });
});

describe('output values', () => {
  it('keeps output that is not UTF-8 as a blob', async () => {
    const result = value(await runTool(request([node, script('binary.mjs')]), options()));
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const hash = createHash('sha256').update(bytes).digest('hex');
    expect(result).toMatchObject({ stdout: null, stdout_blob: hash, stderr: '' });
    expect(blobs.get(hash)).toEqual(bytes);
  });

  it('parses stdout holding one JSON document', async () => {
    const result = value(await runTool(request([node, script('emit.mjs'), '{"ok": [1, "two", null]}\n']), options()));
    expect(result.json).toEqual({ ok: [1, 'two', null] });
  });

  it('leaves other stdout unparsed', async () => {
    const result = value(await runTool(request([node, script('emit.mjs'), '{"a": 1}\n{"b": 2}\n']), options()));
    expect(result).not.toHaveProperty('json');
  });

  it(`parses JSON up to ${MAX_JSON_DEPTH} levels deep, and never throws`, () => {
    const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
    expect(parseJsonDocument(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(parseJsonDocument(nested(MAX_JSON_DEPTH + 1))).toBeUndefined();
    expect(parseJsonDocument(nested(100_000))).toBeUndefined();
    expect(parseJsonDocument(`["${'['.repeat(100)}"]`)).toEqual(['['.repeat(100)]);
    expect(parseJsonDocument('{"n": 1e400}')).toBeUndefined();
    expect(parseJsonDocument('')).toBeUndefined();
    expect(parseJsonDocument('{"a":')).toBeUndefined();
    expect(parseJsonDocument(' "text" \n')).toBe('text');
  });
});

describe('starting', () => {
  it('reports a missing program by name', async () => {
    const message = expectFailure(await runTool(request(['no-such-program-aos']), options()), 'spawn-failed');
    expect(message).toBe('tool probe: program "no-such-program-aos" was not found');
  });

  it('names a program given as a path by its virtual path', async () => {
    const message = expectFailure(await runTool(request([{ path: '/data/-n' }]), options()), 'spawn-failed');
    expect(message).toBe('tool probe: program "/data/-n" is not executable');
  });

  it('reports an empty argv', async () => {
    expectFailure(await runTool(request([]), options()), 'spawn-failed');
  });
});
