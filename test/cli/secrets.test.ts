// A known key passed through every path a key can take — AOS_LLM_API_KEY and the backend's other
// settings, the run's --input, a model reply and a backend error that repeat it, tools whose
// allowed environment holds it (under its own name and another), a tool's binary output that
// holds it — is found nowhere in the run directory, byte for byte, while the run's replay is
// still identical. A key of a few characters is a key all the same.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aos } from './capture.js';

const LONG_KEY = 'sk-test-4f9c2a7be1d04c58a3e6f0b2d9c71e55';
/** Shorter than any length rule would call a secret, and found in nothing the run writes by itself. */
const SHORT_KEY = 'Zq#7';

const WORKFLOW = `workflow leaky version "1"
model m { id "m" }
tool env_echo {
  description "Prints the two variables it is allowed."
  argv ["sh", "-c", "printf '%s|%s' \\"$AOS_LLM_API_KEY\\" \\"$MIRROR_KEY\\""]
  env ["AOS_LLM_API_KEY", "MIRROR_KEY", "PATH"]
  timeout 10s
}
tool dump {
  description "Prints a file as it is."
  argv ["cat", "--", $file]
  param file path in "/vault"
  env ["PATH"]
  timeout 10s
}
agent talker {
  model m
  tools [env_echo, dump]
  mount reference "/vault" from "vault"
  mount shared "/out"
  budget { turns 4 tokens 100000 time 5m }
}
main {
  let said = call talker timeout 5m
  exit said
}`;

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Every file below dir, with what it holds. */
function filesBelow(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => ({ path: join(entry.parentPath, entry.name), bytes: readFileSync(join(entry.parentPath, entry.name)) }));
}

/** Runs the leaky workflow with `key` as the backend's key and checks that it is nowhere in the run directory. */
async function leaksNothing(key: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aos-secrets-'));
  made.push(dir);
  writeFileSync(join(dir, 'leaky.aos'), WORKFLOW);
  mkdirSync(join(dir, 'vault'));
  // A binary file holding the key: its bytes are not UTF-8, so the tool's output is kept as a blob.
  writeFileSync(join(dir, 'vault', 'key.bin'), Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(`token=${key};`)]));
  const reply = (turn: number, toolCalls: unknown[], content = '') => ({ agent: 'talker', turn, reply: { content, toolCalls } });
  writeFileSync(
    join(dir, 'leaky.script.json'),
    JSON.stringify({
      format: 'aos-script',
      version: 1,
      description: 'A talker that repeats the key it should never have seen: scripted, written by hand.',
      responses: [
        reply(1, [{ name: 'env_echo', arguments: {} }, { name: 'dump', arguments: { file: '/vault/key.bin' } }], `My key is ${key}.`),
        reply(2, [{ name: 'write_file', arguments: { path: '/out/notes.txt', content: `remember ${key}` } }]),
        reply(3, [{ name: 'finish', arguments: { output: `done with ${key}`, handoff: { attempted: [`used ${key}`], changed: [], failed: [], next: 'none', remains: [] } } }]),
      ],
    }),
  );
  const runsDir = join(dir, 'runs');
  const env = {
    AOS_LLM_API_KEY: key,
    AOS_LLM_BACKEND: 'scripted',
    AOS_LLM_BASE_URL: `http://127.0.0.1:9/v1?api_key=${key}`,
    AOS_LLM_MODEL: 'm',
    MIRROR_KEY: key,
    PATH: process.env['PATH'],
  };
  const ran = await aos(['run', join(dir, 'leaky.aos'), '--runs-dir', runsDir, '--input', JSON.stringify({ note: `the key is ${key}` })], env);
  expect(ran.stderr).toBe('');
  expect(ran.code).toBe(0);
  expect(ran.stdout).not.toContain(key);

  const runDir = join(runsDir, 'leaky-test');
  const files = filesBelow(runDir);
  expect(files.map((f) => f.path)).toEqual(expect.arrayContaining([join(runDir, 'events.jsonl'), join(runDir, 'completion.json'), join(runDir, 'workspace', 'shared', 'out', 'notes.txt')]));
  const leaks = files.filter((f) => f.bytes.includes(key)).map((f) => f.path);
  expect(leaks).toEqual([]);

  // Each path was taken: the model's words, the write, the tools' output (text and blob) hold the stand-in.
  const log = readFileSync(join(runDir, 'events.jsonl'), 'utf8');
  expect(log).toContain('My key is [redacted].');
  expect(log).toContain('done with [redacted]');
  expect(readFileSync(join(runDir, 'workspace', 'shared', 'out', 'notes.txt'), 'utf8')).toBe('remember [redacted]');
  // The tool was never handed the key: both variables that hold it were withheld.
  expect(log).toMatch(/"stdout":"\|"/);
  const blob = files.find((f) => f.path.includes(`${join('blobs', '')}`) && f.bytes.includes('token='));
  expect(blob?.bytes.toString('latin1')).toContain('token=[redacted];');

  const replayed = await aos(['replay', runDir]);
  expect(replayed.code).toBe(0);
  expect(replayed.stdout).toMatch(/^replay: identical, \d+ events/);
  // The input was taken in, scrubbed: run.started holds the stand-in.
  expect(log.split('\n')[0]).toContain('"input":{"note":"the key is [redacted]"}');
}

describe('secrets', () => {
  it('never reach the run directory by any path, and the replay is still identical', () => leaksNothing(LONG_KEY));

  it('are withheld and redacted whatever their length', () => leaksNothing(SHORT_KEY));
});
