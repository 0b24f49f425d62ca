import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/aos-program.js';
import { io } from './capture.js';
import { verifyLines } from '../../src/log/chain.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aos-cli-'));
  made.push(dir);
  return dir;
}

/** Every open tag closed in order (void elements aside), and nothing closed that was not open. */
function balanced(html: string): boolean {
  const stack: string[] = [];
  const VOID = new Set(['meta', 'br', 'hr', 'img', 'link', 'input']);
  for (const [, close, name] of html.replace(/<!DOCTYPE[^>]*>/i, '').matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g)) {
    const tag = (name as string).toLowerCase();
    if (VOID.has(tag)) continue;
    if (close === '') stack.push(tag);
    else if (stack.pop() !== tag) return false;
  }
  return stack.length === 0;
}

describe('aos run', () => {
  it('runs docs-merge offline on its scripted default, says so, and leaves the page, the log and the report', async () => {
    const dir = runsDir();
    const out = io();
    const code = await main(['run', 'workflows/docs-merge.aos', '--runs-dir', dir], out);
    expect(code).toBe(0);
    expect(out.stdout).toContain("workflow's scripted default workflows/docs-merge.script.json");
    expect(out.stdout).toContain("replies are scripted, not a model's");
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('run: docs-merge-test');
    const run = join(dir, 'docs-merge-test');
    for (const name of ['manifest.json', 'workflow.aosb.json', 'events.jsonl', 'blobs', 'workspace', 'completion.json', 'completion.md']) expect(existsSync(join(run, name)), name).toBe(true);
    const lines = readFileSync(join(run, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    expect(verifyLines(lines)).toMatchObject({ ok: true, count: lines.length });
    expect(JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'))).toMatchObject({ count: lines.length, finished: true });
    // The output itself: a well-formed page holding every section of every input document.
    const page = readFileSync(join(run, 'workspace', 'shared', 'out', 'merged.html'), 'utf8');
    expect(balanced(page)).toBe(true);
    for (const doc of ['tires', 'chain', 'brakes']) {
      const source = readFileSync(`workflows/inputs/docs-merge/${doc}.md`, 'utf8');
      for (const heading of source.split('\n').filter((l) => l.startsWith('## '))) expect(page).toContain(`<h2>${heading.slice(3)}</h2>`);
    }
    const report = JSON.parse(readFileSync(join(run, 'completion.json'), 'utf8')) as { status: string; backend: { scripted: boolean }; tasks: { task: string; state: string }[] };
    expect(report.status).toBe('ok');
    expect(report.backend.scripted).toBe(true);
    expect(report.tasks.find((t) => t.task === 'synthesize')?.state).toBe('verified');
    expect(lines.join('\n')).not.toContain(dir);
  });

  it('exits 2 naming the problem: no file, a missing script, an unknown backend, a bad environment value', async () => {
    const dir = runsDir();
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['run', '--runs-dir', dir], {}, /name a workflow file/],
      [['run', 'workflows/fact-sheet.aos', '--runs-dir', dir, '--script', 'nope.json'], {}, /no script "nope.json"/],
      [['run', 'workflows/docs-merge.aos', '--runs-dir', dir, '--backend', 'telepathy'], {}, /unknown backend "telepathy"/],
      [['run', 'workflows/docs-merge.aos', '--runs-dir', dir], { AOS_LLM_BASE_URL: 'not a url' }, /AOS_LLM_BASE_URL/],
    ];
    for (const [argv, env, message] of cases) {
      const out = io(env);
      expect(await main(argv, out)).toBe(2);
      expect(out.stderr).toMatch(message);
    }
  });
});

describe('aos run --ordered-completions', () => {
  it('gives the same log, byte for byte, on every run of a deterministic backend', async () => {
    const logs: string[] = [];
    for (const id of ['a', 'b']) {
      const dir = runsDir();
      const out = Object.assign(io(), { runId: () => id });
      expect(await main(['run', 'workflows/docs-merge.aos', '--runs-dir', dir, '--ordered-completions', '--seed', '5'], out)).toBe(0);
      logs.push(readFileSync(join(dir, id, 'events.jsonl'), 'utf8'));
    }
    expect(logs[1]).toBe(logs[0]);
  });
});
