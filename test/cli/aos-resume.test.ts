// `aos resume` of runs cut short at chosen lines, in-process, on the kill tests' file-order
// workflow (test/runtime/fixtures/crash/file-order.aos): its script names no turns, so its entries
// are used up in file order, and a resume that gave the backend no account of the calls made
// before the stop would answer from the first entry again. A run records its script's path and
// hash in run.started; resume answers from that script, refuses it by name when it changed, and
// takes another only from --script. A tool declared `idempotent false` that was running at the
// stop is not run again unasked: resume refuses, naming the tool, the effect and the two flags.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../src/log/run-dir.js';
import { lineKind } from '../../src/replay/replay.js';
import { aos } from './capture.js';

const FIXTURES = 'test/runtime/fixtures/crash';
const RUN_ARGS = ['--ordered-completions', '--seed', '7'];

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'aos-resume-cli-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A folder of its own holding the workflow (as NAME.aos, with `edit` applied) and the given scripts. */
function workflowFolder(name: string, scripts: Record<string, string>, edit: (source: string) => string = (source) => source): string {
  const dir = mkdtempSync(join(root, `${name}-`));
  writeFileSync(join(dir, `${name}.aos`), edit(readFileSync(join(FIXTURES, 'file-order.aos'), 'utf8')));
  for (const [file, text] of Object.entries(scripts)) writeFileSync(join(dir, file), text);
  return dir;
}

const script = readFileSync(join(FIXTURES, 'file-order.script.json'), 'utf8');

/** Runs the workflow to its end in a runs folder of its own; its run directory. */
async function finishedRun(workflow: string, extra: string[] = []): Promise<string> {
  const runsDir = mkdtempSync(join(root, 'runs-'));
  const done = await aos(['run', workflow, '--runs-dir', runsDir, ...RUN_ARGS, ...extra]);
  expect(done.code, done.stderr).toBe(0);
  return join(runsDir, 'crash-file-order-test');
}

const linesOf = (runDir: string): string[] => readFileSync(join(runDir, 'events.jsonl'), 'utf8').trimEnd().split('\n');

/** A copy of a finished run as if it had stopped once its first `keep` lines were durable. */
function cutCopy(runDir: string, keep: number, name: string): string {
  const dir = join(root, name);
  cpSync(runDir, dir, { recursive: true });
  const kept = linesOf(runDir).slice(0, keep);
  const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as RunManifest;
  const head = (JSON.parse(kept.at(-1) as string) as { h: string }).h;
  writeFileSync(join(dir, 'events.jsonl'), `${kept.join('\n')}\n`);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, count: keep, finished: false, head }));
  rmSync(join(dir, 'completion.json'));
  rmSync(join(dir, 'completion.md'));
  return dir;
}

/** The seqs right after each line of `kind` whose text contains `part`. */
function after(lines: readonly string[], kind: string, part = ''): number[] {
  return lines.flatMap((line, seq) => (lineKind(line) === kind && line.includes(part) ? [seq + 1] : []));
}

describe('aos resume of a script used up in file order', () => {
  let reference: string;
  let referenceLines: string[];

  beforeAll(async () => {
    reference = await finishedRun(join(FIXTURES, 'file-order.aos'));
    referenceLines = linesOf(reference);
  });

  it('goes on from the entry after the last one used, at every model call and completion, to the log of the run that was not cut', async () => {
    const cuts = [...after(referenceLines, 'effect.requested', '"op":"model"'), ...after(referenceLines, 'effect.completed')];
    expect(cuts.length).toBeGreaterThanOrEqual(10);
    for (const keep of cuts) {
      const dir = cutCopy(reference, keep, `file-order-${keep}`);
      const resumed = await aos(['resume', dir]);
      expect(resumed.code, `cut at ${keep}: ${resumed.stderr}`).toBe(0);
      expect(resumed.stdout, `cut at ${keep}`).toContain(`replayed ${keep} events`);
      expect(linesOf(dir), `cut at ${keep}`).toEqual(referenceLines);
      expect(readFileSync(join(dir, 'completion.json'), 'utf8'), `cut at ${keep}`).toBe(readFileSync(join(reference, 'completion.json'), 'utf8'));
    }
  });
});

describe('aos resume answers from the script the run began with', () => {
  let folder: string;
  let reference: string;
  let referenceLines: string[];
  /** Right after the second model call completed: entries one and two are used. */
  let keep: number;

  beforeAll(async () => {
    // No NAME.script.json beside the workflow: only --script finds the run's script.
    folder = workflowFolder('chosen', { 'chosen-replies.json': script });
    reference = await finishedRun(relative(process.cwd(), join(folder, 'chosen.aos')), ['--script', join(folder, 'chosen-replies.json')]);
    referenceLines = linesOf(reference);
    keep = after(referenceLines, 'effect.completed', '"content":"{')[1] ?? 0;
  });

  it('records the script in run.started by its path from the workflow folder and its sha256', () => {
    const started = JSON.parse(referenceLines[0] as string) as { data: { backend: { script?: { path: string; sha256: string } } } };
    expect(started.data.backend.script?.path).toBe('chosen-replies.json');
    expect(started.data.backend.script?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes up the recorded script without --script', async () => {
    const dir = cutCopy(reference, keep, 'recorded-script');
    const resumed = await aos(['resume', dir]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`backend: scripted, from ${join(relative(process.cwd(), folder), 'chosen-replies.json')}, the script the run began with`);
    expect(linesOf(dir)).toEqual(referenceLines);
  });

  it('refuses by name a script that changed since the run began (exit 2), and takes one given with --script', async () => {
    const dir = cutCopy(reference, keep, 'changed-script');
    const recordedPath = join(folder, 'chosen-replies.json');
    writeFileSync(recordedPath, script.replace('"one"', '"uno"'));
    try {
      const refused = await aos(['resume', dir]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^aos resume: the run's script .*chosen-replies\.json has changed since the run began \(sha256 [0-9a-f]{12} then, [0-9a-f]{12} now\): put it back, or resume with --script FILE/m);
      expect(linesOf(dir)).toEqual(referenceLines.slice(0, keep));
      writeFileSync(join(folder, 'same-replies.json'), script);
      const given = await aos(['resume', dir, '--script', join(folder, 'same-replies.json')]);
      expect(given.code, given.stderr).toBe(0);
      expect(linesOf(dir)).toEqual(referenceLines);
    } finally {
      writeFileSync(recordedPath, script);
    }
  });

  it('names the recorded script when it is missing (exit 2)', async () => {
    const dir = cutCopy(reference, keep, 'missing-script');
    const moved = join(folder, 'chosen-replies.json');
    rmSync(moved);
    try {
      const refused = await aos(['resume', dir]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^aos resume: the run's script ".*chosen-replies\.json" is missing: put it back, or give another with --script FILE\n$/);
    } finally {
      writeFileSync(moved, script);
    }
  });
});

describe('aos resume of a tool declared idempotent false that was running at the stop', () => {
  let reference: string;
  let referenceLines: string[];
  /** Right after the counter's second append was requested, before it completed. */
  let keep: number;
  let effect: string;

  beforeAll(async () => {
    const folder = workflowFolder('once', { 'once.script.json': script }, (source) => source.replace('  timeout 10s\n}', '  timeout 10s\n  idempotent false\n}'));
    reference = await finishedRun(relative(process.cwd(), join(folder, 'once.aos')));
    referenceLines = linesOf(reference);
    keep = after(referenceLines, 'effect.requested', '"op":"tool"')[1] ?? 0;
    effect = /"effect":"([^"]+)"/.exec(referenceLines[keep - 1] ?? '')?.[1] ?? '';
    expect(effect).toMatch(/^counter#1\/e\d+$/);
  });

  it('refuses without --rerun-tools or --fail-tools, naming the tool and its effect, and leaves the run as it was (exit 1)', async () => {
    const dir = cutCopy(reference, keep, 'once-refused');
    const refused = await aos(['resume', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `aos resume: tool append (effect ${effect}) was running when the run stopped, and declared \`idempotent false\`: it may have done its work already; resume with --rerun-tools to run it again, or with --fail-tools to record it as failed\n`,
    );
    expect(linesOf(dir)).toEqual(referenceLines.slice(0, keep));
    expect(existsSync(join(dir, 'completion.json'))).toBe(false);
  });

  it('runs it again with --rerun-tools', async () => {
    const dir = cutCopy(reference, keep, 'once-rerun');
    const resumed = await aos(['resume', dir, '--rerun-tools']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`tools declared \`idempotent false\` that were running when the run stopped: append (effect ${effect}); run again, as asked`);
    expect(linesOf(dir)).toEqual(referenceLines);
  });

  it('records it as failed, without running it, with --fail-tools', async () => {
    const dir = cutCopy(reference, keep, 'once-failed');
    const resumed = await aos(['resume', dir, '--fail-tools']);
    expect(resumed.code, resumed.stderr).toBe(0);
    // Dispatched again: what else was outstanding, not the tool.
    const rerun = await aos(['resume', cutCopy(reference, keep, 'once-failed-rerun'), '--rerun-tools']);
    const dispatched = (stdout: string): number => Number(/dispatching (\d+) outstanding effects again/.exec(stdout)?.[1]);
    expect(dispatched(resumed.stdout)).toBe(dispatched(rerun.stdout) - 1);
    expect(resumed.stdout).toContain(`append (effect ${effect}); recorded as failed, as asked`);
    const completion = JSON.parse(linesOf(dir)[keep] as string) as { kind: string; data: { effect: string; ok: boolean; error?: { kind: string } } };
    expect(completion).toMatchObject({ kind: 'effect.completed', data: { effect, ok: false, error: { kind: 'interrupted' } } });
    expect((await aos(['replay', dir])).code).toBe(0);
  });

  it('takes only one of the two flags (exit 2)', async () => {
    const dir = cutCopy(reference, keep, 'once-both');
    const both = await aos(['resume', dir, '--rerun-tools', '--fail-tools']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("option '--rerun-tools' cannot be used with option '--fail-tools'");
  });
});
