// The sources of the golden traces (golden/sources) run offline to completion as `aos run` runs
// them, and together their runs cover every opcode, syscall and event kind of the kernel that a
// workflow can reach; the coverage measure itself notices a run left out.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bytecode } from '../../src/bytecode/format.js';
import { fileHost } from '../../src/cli/files.js';
import { compileSource } from '../../src/compiler/index.js';
import { verifyLines } from '../../src/replay/chain.js';
import { kernelCoverage, uncoveredNames, type RecordedRun } from '../../src/replay/coverage.js';
import { chooseBackend } from '../../src/runtime/backend-config.js';
import { run } from '../../src/runtime/run.js';

const sourcesDir = resolve(import.meta.dirname, '../../golden/sources');
const sources = readdirSync(sourcesDir)
  .filter((name) => name.endsWith('.aos'))
  .sort()
  .map((name) => join(sourcesDir, name));

/**
 * What no workflow run by `aos run` can reach, and why; anything else left uncovered fails.
 * - NOP: the compiler never emits it (src/compiler/emit has no Op.NOP), and `aos run` only runs
 *   what the compiler made.
 * - signal.external: only a host admits it (Kernel.admit of a `signal.external` input); the live
 *   host admits effect completions and timer firings only, so no run of `aos run` holds one.
 */
const NOT_REACHABLE = ['opcode NOP', 'event signal.external'];

/** The environment `aos run` would see, without the settings that choose another backend. */
const hostEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AOS_LLM_')));

interface GoldenRun extends RecordedRun {
  readonly status: string;
}

let runsDir = '';
const runs: GoldenRun[] = [];

/** Compiles a source and runs it as `aos run FILE --runs-dir DIR` does: seed 0, no input, its scripted default. */
async function runSource(file: string): Promise<GoldenRun> {
  const compiled = compileSource(readFileSync(file), file, fileHost(file));
  expect(compiled.diagnostics.map((d) => `${d.severity}: ${d.message} [${d.rule}]`), file).toEqual([]);
  const bytecode = compiled.bytecode as Bytecode;
  const choice = chooseBackend(file, {}, hostEnv);
  const runDir = join(runsDir, basename(file, '.aos'));
  const report = await run({
    backend: choice.backend,
    bytecode,
    hostEnv,
    input: null,
    orderedCompletions: false,
    runDir,
    scripted: choice.scripted,
    secrets: choice.secrets,
    seed: '0',
    workflowDir: dirname(resolve(file)),
  });
  const lines = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
  return { bytecode, label: basename(file), lines, status: report.status };
}

beforeAll(async () => {
  runsDir = mkdtempSync(join(tmpdir(), 'aos-golden-'));
  for (const file of sources) runs.push(await runSource(file));
});

afterAll(() => {
  if (runsDir !== '') rmSync(runsDir, { recursive: true, force: true });
});

describe('golden sources', () => {
  it('are at least five workflows, each with its script beside it', () => {
    expect(sources.length).toBeGreaterThanOrEqual(5);
    for (const file of sources) expect(readdirSync(sourcesDir), file).toContain(basename(file, '.aos') + '.script.json');
  });

  it('each run offline to an ok end with a sound log of fewer than 2,000 events, on scripted replies', () => {
    for (const r of runs) {
      expect(r.status, r.label).toBe('ok');
      expect(verifyLines(r.lines), r.label).toMatchObject({ ok: true, count: r.lines.length });
      expect(r.lines.length, r.label).toBeLessThan(2000);
      const started = JSON.parse(r.lines[0] as string) as { data: { backend: { name: string } } };
      expect(started.data.backend.name, r.label).toBe('scripted');
    }
  });

  it('together cover every opcode, syscall and event kind a workflow can reach', () => {
    const report = kernelCoverage(runs);
    expect(report.skipped).toEqual([]);
    expect(uncoveredNames(report)).toEqual(NOT_REACHABLE);
  });
});

describe('the coverage measure', () => {
  it('reports the event kinds and syscalls only a left-out run covered', () => {
    const denying = runs.find((r) => r.lines.some((l) => l.includes('"kind":"cap.denied"')));
    expect(denying).toBeDefined();
    const missing = uncoveredNames(kernelCoverage(runs.filter((r) => r !== denying)));
    expect(missing).toContain('event cap.denied');
    const leasing = runs.find((r) => r.lines.some((l) => l.includes('"kind":"lease.expired"')));
    const withoutLeases = uncoveredNames(kernelCoverage(runs.filter((r) => r !== leasing)));
    expect(withoutLeases).toEqual(expect.arrayContaining(['opcode ACQUIRE', 'syscall ACQUIRE', 'syscall RENEW', 'syscall RELEASE', 'event lease.expired']));
  });

  it('counts nothing from a run that did not finish or ran other code, and says why', () => {
    const [first, second] = runs as [GoldenRun, GoldenRun];
    const report = kernelCoverage([
      { bytecode: first.bytecode, label: 'cut short', lines: first.lines.slice(0, -1) },
      { bytecode: first.bytecode, label: 'other code', lines: second.lines },
    ]);
    expect(report.skipped).toEqual([
      { run: 'cut short', reason: 'the run did not finish' },
      { run: 'other code', reason: expect.stringContaining('not the bytecode') },
    ]);
    expect(report.events.covered).toEqual([]);
    expect(report.opcodes.covered).toEqual([]);
  });

  it('counts a syscall only when an event shows it ran, not because its procedure did', () => {
    // Main's code holds FAIL on the path not taken; no process ran a FAIL in this run.
    const leases = runs.find((r) => r.label === 'leases.aos') as GoldenRun;
    const report = kernelCoverage([leases]);
    expect(report.opcodes.covered).toContain('FAIL');
    expect(report.syscalls.uncovered).toContain('FAIL');
    expect(report.syscalls.covered).toEqual(expect.arrayContaining(['ACQUIRE', 'RENEW', 'RELEASE', 'WRITE', 'CALL']));
  });
});
