// `aos verify-log` on a real run (docs-merge on its scripted default): exit 0 and the log's count and
// head for a sound log, by run id or by path; exit 1 and the first damaged seq for a damaged one;
// exit 2 for a run that is not there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/aos-program.js';
import { io } from './capture.js';
import type { RunManifest } from '../../src/log/run-dir.js';

let runsDir: string;
let manifest: RunManifest;
let log: Buffer;

beforeAll(async () => {
  runsDir = mkdtempSync(join(tmpdir(), 'aos-verify-cli-'));
  expect(await main(['run', 'workflows/docs-merge.aos', '--runs-dir', runsDir], io())).toBe(0);
  manifest = JSON.parse(readFileSync(join(runsDir, 'docs-merge-test', 'manifest.json'), 'utf8')) as RunManifest;
  log = readFileSync(join(runsDir, 'docs-merge-test', 'events.jsonl'));
});

afterAll(() => {
  rmSync(runsDir, { recursive: true, force: true });
});

/** A copy of the run, named id, with its log replaced by bytes. */
function copyWithLog(id: string, bytes: Buffer): string {
  const dir = join(runsDir, id);
  cpSync(join(runsDir, 'docs-merge-test'), dir, { recursive: true });
  writeFileSync(join(dir, 'events.jsonl'), bytes);
  return dir;
}

/** Where line n starts. */
function lineStart(n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) at = log.indexOf(10, at) + 1;
  return at;
}

async function verify(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = io();
  const code = await main(['verify-log', ...argv], out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

describe('aos verify-log', () => {
  it('passes a finished run, by id in --runs-dir or by path, printing its event count and head', async () => {
    expect(manifest.finished).toBe(true);
    const expected = `verify-log: ok, ${manifest.count} events, head ${manifest.head}\n`;
    expect(await verify('docs-merge-test', '--runs-dir', runsDir)).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(await verify(join(runsDir, 'docs-merge-test'))).toEqual({ code: 0, stdout: expected, stderr: '' });
    const json = await verify('docs-merge-test', '--runs-dir', runsDir, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, count: manifest.count, head: manifest.head, finished: true, manifest, notes: [] });
  });

  it('exits 1 naming the first damaged seq: a changed byte, a lost line, a cut log', async () => {
    const middle = Math.floor(manifest.count / 2);
    const changed = Buffer.from(log);
    const at = lineStart(middle) + 3;
    changed[at] = (changed[at] as number) ^ 0x20;
    copyWithLog('changed', changed);
    const found = await verify('changed', '--runs-dir', runsDir);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(new RegExp(`^verify-log: damaged at seq ${middle}: .* \\[damaged-line\\]\\n$`));

    copyWithLog('lost', Buffer.concat([log.subarray(0, lineStart(middle)), log.subarray(lineStart(middle + 1))]));
    expect(await verify('lost', '--runs-dir', runsDir)).toEqual({ code: 1, stdout: `verify-log: damaged at seq ${middle}: the line there has seq ${middle + 1}: a line is missing or out of order [seq]\n`, stderr: '' });

    copyWithLog('cut', log.subarray(0, lineStart(middle)));
    expect(await verify('cut', '--runs-dir', runsDir)).toEqual({ code: 1, stdout: `verify-log: damaged at seq ${middle}: the log ends after ${middle} lines, but manifest.json pins ${manifest.count} [truncated]\n`, stderr: '' });
  });

  it('warns that a run has not finished, and still exits 0, when its manifest does not say it finished', async () => {
    const last = manifest.count - 1;
    const dir = copyWithLog('unfinished', log.subarray(0, lineStart(last)));
    const head = JSON.parse(log.subarray(lineStart(last - 1), lineStart(last)).toString('utf8')).h as string;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, count: last, finished: false, head }));
    const found = await verify(dir);
    expect(found.code).toBe(0);
    expect(found.stdout).toBe(`verify-log: ok, ${last} events, head ${head}\nverify-log: warning: the log does not end with run.finished: the run is unfinished, or stopped before it could finish [not-finished]\n`);
  });

  it('exits 2 for a run that is not there, or a folder that is not a run directory', async () => {
    const missing = await verify('no-such-run', '--runs-dir', runsDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`aos verify-log: no run "no-such-run" in ${runsDir}, and no run directory no-such-run\n`);
    mkdirSync(join(runsDir, 'empty'));
    const empty = await verify('empty', '--runs-dir', runsDir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/is not a run directory: it has no manifest\.json and no events\.jsonl/);
  });
});
