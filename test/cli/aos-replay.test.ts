// `aos replay` and `aos resume` on real runs of docs-merge: an identical replay prints the log's count
// and head; a changed event is a divergence with its field diff and DSL position (exit 1); a broken
// chain is damage (exit 1); another kernel version is refused (exit 4, by resume too); a folder of runs replays
// each; --workflow tells a compatible change from an incompatible one; a run cut short resumes to
// the same log as the run that was not.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../src/bytecode/events.js';
import { HashChain } from '../../src/log/chain.js';
import type { RunManifest } from '../../src/log/run-dir.js';
import { aos } from './capture.js';

let runsDir: string;
let original: string;
let manifest: RunManifest;
let lines: string[];

beforeAll(async () => {
  runsDir = mkdtempSync(join(tmpdir(), 'aos-replay-cli-'));
  expect((await aos(['run', 'workflows/docs-merge.aos', '--runs-dir', runsDir, '--ordered-completions'])).code).toBe(0);
  original = join(runsDir, 'docs-merge-test');
  manifest = JSON.parse(readFileSync(join(original, 'manifest.json'), 'utf8')) as RunManifest;
  lines = readFileSync(join(original, 'events.jsonl'), 'utf8').trimEnd().split('\n');
});

afterAll(() => {
  rmSync(runsDir, { recursive: true, force: true });
});

/** A copy of the run whose events are edited and chained again, with a manifest to match: sound, but not what the kernel does. */
function forged(id: string, edit: (events: KernelEvent[]) => KernelEvent[], into = runsDir): string {
  const dir = join(into, id);
  cpSync(original, dir, { recursive: true });
  const events = edit(lines.map((line) => JSON.parse(line) as KernelEvent & { h?: string }).map(({ h: _h, ...event }) => event as KernelEvent));
  const chain = new HashChain();
  const text = events.map((event, seq) => `${chain.append({ ...event, seq })}\n`).join('');
  writeFileSync(join(dir, 'events.jsonl'), text);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, count: events.length, head: chain.head }));
  return dir;
}

const seqOf = (kind: string, pid: string) => lines.findIndex((line) => line.includes(`"kind":"${kind}"`) && line.includes(`"pid":"${pid}"`));

describe('aos replay', () => {
  it('replays a run without a model, tools or files and proves it identical', async () => {
    const result = await aos(['replay', 'docs-merge-test', '--runs-dir', runsDir]);
    expect(result).toEqual({ code: 0, stderr: '', stdout: `replay: identical, ${manifest.count} events, head ${manifest.head}\n` });
  });

  it('reports a divergence at its seq with a field diff, the bytecode location and the DSL position', async () => {
    const at = seqOf('proc.exited', 'main');
    const dir = forged('changed-output', (events) => events.map((e) => (e.seq === at ? { ...e, data: { ...e.data, output: 'forged' } } : e)));
    const result = await aos(['replay', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^replay: diverged at seq ${at}: the log has proc.exited at seq ${at}, the replay produced proc.exited\\n`));
    expect(result.stdout).toMatch(/ {2}at: {7}workflows\/docs-merge\.aos:\d+:\d+ — procedure main, offset \d+, process main\n/);
    expect(result.stdout).toContain('    data.output: expected "forged", produced ');
    const json = JSON.parse((await aos(['replay', dir, '--json'])).stdout) as { result: string; divergence: { seq: number; location: { file: string; line: number } } };
    expect(json).toMatchObject({ result: 'diverged', divergence: { seq: at, location: { file: 'workflows/docs-merge.aos' } } });
    expect(json.divergence.location.line).toBeGreaterThan(0);
  });

  it('calls a broken chain damage, at the seq of the damaged line', async () => {
    const dir = join(runsDir, 'flipped');
    cpSync(original, dir, { recursive: true });
    const bytes = readFileSync(join(dir, 'events.jsonl'));
    const at = bytes.indexOf('"kind":"proc.spawned"') - 10;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    writeFileSync(join(dir, 'events.jsonl'), bytes);
    const result = await aos(['replay', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^replay: the log is damaged at seq 1: /);
  });

  it('refuses a run recorded by another kernel with a named error and exit 4', async () => {
    const dir = forged('old-kernel', (events) => events.map((e) => (e.seq === 0 ? { ...e, data: { ...e.data, kernel: '0' } } : e)));
    const result = await aos(['replay', dir]);
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/^replay: refused \(kernel-version\): the run was recorded by kernel "0"; this build runs kernel "\d+"/);
  });

  it('refuses to resume a run recorded by another kernel, with the same exit 4', async () => {
    const dir = forged('old-kernel-unreported', (events) => events.map((e) => (e.seq === 0 ? { ...e, data: { ...e.data, kernel: '0' } } : e)));
    rmSync(join(dir, 'completion.json'));
    rmSync(join(dir, 'completion.md'));
    const result = await aos(['resume', dir]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^aos resume: the run was recorded by kernel "0"; this build runs kernel "\d+"/);
  });

  it('replays every run of a folder in one process, one line each', async () => {
    const folder = join(runsDir, 'batch');
    mkdirSync(folder);
    cpSync(original, join(folder, 'a-same'), { recursive: true });
    forged('b-changed', (events) => events.map((e) => (e.kind === 'run.finished' ? { ...e, data: { ...e.data, status: 'failed' } } : e)), folder);
    const result = await aos(['replay', folder]);
    expect(result.code).toBe(1);
    const out = result.stdout.trimEnd().split('\n');
    expect(out[0]).toBe(`${join(folder, 'a-same')}: replay: identical, ${manifest.count} events, head ${manifest.head}`);
    expect(out[1]).toMatch(new RegExp(`^${join(folder, 'b-changed')}: replay: diverged at seq ${manifest.count - 1}`));
    expect(out.at(-1)).toBe('replay: 1 of 2 runs identical');
  });

  it('tells with --workflow whether a changed workflow is safe for the run', async () => {
    const same = await aos(['replay', 'docs-merge-test', '--runs-dir', runsDir, '--workflow', 'workflows/docs-merge.aos']);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^replay: compatible — \d+ processes issued \d+ matching effects; (\d+) of \1 recorded inputs consumed\n$/);

    // A copy of the workflows folder where main gives the coordinator a minute more: its timer differs.
    const changed = join(runsDir, 'workflows');
    cpSync('workflows', changed, { recursive: true });
    const source = readFileSync(join(changed, 'docs-merge.aos'), 'utf8');
    expect(source).toContain('call coordinator task merge_docs timeout 35m');
    writeFileSync(join(changed, 'docs-merge.aos'), source.replace('timeout 35m', 'timeout 36m'));
    const moved = await aos(['replay', 'docs-merge-test', '--runs-dir', runsDir, '--workflow', join(changed, 'docs-merge.aos')]);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toMatch(/^replay: incompatible — /);
    expect(moved.stdout).toContain(`main's timer main/e1 asks for something else than at seq`);
    expect(moved.stdout).toMatch(/recorded \{"ms":2100000,.*now \{"ms":2160000,/);
    const line = source.split('\n').findIndex((l) => l.includes('timeout 35m')) + 1;
    expect(moved.stdout).toMatch(new RegExp(`at ${join(changed, 'docs-merge.aos').replaceAll('/', '\\/')}:${line}:\\d+ — procedure main`));
  });

  it('names an unknown run (exit 2)', async () => {
    const result = await aos(['replay', 'no-such-run', '--runs-dir', runsDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no run "no-such-run"');
  });
});

describe('aos resume', () => {
  it('cuts a torn tail, takes the run up from its log and ends with the log of the run that was not cut', async () => {
    const dir = join(runsDir, 'cut');
    cpSync(original, dir, { recursive: true });
    // Stopped after the first model call was requested: its completion never became durable.
    const keep = lines.findIndex((line) => line.includes('"op":"model"')) + 1;
    const kept = lines.slice(0, keep);
    const head = (JSON.parse(kept.at(-1) as string) as { h: string }).h;
    writeFileSync(join(dir, 'events.jsonl'), `${kept.join('\n')}\n${(lines[keep] as string).slice(0, 30)}`);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, count: keep, finished: false, head }));
    rmSync(join(dir, 'completion.json'));
    const result = await aos(['resume', 'cut', '--runs-dir', runsDir]);
    expect(result.stderr).toMatch(/warning: cut a torn last line off the log at byte \d+ \(30 bytes, would-be seq \d+\)/);
    expect(result.stdout).toMatch(new RegExp(`replayed ${keep} events; dispatching \\d+ outstanding effects again`));
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toBe(readFileSync(join(original, 'events.jsonl'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, 'completion.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(original, 'completion.json'), 'utf8')));
    expect((await aos(['replay', dir])).code).toBe(0);
    // A finished run has nothing to resume.
    const again = await aos(['resume', 'cut', '--runs-dir', runsDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has finished: there is nothing to resume');
  });
});
