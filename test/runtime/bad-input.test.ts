// Bad input on the live host: malformed replies, unknown tools, arguments that break their
// schema, a 10 MB reply, failing and hanging tools, escapes through tool arguments and file
// paths. Each ends in a recorded error result or a retry, never a crash, and the run directory
// stays consistent.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compiler/index.js';
import { fileHost } from '../../src/cli/files.js';
import { Workspace } from '../../src/drivers/files.js';
import { scriptFromObject, ScriptedBackend } from '../../src/drivers/scripted.js';
import { readRunLog } from '../../src/log/reader.js';
import { RunLog } from '../../src/log/writer.js';
import { verifyLines } from '../../src/log/chain.js';
import { runLive } from '../../src/runtime/live-host.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const WORKFLOW = `workflow hostile version "1"
model m { id "m" }
retry patient { attempts 4 on [malformed_output, tool_failure, timeout] }
tool count { argv ["wc", "-l", "--", $file] param file path in "/docs" timeout 10s }
tool hang { argv ["sleep", "30"] timeout 300ms }
tool boom { argv ["no-such-program-aos"] timeout 10s }
agent worker {
  model m
  tools [count, hang, boom]
  mount reference "/docs" from "inputs/docs-merge"
  mount shared "/out"
  retry patient
  budget { turns 10 tokens 100000000 time 10m }
}
main { let r = call worker timeout 10m exit r }`;

const call = (name: string, args: unknown) => ({ name, arguments: args });

describe('bad input on the live host', () => {
  it('turns each kind of bad input into an error result or a retry, and the run directory verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aos-hostile-'));
    made.push(dir);
    const file = join(dir, 'hostile.aos');
    writeFileSync(file, WORKFLOW);
    cpSync('workflows/inputs', join(dir, 'inputs'), { recursive: true });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x80]);
    writeFileSync(join(dir, 'inputs', 'docs-merge', 'logo.png'), png);
    const bytecode = compileSource(WORKFLOW, file, fileHost(file)).bytecode;
    if (bytecode === undefined) throw new Error('does not compile');
    const script = scriptFromObject(
      {
        format: 'aos-script',
        version: 1,
        responses: [
          {
            agent: 'worker',
            turn: 1,
            reply: {
              toolCalls: [
                call('launch', {}),
                call('read_file', { file: '/docs/tires.md' }),
                call('read_file', { path: '/docs/../../etc/passwd' }),
                call('read_file', { path: '/docs/logo.png' }),
                call('write_file', { path: '/docs/tires.md', content: 'overwritten' }),
                call('write_file', { path: '/out/\u0000evil', content: 'x' }),
                call('count', { file: '/etc/passwd' }),
                call('count', { file: '/docs/../etc/passwd' }),
                call('count', { file: 7 }),
                call('hang', {}),
                call('boom', {}),
              ],
            },
          },
          { agent: 'worker', turn: 2, reply: { content: 'I think I am done, no tools needed.' } },
          { agent: 'worker', turn: 3, reply: { content: 'x'.repeat(10 * 1024 * 1024) } },
          { agent: 'worker', turn: 4, reply: { toolCalls: [{ name: 'read_file', arguments: '{"path": "/docs/tires.md"' }] } },
          { agent: 'worker', turn: 5, reply: { toolCalls: [call('finish', { output: 'survived', handoff: { attempted: ['everything hostile'], changed: [], failed: [], next: 'none', remains: [] } })] } },
        ],
      },
      'hostile.script.json',
    );
    const runDir = join(dir, 'run');
    const log = await RunLog.create(runDir);
    const workspace = await Workspace.create(join(runDir, 'workspace'));
    const run = await runLive({ backend: new ScriptedBackend(script), bytecode, hostEnv: { PATH: process.env['PATH'] }, hostPaths: [{ host: resolve(runDir), standIn: '<run>' }], log, seed: '1', workflowDir: dir, workspace });
    await log.close();

    expect(run.result).toMatchObject({ status: 'ok', output: { output: 'survived', status: 'ok' } });
    const lines = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    expect(verifyLines(lines)).toMatchObject({ ok: true, count: lines.length });
    expect((await readRunLog(runDir)).manifest).toMatchObject({ count: lines.length, finished: true });
    const events = lines.map((l) => JSON.parse(l) as { kind: string; data?: Record<string, unknown> });

    // Turn 1: every call got a result; the errors name their problem.
    const transcript = JSON.parse(readFileSync(join(runDir, 'blobs', String((events.filter((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'model')[1]?.data?.['request'] as { context: string }).context)), 'utf8')) as { messages: { role: string; content: string }[] };
    const results = transcript.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content) as { error?: { kind: string; message?: string }; exit_code?: number });
    expect(results.map((r) => r.error?.kind ?? `exit ${r.exit_code}`)).toEqual([
      'unknown-tool',
      'invalid-arguments',
      'escapes-root',
      'not-text',
      'read-only',
      'nul-byte',
      'invalid-argument',
      'invalid-argument',
      'invalid-arguments',
      'timeout',
      'spawn-failed',
    ]);
    expect(readFileSync('workflows/inputs/docs-merge/tires.md', 'utf8')).not.toContain('overwritten');
    // A binary file read as text: the model is told its size and hash, and never given its bytes.
    expect(results[3]?.error?.message).toBe(`/docs/logo.png is not UTF-8 text (12 bytes, sha256 ${createHash('sha256').update(png).digest('hex')}); use a tool made for this kind of file`);
    // The hanging and missing tools were retried under the policy before their error became the result.
    expect(events.filter((e) => e.kind === 'retry.scheduled').map((e) => e.data?.['on'])).toEqual(expect.arrayContaining(['timeout', 'tool_failure', 'malformed_output']));
    // Turns 2 and 4 were malformed (no tool call; arguments that are not JSON) and fed back; turn 3's
    // 10 MB reply was refused before admission, so no line holds it.
    expect(events.filter((e) => e.kind === 'output.malformed')).toHaveLength(2);
    expect(events.some((e) => e.kind === 'effect.completed' && (e.data?.['error'] as { kind?: string } | undefined)?.kind === 'reply-too-large')).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(1024 * 1024);
  }, 30_000);
});
