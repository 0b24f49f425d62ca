// The golden runs (golden/runs, recorded from golden/sources by `npm run golden:update`): each
// replays exactly, its chain verified; each source recompiles to the code hash its run recorded,
// so a compiler change cannot hide behind recorded bytecode; every line is a valid event holding
// nothing of the machine it was recorded on; and together the runs cover every opcode, syscall and
// event kind a workflow can reach, counted by replaying them with the kernel's tracing (and the
// coverage measure notices a run left out). The sources also still run, fresh, to the end their
// recordings reached.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import eventSchema from '../../schemas/event.schema.json' with { type: 'json' };
import { Op } from '../../src/bytecode/opcodes.js';
import { readBytecode } from '../../src/bytecode/reader.js';
import { replayRun } from '../../src/cli/aos-replay.js';
import { compileGolden, recordGolden } from '../../src/cli/golden.js';
import { kernelCoverage, uncoveredNames, type RecordedRun } from '../../src/inspect/coverage.js';

const root = resolve(import.meta.dirname, '../..');
const runsDir = join(root, 'golden', 'runs');
const sourcesDir = join(root, 'golden', 'sources');

/**
 * What no run of a compiled workflow can hold, and why; anything else left uncovered fails.
 * - NOP: the compiler never emits it (src/compiler/emit has no Op.NOP), and a run only runs what
 *   the compiler made.
 */
const NOT_REACHABLE = ['opcode NOP'];

interface GoldenRun extends RecordedRun {
  readonly name: string;
  readonly dir: string;
  readonly status: string;
}

const runs: GoldenRun[] = readdirSync(runsDir)
  .sort()
  .map((name) => {
    const dir = join(runsDir, name);
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    const finished = JSON.parse(lines.at(-1) as string) as { data: { status: string } };
    return { bytecode: readBytecode(readFileSync(join(dir, 'workflow.aosb.json'), 'utf8')), dir, label: name, lines, name, status: finished.data.status };
  });

const fresh: string[] = [];
afterAll(() => {
  for (const dir of fresh) rmSync(dir, { recursive: true, force: true });
});

describe('the golden runs', () => {
  it('are at least five, each recorded from a source of golden/sources with its script', () => {
    expect(runs.length).toBeGreaterThanOrEqual(5);
    const sources = readdirSync(sourcesDir);
    for (const run of runs) expect(sources, run.name).toEqual(expect.arrayContaining([`${run.name}.aos`, `${run.name}.script.json`]));
    expect(sources.filter((f) => f.endsWith('.aos')).length).toBe(runs.length);
  });

  it('each replay exactly, with their chains verified', async () => {
    for (const run of runs) {
      const outcome = await replayRun(run.dir);
      expect(outcome, run.name).toMatchObject({ result: 'identical', events: run.lines.length, finished: true });
    }
  });

  it('each recompile from their source to the code hash their run recorded', () => {
    for (const run of runs) {
      const recompiled = compileGolden(join(sourcesDir, `${run.name}.aos`), root);
      const started = JSON.parse(run.lines[0] as string) as { data: { codeHash: string } };
      expect(recompiled.codeHash, run.name).toBe(started.data.codeHash);
      expect(recompiled.codeHash, run.name).toBe(run.bytecode.codeHash);
    }
  });

  it('hold valid events only, and nothing of the machine they were recorded on', () => {
    const validate = new Ajv2020({ strict: false }).compile(eventSchema);
    const machine = [root, tmpdir(), hostname(), process.env['HOME'] ?? root].filter((s) => s.length > 1);
    for (const run of runs) {
      for (const line of run.lines) expect(validate(JSON.parse(line)) ? [] : validate.errors, `${run.name}: ${line.slice(0, 120)}`).toEqual([]);
      const files = readdirSync(run.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      for (const file of files) {
        const text = readFileSync(join(file.parentPath, file.name), 'latin1');
        for (const mark of machine) expect(text.includes(mark), `${run.name}: ${file.name} holds ${mark}`).toBe(false);
      }
    }
  });

  it('together cover every opcode, syscall and event kind a workflow can reach', () => {
    const report = kernelCoverage(runs);
    expect(report.skipped).toEqual([]);
    expect(uncoveredNames(report)).toEqual(NOT_REACHABLE);
  });

  it('come from sources that still run, fresh, to the end their recordings reached', async () => {
    for (const run of runs) {
      const dir = mkdtempSync(join(tmpdir(), `aos-golden-${run.name}-`));
      fresh.push(dir);
      const { report } = await recordGolden(join(sourcesDir, `${run.name}.aos`), join(dir, 'run'), root);
      expect(report.status, run.name).toBe(run.status);
    }
  }, 60_000);
});

describe('the coverage measure', () => {
  it('reports the event kinds and syscalls only a left-out run covered', () => {
    const denying = runs.find((r) => r.lines.some((l) => l.includes('"kind":"cap.denied"')));
    expect(denying).toBeDefined();
    expect(uncoveredNames(kernelCoverage(runs.filter((r) => r !== denying)))).toContain('event cap.denied');
    const leasing = runs.find((r) => r.lines.some((l) => l.includes('"kind":"lease.expired"')));
    const withoutLeases = uncoveredNames(kernelCoverage(runs.filter((r) => r !== leasing)));
    expect(withoutLeases).toEqual(expect.arrayContaining(['opcode ACQUIRE', 'syscall ACQUIRE', 'syscall RENEW', 'syscall RELEASE', 'event lease.expired']));
    const interrupted = runs.find((r) => r.lines.some((l) => l.includes('"kind":"signal.external"')));
    expect(uncoveredNames(kernelCoverage(runs.filter((r) => r !== interrupted)))).toContain('event signal.external');
  });

  it('counts nothing from a run that did not finish, ran other code or does not replay, and says why', () => {
    const [first, second] = runs as [GoldenRun, GoldenRun];
    // A line the replay never produces, in place of one it does: the replay diverges there.
    const altered = first.lines.map((line, seq) => (seq === 2 ? line.replace('"kind":"', '"kind":"x') : line));
    const report = kernelCoverage([
      { bytecode: first.bytecode, label: 'cut short', lines: first.lines.slice(0, -1) },
      { bytecode: first.bytecode, label: 'other code', lines: second.lines },
      { bytecode: first.bytecode, label: 'altered', lines: altered },
    ]);
    expect(report.skipped).toEqual([
      { run: 'cut short', reason: 'the run did not finish' },
      { run: 'other code', reason: expect.stringContaining('but the bytecode given is') },
      { run: 'altered', reason: expect.stringContaining('replay diverged at seq 2') },
    ]);
    expect(report.events.covered).toEqual([]);
    expect(report.opcodes.covered).toEqual([]);
  });

  it('counts an instruction only when it ran, not because its procedure did', () => {
    // Main's code holds FAIL on the path not taken; no process ran a FAIL in this run.
    const leases = runs.find((r) => r.name === 'leases') as GoldenRun;
    const main = leases.bytecode.code.procedures[leases.bytecode.code.entry];
    expect(main?.code.some((ins) => ins[0] === Op.FAIL)).toBe(true);
    const report = kernelCoverage([leases]);
    expect(report.opcodes.uncovered).toContain('FAIL');
    expect(report.syscalls.uncovered).toContain('FAIL');
    expect(report.syscalls.covered).toEqual(expect.arrayContaining(['ACQUIRE', 'RENEW', 'RELEASE', 'WRITE', 'CALL']));
  });
});
