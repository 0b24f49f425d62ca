// The seed sweep: every workflow in test/vm/workflows runs under many seeds, with both scheduling
// policies, with and without interleaved completions, with the default quantum and a small one.
// Each seed runs twice and must give the same log (the same head hash over the same number of
// events), and every invariant of src/runtime/invariants.ts must hold after every kernel
// transition. A failing seed prints the one command that reproduces it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SchedulingPolicy } from '../../src/vm/scheduler.js';
import { readHeader, sweepSeed } from '../../src/sim/sweep.js';
import { compileDsl } from './helpers.js';

const SEEDS_PER_WORKFLOW = 300;
/** A quantum small enough that processes yield in the middle of their programs. */
const SMALL_QUANTUM = 3;

const folder = new URL('./workflows/', import.meta.url);
const workflows = readdirSync(folder)
  .filter((file) => file.endsWith('.aos'))
  .sort()
  .map((file) => {
    const source = readFileSync(new URL(file, folder), 'utf8');
    return { name: file.slice(0, -'.aos'.length), bytecode: compileDsl(source), ...readHeader(source) };
  });

interface SeedOptions {
  readonly policy: SchedulingPolicy;
  readonly interleave: boolean;
  readonly quantum?: number;
}

/** Seed n's options, from its low bits: odd seeds schedule at random, bit 1 interleaves completions, bit 2 takes the small quantum. */
function optionsOf(seed: number): SeedOptions {
  const policy = seed % 2 === 1 ? 'random' : 'round-robin';
  const interleave = Math.floor(seed / 2) % 2 === 1;
  return Math.floor(seed / 4) % 2 === 1 ? { policy, interleave, quantum: SMALL_QUANTUM } : { policy, interleave };
}

function reproduce(workflow: string, seed: number, options: SeedOptions): string {
  const flags = [`--workflow ${workflow}`, `--seed ${seed}`];
  if (options.policy === 'random') flags.push('--policy random');
  if (options.interleave) flags.push('--interleave');
  if (options.quantum !== undefined) flags.push(`--quantum ${options.quantum}`);
  return `node scripts/sweep.mjs ${flags.join(' ')}`;
}

/** What a run did, without its seed: every line after run.started, less its hash. */
function scheduleOf(lines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of lines.slice(1)) hash.update(line.replace(/"h":"[0-9a-f]{64}",/, ''));
  return hash.digest('hex');
}

describe('the seed sweep', () => {
  it('covers at least 1,000 seeds over at least 6 workflows', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(6);
    expect(workflows.length * SEEDS_PER_WORKFLOW).toBeGreaterThanOrEqual(1000);
  });

  for (const workflow of workflows) {
    it(`${workflow.name}: seeds 1–${SEEDS_PER_WORKFLOW} keep every invariant, end as expected and give the same log twice`, () => {
      const schedules = new Set<string>();
      for (let seed = 1; seed <= SEEDS_PER_WORKFLOW; seed++) {
        const options = optionsOf(seed);
        const outcome = sweepSeed({ bytecode: workflow.bytecode, fakes: workflow.fakes, seed: String(seed), ...options });
        const unexpected = workflow.expect !== null && !workflow.expect.includes(outcome.status ?? '');
        const problem = outcome.violation ?? (unexpected ? `main ended ${outcome.status ?? 'without a result'}, expected ${workflow.expect?.join(' or ')}` : null);
        if (problem !== null) {
          const where = `workflow ${workflow.name}, seed ${seed}, policy ${options.policy}, interleave ${options.interleave}, quantum ${options.quantum ?? 'default'}`;
          expect.fail(`${where}: ${problem}\n  reproduce: npm run build && ${reproduce(workflow.name, seed, options)}`);
        }
        schedules.add(scheduleOf(outcome.lines));
      }
      // A sweep whose seeds all run alike explores nothing: each workflow must have concurrency the seeds reorder.
      expect(schedules.size, `${workflow.name}: distinct schedules over ${SEEDS_PER_WORKFLOW} seeds`).toBeGreaterThan(1);
    });
  }
});
